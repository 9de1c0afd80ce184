"""The demo street: deterministic, modelled on 市北, on real OSM buildings, with a login for every role."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.people.ages import born_on_or_before_for_age
from linli.people.models import Resident
from linli.places.geometry import polygon_contains
from linli.places.models import Building, Community, Grid, Household

# The demo commits and `--reset` flushes: restore the seeded tables for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


REAL_NOW = timezone.now
# The builds start on the same day at different hours (10:00 and 21:30 here), and the clock then runs as the real
# one does: the same seed on the same day must give the same street whatever the hour (the demo's "now" is the start
# of its day), and a run near midnight must not straddle two days.
BUILD_STARTS = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10, 0)))
REBUILD_STARTS = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(21, 30)))


@contextmanager
def clock_from(start: dt.datetime) -> Iterator[None]:
    began = REAL_NOW()
    with mock.patch("django.utils.timezone.now", lambda: start + (REAL_NOW() - began)):
        yield


def test_the_demo_street(capsys):
    """One build (the demo takes seconds), checked from every side."""
    out = StringIO()
    with clock_from(BUILD_STARTS):
        call_command("demo", stdout=out)
        printed = out.getvalue()
        check_shibei_matches_the_articles_figures()
        check_the_readme_figures_come_from_the_records(printed)
        check_the_last_complete_month_is_graded_on_its_own_health_check()
        check_the_model_community_is_graded_on_what_its_services_recorded()
        check_the_demo_volunteers_and_sorts_waste_in_both_communities()
        check_every_meal_subsidy_went_through_the_ledger()
        check_the_partnership_projects_went_through_their_services()
        check_every_grant_application_and_review_went_through_the_fund_services()
        check_every_point_spent_at_jiefanghui_was_earned_through_a_record()
        check_facilities_stand_on_their_communitys_buildings()
        check_buildings_are_real_osm_buildings_inside_their_community()
        check_it_prints_a_login_for_every_role_and_each_works(printed)
        check_the_school_terms_follow_the_build_day()
        check_a_second_run_refuses_and_the_same_seed_gives_the_same_street()
        check_every_mediation_case_went_through_the_mediation_services()
        check_every_report_went_through_the_report_services()
        check_households_and_residents_came_in_through_the_register_import()
        check_every_round_table_record_went_through_the_consultation_services()
        check_every_jiefanghui_user_signed_up_and_verified_through_the_services()
        check_every_course_record_went_through_the_course_services()
        check_every_childcare_application_went_through_the_childcare_services()
        check_every_notice_read_and_text_went_through_the_notice_services()
        check_every_space_service_and_slot_went_through_the_register_services()
        check_the_report_clock_finds_nothing_overdue_from_before_the_build()


def check_shibei_matches_the_articles_figures():
    shibei = Community.objects.get(code="shibei")
    assert shibei.neighbourhoods.count() == 4
    assert Household.objects.filter(community=shibei).count() == 4223
    residents = Resident.objects.filter(community=shibei)
    assert residents.count() == 12000
    today = timezone.localdate()
    working_age = residents.filter(
        birth_date__lte=born_on_or_before_for_age(18, today), birth_date__gt=born_on_or_before_for_age(60, today)
    ).count()
    assert 0.66 <= working_age / 12000 <= 0.74
    assert Community.objects.filter(street__code="ningwei").count() >= 2


def check_the_readme_figures_come_from_the_records(printed):
    """What the README promises, read back from what the build wrote; the build prints it in Chinese."""
    from linli.demo.figures import demo_figures

    figures = demo_figures(timezone.localdate())
    assert figures.households == 4223
    assert figures.residents == 12000
    assert figures.marketplace_users >= 5200
    assert figures.merchants == 215
    assert figures.products >= 500
    assert figures.points_spent > 220_000
    assert figures.partner_projects == 128
    assert figures.fund_raised_fen >= 3_000_000 * 100  # the donations, and partners' money received into the fund
    assert (figures.grants, figures.granted_fen) == (33, 500_000 * 100)
    assert 1_000_000 * 100 <= figures.company_revenue_fen <= 1_250_000 * 100
    # the model community's services reach its residents better than the ordinary one's, as the engine measures
    assert figures.supply_index["市北社区"] > 70 > 30 > figures.supply_index["利民社区"] > 0
    assert "市北社区：4,223 户，12,000 位居民" in printed
    assert "设施供给指数" in printed
    assert "{" not in printed and "'shibei'" not in printed


def check_the_last_complete_month_is_graded_on_its_own_health_check():
    """Every back-filled month has a health check of its own: the coverage indicators (the bus stop's too) and the
    supply index have figures for the month graded, and the model community grades above the ordinary one."""
    from linli.cockpit.framework import load_framework
    from linli.cockpit.selectors import community_view, last_complete_month

    framework = load_framework()
    month = last_complete_month()
    checked = {"planning_covered_share", "supply_index"}
    from_checks = [i.code for i in framework.indicators if i.source == "computed" and i.query_name in checked]
    assert "bus_stop_coverage" in from_checks and len(from_checks) == 8
    overall = {}
    for community in Community.objects.filter(street__code="ningwei"):
        evaluation = community_view(community, framework, month).evaluation
        assert evaluation is not None, community.name
        values = {s.indicator.code: s.value for s in evaluation.scores}
        assert all(values[code] is not None for code in from_checks), (community.name, values)
        overall[community.name] = evaluation.overall
        # the company's takings against the subsidies paid: the canteens' subsidies are in the ledger to weigh
        assert values["operating_revenue_vs_subsidy"] is not None, community.name
        # the activity the services recorded in the month: meals served, bookings used
        assert values["canteen_meals_per_elderly"] > 0.5, (community.name, values["canteen_meals_per_elderly"])
        assert values["bookings_attended_per_100"] > 0, community.name
    assert overall["市北社区"] > overall["利民社区"] > 0


def check_the_partnership_projects_went_through_their_services():
    """Every partner, pairing, project and contribution the demo shows was recorded by the partners' services, as
    the community's admin: each has its service's audit row, and the pledges delivered, withdrawn and the projects
    closed have the row of that step too."""
    from linli.audit.models import AuditEntry
    from linli.partners.models import Contribution, Pairing, Partner, Project

    def audited(action: str, model: type) -> set[str]:
        return set(
            AuditEntry.objects.filter(
                action=action, object_type=model._meta.label_lower, actor__isnull=False
            ).values_list("object_id", flat=True)
        )

    def ids(rows) -> set[str]:
        return {str(pk) for pk in rows.values_list("pk", flat=True)}

    assert Project.objects.count() == 128
    assert Pairing.objects.count() == 8
    assert ids(Partner.objects.all()) == audited("partner.register", Partner)
    assert ids(Pairing.objects.all()) == audited("partner.pair", Pairing)
    assert ids(Project.objects.all()) == audited("partner.project_create", Project)
    assert ids(Project.objects.filter(status="done")) == audited("partner.project_close", Project)
    assert ids(Contribution.objects.all()) == audited("partner.contribution", Contribution)
    money = Contribution.objects.filter(kind="money")
    assert ids(money.filter(status="delivered")) == audited("partner.contribution_deliver", Contribution)
    assert ids(money.filter(status="withdrawn")) == audited("partner.contribution_withdraw", Contribution)
    assert set(Project.objects.values_list("status", flat=True)) == {"running", "done"}
    assert set(Contribution.objects.values_list("status", flat=True)) == {"pledged", "delivered", "withdrawn"}
    # a running project shows the people it has served so far, recorded by the project's update
    running = Project.objects.filter(status="running")
    assert not running.filter(beneficiaries=0).exists()
    assert ids(running) <= audited("partner.project_update", Project)
    check_the_partners_money_arrived_in_the_fund_through_its_service()


def check_the_partners_money_arrived_in_the_fund_through_its_service():
    """Each partner's money delivered to a 市北 project was received into the fund by the fund's service, once, on
    the day it was delivered: a deposit into the fund's ledger account with its receipt. The fund's raised total,
    read from the ledger, counts these and the donations."""
    from django.db.models import Sum

    from linli.audit.models import AuditEntry
    from linli.fund.models import Donation
    from linli.fund.selectors import fund_summary
    from linli.partners.models import Contribution

    shibei = Community.objects.get(code="shibei")
    delivered = Contribution.objects.filter(project__community=shibei, kind="money", status="delivered")
    received = Donation.objects.filter(contribution__isnull=False)
    assert delivered.exists()
    assert set(received.values_list("contribution_id", flat=True)) == set(delivered.values_list("pk", flat=True))
    receipts = set(AuditEntry.objects.filter(action="fund.contribution_receive").values_list("object_id", flat=True))
    assert receipts == {str(pk) for pk in received.values_list("pk", flat=True)}
    for donation in received.select_related("contribution", "transaction"):
        assert donation.amount_fen == donation.contribution.value_fen
        assert donation.received_on == donation.contribution.delivered_on
        assert timezone.localdate(donation.transaction.occurred_at) == donation.received_on
    donated = Donation.objects.filter(community=shibei).aggregate(s=Sum("amount_fen"))["s"]
    assert fund_summary(community=shibei).raised_fen >= donated >= 3_000_000 * 100  # with the ledger's other deposits


def check_every_meal_subsidy_went_through_the_ledger():
    """What each subsidy payer owes for the meals served up to yesterday (the canteen's charge rows) is what the
    company's daily collection took from that payer's ledger account, and every community's books balance."""
    from django.db.models import Sum

    from linli.canteen.models import MealCharge, Payer
    from linli.company.models import Source
    from linli.ledger.checks import ledger_check
    from linli.ledger.models import Entry

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for community in Community.objects.filter(street__code="ningwei"):
        owed = (
            MealCharge.objects.filter(community=community, order__status="served", day__lte=yesterday)
            .exclude(payer__in=[Payer.RESIDENT, Payer.COMMUNITY_COMPANY])
            .aggregate(s=Sum("amount_fen"))["s"]
        )
        paid = Entry.objects.filter(  # the payers' side of the postings (the company's account takes the other)
            transaction__company_posting__source=Source.CANTEEN_SUBSIDY,
            transaction__community=community,
            account__kind="funding",
            amount__lt=0,
        ).aggregate(s=Sum("amount"))["s"]
        assert owed and paid == -owed, (community.name, owed, paid)
        check = ledger_check(community_id=community.pk)
        assert check.ok, check.problems[:5]


def check_every_point_spent_at_jiefanghui_was_earned_through_a_record():
    """The 街坊汇 figures follow from what the services recorded: every earning names the record that earned it
    (confirmed hours, an attendance, a correct waste-sorting check…), no resident spent more than they earned, and
    the merchants, their orders and settlements were written by the services (an audit row each)."""
    from django.db.models import Sum

    from linli.audit.models import AuditEntry
    from linli.ledger.models import Entry, Merchant, Order, Settlement, Transaction
    from linli.volunteering.models import ServiceRecord, SignUp
    from linli.waste.models import SortingCheck

    earnings = Transaction.objects.filter(kind="earn")
    keys = list(earnings.values_list("idempotency_key", flat=True))
    by_kind: dict[str, set[int]] = {}
    for key in keys:
        kind, _, rest = key.partition(":")
        assert kind in ("volunteer-hours", "activity-attendance", "waste-sorting", "report", "consultation"), key
        if kind in ("volunteer-hours", "activity-attendance", "waste-sorting"):
            by_kind.setdefault(kind, set()).add(int(rest))
    hours = by_kind.get("volunteer-hours", set())
    assert ServiceRecord.objects.filter(pk__in=hours, status="confirmed").count() == len(hours)
    attended = by_kind.get("activity-attendance", set())
    assert SignUp.objects.filter(pk__in=attended, checked_in_at__isnull=False).count() == len(attended)
    sorted_ = by_kind.get("waste-sorting", set())
    assert SortingCheck.objects.filter(pk__in=sorted_, result="correct").count() == len(sorted_)
    earned = dict(
        Entry.objects.filter(transaction__kind="earn", account__kind="resident")
        .values_list("account__resident")
        .annotate(s=Sum("amount"))
    )
    spent = dict(Order.objects.exclude(status=Order.Status.REFUNDED).values_list("resident").annotate(s=Sum("points")))
    assert spent and all(points <= earned.get(resident, 0) for resident, points in spent.items())
    assert not Order.objects.filter(resident__user__isnull=True).exists()
    for action, model in (
        ("merchant.apply", Merchant),
        ("merchant.decide", Merchant),
        ("order.place", Order),
        ("merchant.settle", Settlement),
    ):
        assert AuditEntry.objects.filter(action=action).count() == model.objects.count(), action
    assert AuditEntry.objects.filter(action="order.redeem").count() == Order.objects.filter(status="redeemed").count()
    # spending follows earning month by month: no month of the cockpit shows a sudden spree
    by_month: dict[str, int] = {}
    for created_at, points in Order.objects.exclude(status=Order.Status.REFUNDED).values_list("created_at", "points"):
        month = f"{timezone.localtime(created_at):%Y-%m}"
        by_month[month] = by_month.get(month, 0) + points
    this_month = f"{timezone.localdate():%Y-%m}"
    months = {m: v for m, v in by_month.items() if m not in (this_month, min(by_month))}  # the whole months
    middle = sorted(months.values())[len(months) // 2]
    assert len(months) >= 10 and all(v <= 2 * middle for v in months.values()), months


def check_facilities_stand_on_their_communitys_buildings():
    from linli.facilities.models import Facility

    for community in Community.objects.all():
        facilities = Facility.objects.filter(community=community)
        assert facilities.count() >= 10
        # each on one of the community's own buildings, so inside its boundary
        assert not facilities.filter(building__isnull=True).exists()
        assert not facilities.exclude(building__community=community).exists()
        assert all(polygon_contains(community.boundary, f.lng, f.lat) for f in facilities)
    # the company's spaces are the register's, with their own types (a fresh market is a market)
    market = Facility.objects.get(community__code="shibei", name="小北鲜市（一店）")
    assert market.category.code == "market" and market.company_postings.exists()


def check_buildings_are_real_osm_buildings_inside_their_community():
    for community in Community.objects.all():
        buildings = Building.objects.filter(community=community)
        assert buildings.count() > 50
        assert not buildings.filter(osm_id__isnull=True).exists()
        assert all(polygon_contains(community.boundary, b.lng, b.lat) for b in buildings)
    # every building sits in a grid, and every grid has a steward
    assert not Building.objects.filter(grid__isnull=True).exists()
    assert not Grid.objects.filter(steward__isnull=True).exists()
    assert Household.objects.values("building").annotate(n=Count("id")).filter(n=0).count() == 0


def check_it_prints_a_login_for_every_role_and_each_works(demo):
    for role in Role:
        assert str(role.label) in demo or role.value in demo
    assert "© OpenStreetMap contributors" in demo
    for mobile in ["13900000001", "13900000003", "13900000005", "13900000008", "13900000009"]:
        client = Client()
        response = client.post("/accounts/login/", {"mobile": mobile, "password": "linli2026"})
        assert response.status_code == 302, mobile
    assert RoleAssignment.objects.filter(role=Role.CITY_VIEWER).count() == 1
    resident = Resident.objects.get(user__mobile="13900000001")
    assert resident.age(timezone.localdate()) == 76
    # her son, the volunteer login, helps her as family (亲情账号) and sees her among those he books for
    from linli.accounts.models import User
    from linli.people.selectors import acting_for

    assert resident in acting_for(user=User.objects.get(mobile="13900000002"))


def check_the_school_terms_follow_the_build_day():
    """The term running today is named after its own start (no spring term in December), was set up through the
    services (audited), and its 智能手机课 is open to 利民社区 too."""
    from linli.audit.models import AuditEntry
    from linli.courses.demo import term_name
    from linli.courses.models import Course, Term

    today = timezone.localdate()
    current = Term.objects.get(community__code="shibei", starts_on__lte=today, ends_on__gte=today)
    assert current.name == term_name(current.starts_on)
    assert AuditEntry.objects.filter(action="course.term_create").count() == 2
    phone = Course.objects.get(term=current, title="智能手机课")
    assert list(phone.shared_with.values_list("code", flat=True)) == ["limin"]


def check_a_second_run_refuses_and_the_same_seed_gives_the_same_street():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    first = list(Resident.objects.order_by("pk").values_list("name", "birth_date")[:50])
    counts = demo_counts()
    with clock_from(REBUILD_STARTS):
        call_command("demo", "--reset", stdout=StringIO())
    again = list(Resident.objects.order_by("pk").values_list("name", "birth_date")[:50])
    assert [n for n, _ in first] == [n for n, _ in again]
    assert demo_counts() == counts
    assert all(isinstance(b, dt.date) for _, b in again)


def demo_counts() -> dict[str, int]:
    """How many rows of each model of linli the demo wrote (not the audit log, whose rows carry the times, nor the
    sign-in counters the login checks leave)."""
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("linli.")
        and model._meta.label not in ("audit.AuditEntry", "core.ThrottleCounter")
    }


def check_the_model_community_is_graded_on_what_its_services_recorded():
    """市北, the articles' model community, and 利民, an ordinary (普惠型) one, graded for the last complete month by
    the engine: coverage from the placement the planning engine chose for each community's plan, meals and bookings
    from the services, entered values with their evidence."""
    from linli.cockpit.framework import load_framework
    from linli.cockpit.models import IndicatorEntry
    from linli.cockpit.selectors import community_view, last_complete_month

    framework = load_framework()
    month = last_complete_month()
    graded = {}
    for community in Community.objects.filter(street__code="ningwei"):
        evaluation = community_view(community, framework, month).evaluation
        assert evaluation is not None, community.name
        graded[community.code] = (evaluation, {s.indicator.code: s.value for s in evaluation.scores})
    shibei, shibei_values = graded["shibei"]
    limin, limin_values = graded["limin"]
    # the model community: its 5-minute services reach most of those they serve, and they are used
    for code in ("childcare_coverage", "after_school_coverage", "day_care_access", "canteen_coverage"):
        assert shibei_values[code] >= 80, (code, shibei_values[code])
    assert shibei_values["service_station_coverage"] >= 80 and shibei_values["bus_stop_coverage"] >= 80
    assert shibei_values["supply_index"] >= 80
    assert shibei_values["canteen_meals_per_elderly"] >= 4
    assert shibei_values["bookings_attended_per_100"] >= 18
    assert shibei.level == "leading", shibei.overall
    # the ordinary one has the basics, childcare and a shared office among them, and is graded below
    assert limin_values["childcare_coverage"] > 30 and limin_values["co_working_spaces"] >= 1
    assert limin_values["canteen_meals_per_elderly"] >= 3 and limin_values["bookings_attended_per_100"] >= 15
    assert 65 <= limin.overall < shibei.overall  # 普惠型 (≥ 70) on the builds looked at: 72.69 on 2026-12-07
    # every entered value came with its evidence, through the entry service (audited)
    from linli.audit.models import AuditEntry

    entries = IndicatorEntry.objects.filter(community__street__code="ningwei")
    assert entries.exists() and not entries.filter(evidence__isnull=True).exists()
    assert AuditEntry.objects.filter(action="indicator.enter").count() == entries.count()


def check_the_demo_volunteers_and_sorts_waste_in_both_communities():
    """The volunteering, points and waste sorting the cockpit grades in the last complete month come from what the
    services recorded: 市北, the model community, reaches the targets of hours and sorting; 利民 does less, but does."""
    from linli.cockpit.framework import load_framework
    from linli.cockpit.selectors import community_view, last_complete_month
    from linli.volunteering.models import ServiceRecord
    from linli.waste.models import SortingCheck

    framework = load_framework()
    month = last_complete_month()
    values = {}
    for community in Community.objects.filter(code__in=["shibei", "limin"]):
        evaluation = community_view(community, framework, month).evaluation
        assert evaluation is not None, community.name
        values[community.code] = {s.indicator.code: s.value for s in evaluation.scores}
    shibei, limin = values["shibei"], values["limin"]
    assert shibei["volunteer_hours_per_100"] >= 10
    assert 0 < limin["volunteer_hours_per_100"] < shibei["volunteer_hours_per_100"]
    assert 0 < limin["points_per_active_resident"] < shibei["points_per_active_resident"]
    assert shibei["waste_sorting_rate"] >= 88
    assert 0 < limin["waste_sorting_rate"] < shibei["waste_sorting_rate"]
    # every hour was checked in and confirmed through the services, with an audit row each
    from linli.audit.models import AuditEntry

    confirmed = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED).count()
    assert confirmed and AuditEntry.objects.filter(action="service_record.confirm").count() == confirmed
    assert AuditEntry.objects.filter(action="waste.check").count() == SortingCheck.objects.count()
    assert set(SortingCheck.objects.values_list("community__code", flat=True).distinct()) == {"shibei", "limin"}


def check_every_grant_application_and_review_went_through_the_fund_services():
    """The round's applications were submitted while it was open, scored by each reviewer during the review and
    decided: one audit row each, by whoever did it; the next round is open with none in."""
    from linli.audit.models import AuditEntry
    from linli.fund.models import Application, GrantRound, Review

    shibei = Community.objects.get(code="shibei")
    closed, next_round = GrantRound.objects.filter(community=shibei).order_by("pk")
    assert (closed.status, next_round.status) == (GrantRound.Status.CLOSED, GrantRound.Status.OPEN)
    assert not next_round.applications.exists()
    applications = Application.objects.filter(round=closed)
    assert applications.count() == 33
    reviews = Review.objects.filter(application__round=closed)
    assert reviews.count() == 33 * closed.reviewers.count()

    def audited(action, rows):
        """Who the audit says did `action` to each of `rows` (one pair a row written)."""
        return sorted(
            AuditEntry.objects.filter(
                action=action, object_type=rows.model._meta.label_lower, object_id__in=[str(r.pk) for r in rows]
            ).values_list("object_id", "actor_id")
        )

    assert audited("fund.apply", applications) == sorted((str(a.pk), a.submitted_by_id) for a in applications)
    assert audited("fund.review", reviews) == sorted((str(r.pk), r.reviewer_id) for r in reviews)
    assert len(audited("fund.decide", applications)) == 33
    for application in applications:
        assert closed.opens_on <= timezone.localdate(application.submitted_at) <= closed.closes_on
        assert all(application.submitted_at < r.created_at < application.decided_at for r in application.reviews.all())


def check_every_mediation_case_went_through_the_mediation_services():
    """Every mediator, case and step of a case the demo shows was recorded by the mediation services: one audit row
    per step, by the admin or the mediator who took it, naming the case number and never its private content; each
    step dated when it happened, in its order."""
    from collections import Counter

    from linli.audit.models import AuditEntry
    from linli.mediation.models import Case, CaseMediator, Mediator

    assert set(AuditEntry.objects.filter(action="mediation.mediator_add").values_list("object_id", flat=True)) == {
        str(pk) for pk in Mediator.objects.values_list("pk", flat=True)
    }
    cases = Case.objects.prefetch_related("parties", "mediators", "sessions", "notes", "follow_ups")
    assert {c.community.code for c in cases.select_related("community")} == {"shibei", "limin"}
    rows = AuditEntry.objects.filter(object_type="mediation.case")
    steps = Counter(rows.values_list("object_id", "action"))
    actors = set(rows.values_list("object_id", "action", "actor_id"))
    assert all(
        "summary" not in (after or {}) and "title" not in (after or {})
        for after in rows.values_list("after", flat=True)
    )
    for case in cases:
        n = str(case.pk)
        agreed = hasattr(case, "agreement")
        assert steps[n, "mediation.case_open"] == 1 and (n, "mediation.case_open", case.opened_by_id) in actors
        assert steps[n, "mediation.mediator_assign"] == case.mediators.count() - 1
        assert steps[n, "mediation.party_add"] == case.parties.count() - 1 == 1
        assert steps[n, "mediation.session_schedule"] == case.sessions.count() == 1
        assert steps[n, "mediation.note_add"] == case.notes.count() == 1
        assert steps[n, "mediation.agreement_record"] == int(agreed)
        assert steps[n, "mediation.follow_up"] == case.follow_ups.count() == int(agreed)
        assert steps[n, "mediation.case_close"] == int(case.status == Case.Status.CLOSED)
        handlers = {m.mediator.user_id for m in CaseMediator.objects.filter(case=case).select_related("mediator")}
        done = [a for (o, action, a) in actors if o == n and action != "mediation.mediator_assign"]
        assert set(done) <= handlers, case.pk
        assert all(m.assigned_at == case.opened_at for m in case.mediators.all())
        assert case.opened_at < case.sessions.get().starts_at <= case.notes.get().created_at <= timezone.now()
        if agreed:
            assert case.agreement.agreed_at < case.follow_ups.get().created_at <= case.closed_at
        if case.closed_at:
            assert case.opened_at < case.closed_at <= timezone.now()


def check_every_report_went_through_the_report_services():
    """The last PLAYED_DAYS of reports (most of the year, and those made on care visits) went through the report
    services, back-dated: each has its submission's audit row, and each acceptance and escalation its row, by whoever
    did it. Every report, older ones too, has its event trail from its submission, and a closed report keeps the
    moment it was resolved. Every report_confirmed earning names an accepted report of its registered reporter, dated
    when it was accepted."""
    from django.db.models import F, Q

    from linli.audit.models import AuditEntry
    from linli.care.models import Visit
    from linli.ledger.models import Transaction
    from linli.reports.demo import PLAYED_DAYS
    from linli.reports.models import Report, ReportEvent

    def audited(action: str) -> set[tuple[str, int | None]]:
        return set(AuditEntry.objects.filter(action=action).values_list("object_id", "actor_id"))

    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    reports = Report.objects.all()
    assert 3000 <= reports.count() <= 4500
    assert not reports.filter(created_at__gte=today).exists()
    from_visits = Visit.objects.exclude(report=None).values("report")  # care's visitors report through them too
    played = reports.filter(Q(created_at__gte=today - dt.timedelta(days=PLAYED_DAYS)) | Q(pk__in=from_visits))
    assert played.count() > 0.5 * reports.count()
    assert audited("report.submit") == {(str(pk), reporter) for pk, reporter in played.values_list("pk", "reporter")}
    accepted = ReportEvent.objects.filter(kind="accepted")
    assert {(str(r), a) for r, a in accepted.filter(report__in=played).values_list("report", "actor")} == audited(
        "report.accepted"
    )
    assert ReportEvent.objects.filter(kind="escalated", report__in=played).count() == (
        AuditEntry.objects.filter(action="report.escalate").count()
    )
    submitted = ReportEvent.objects.filter(kind="submitted")
    assert set(submitted.values_list("report", "created_at")) == set(reports.values_list("pk", "created_at"))
    assert set(accepted.values_list("report", "created_at")) == set(
        reports.exclude(accepted_at=None).values_list("pk", "accepted_at")
    )
    assert None not in set(accepted.values_list("actor", flat=True))
    assert set(reports.filter(overdue=True, level__gt=1).values_list("pk", flat=True)) == set(
        ReportEvent.objects.filter(kind="escalated").values_list("report", flat=True)
    )
    closed = reports.filter(status="closed")
    assert played.filter(status="closed", rating__isnull=False).exclude(reporter=None).exists()
    assert not closed.exclude(resolved_at=None).exclude(finished_at=F("resolved_at")).exists()
    assert not reports.filter(rating__isnull=False, reporter=None).exists()  # a guest cannot rate
    earnings = Transaction.objects.filter(rule_code="report_confirmed")
    assert earnings.count() > 100
    named = {int(memo.removeprefix("#")) for memo in earnings.values_list("memo", flat=True)}
    by_report = reports.in_bulk(named)
    assert len(by_report) == len(named) == earnings.count()
    for memo, occurred_at in earnings.values_list("memo", "occurred_at"):
        report = by_report[int(memo.removeprefix("#"))]
        assert report.reporter_id is not None and report.accepted_at == occurred_at


def check_households_and_residents_came_in_through_the_register_import():
    """Each community went live as a real one does: its admin previewed and imported its register, and every
    household and resident is what the file held, each resident with the import's audit row."""
    from linli.audit.models import AuditEntry
    from linli.people.models import RegisterImport

    planned = {"shibei": (4223, 12000), "limin": (1650, 4600)}
    for community in Community.objects.filter(street__code="ningwei"):
        job = RegisterImport.objects.get(community=community)
        households, residents = planned[community.code]
        assert job.status == RegisterImport.Status.DONE and job.file_name.endswith("居民花名册.xlsx")
        assert job.counts == {"created": residents, "updated": 0, "unchanged": 0, "refused": 0}
        assert len(job.rows) == residents and not job.stored_as  # the file, with its ID numbers, is gone
        assert RoleAssignment.objects.filter(user=job.uploaded_by, role=Role.COMMUNITY_ADMIN, community=community)
        assert Household.objects.filter(community=community).count() == households
        assert Resident.objects.filter(community=community, household=None).count() == 0
        assert Resident.objects.filter(community=community).count() == residents
        assert Resident.objects.filter(community=community).exclude(relation_to_head="").count() == residents
        assert Resident.objects.filter(community=community, tags__code="elderly_living_alone").exists()
        audit = AuditEntry.objects.filter(actor=job.uploaded_by)
        assert audit.filter(action="resident.create", via="import", community=community).count() == residents
        assert audit.filter(action="register_import.preview", object_id=str(job.pk)).count() == 1
        assert audit.filter(action="register_import.start", object_id=str(job.pk)).count() == 1
        (entry,) = audit.filter(action="resident.import_register", community=community)
        assert entry.after["created"] == residents and entry.after["sha256"] == job.sha256


def check_every_round_table_record_went_through_the_consultation_services():
    """Each matter, support, meeting, registration, decision, task and its progress, rating and ballot of the round
    tables was written by its service (an audit row each, by whoever did it); every point earned for supporting,
    attending or voting names its record and is dated when it was earned; and nobody was told of it at build time."""
    from linli.audit.models import AuditEntry
    from linli.consultation.models import (
        Decision,
        Matter,
        Meeting,
        Rating,
        Registration,
        Support,
        Task,
        TaskUpdate,
        Vote,
    )
    from linli.ledger.models import Transaction
    from linli.notifications.models import Notification

    def audited(*actions):
        return set(AuditEntry.objects.filter(action__in=actions).values_list("object_id", "actor_id"))

    def ids(rows):
        return {str(pk) for pk in rows.values_list("pk", flat=True)}

    raised = audited("consultation.matter_raise", "consultation.matter_lift")
    assert {pk for pk, _actor in raised} == ids(Matter.objects.all())
    assert raised == {(str(pk), by) for pk, by in Matter.objects.values_list("pk", "raised_by")}
    supports = Support.objects.all()
    assert audited("consultation.matter_support") == {(str(s.pk), s.resident.user_id) for s in supports}
    meetings = Meeting.objects.all()
    assert {pk for pk, _actor in audited("consultation.meeting_create")} == ids(meetings)
    held = meetings.filter(status=Meeting.Status.HELD)
    assert held.exists() and {pk for pk, _actor in audited("consultation.meeting_hold")} == ids(held)
    registrations = Registration.objects.select_related("resident")
    assert audited("consultation.meeting_register") == {(str(r.pk), r.resident.user_id) for r in registrations}
    assert {pk for pk, _actor in audited("consultation.decision_record")} == ids(Decision.objects.all())
    assert {pk for pk, _actor in audited("consultation.task_create")} == ids(Task.objects.all())
    assert AuditEntry.objects.filter(action="consultation.task_update").count() == TaskUpdate.objects.count()
    ratings = Rating.objects.select_related("resident")
    assert ratings.exists()
    assert audited("consultation.matter_rate") == {(str(r.pk), r.resident.user_id) for r in ratings}
    for vote in Vote.objects.all():
        cast = AuditEntry.objects.filter(action="consultation.ballot_cast", object_id=str(vote.pk)).count()
        assert cast == vote.ballots.count() > 0, vote.question
    # the points for taking part: one earning a record, dated when it was earned
    earnings = Transaction.objects.filter(kind="earn", idempotency_key__startswith="consultation:")
    when: dict[str, dict[tuple[int, int], dt.datetime]] = {"support": {}, "attend": {}, "vote": {}}
    for key, occurred_at in earnings.values_list("idempotency_key", "occurred_at"):
        _consultation, kind, record, resident = key.split(":")
        when[kind][int(record), int(resident)] = occurred_at
    assert when["support"] == {(s.matter_id, s.resident_id): s.created_at for s in supports}
    attended = held.filter(registrations__attended=True).values_list("pk", "starts_at", "registrations__resident")
    assert when["attend"] == {(meeting, resident): starts for meeting, starts, resident in attended}
    for vote in Vote.objects.all():
        voted = {resident for (v, resident) in when["vote"] if v == vote.pk}
        assert len(voted) == vote.ballots.count(), vote.question
        if not vote.secret:
            assert voted == set(vote.ballots.values_list("resident", flat=True))
            assert all(when["vote"][vote.pk, b.resident_id] == b.cast_at for b in vote.ballots.all())
    assert not Notification.objects.filter(url__contains="/consultation/").exists()


def check_every_jiefanghui_user_signed_up_and_verified_through_the_services():
    """The 5,200 街坊汇 users (mobiles 188…) each asked for a sign-up code, signed up with it and verified their
    account against the register (实名核验), which bound it to their record with the resident role: each step by its
    service, audited on their day, more than 400 days before the build (before anything of theirs the demo records)."""
    from linli.accounts.models import OneTimeCode, User
    from linli.audit.models import AuditEntry

    built = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    users = User.objects.filter(mobile__startswith="188")
    joined = dict(users.values_list("pk", "date_joined"))
    assert len(joined) == 5200 and max(joined.values()) < built - dt.timedelta(days=400)
    assert not users.exclude(password__startswith="!").exists()  # signed up without a password, as most do
    signed_up = AuditEntry.objects.filter(action="user.signup", actor__in=users)
    assert dict(signed_up.values_list("actor_id", "at")) == joined and signed_up.count() == 5200
    codes = OneTimeCode.objects.filter(mobile__startswith="188", purpose=OneTimeCode.Purpose.SIGNUP)
    assert codes.count() == 5200
    assert {(c.mobile, c.used_at) for c in codes} == {(u.mobile, u.date_joined) for u in users}
    assert all(c.created_at < c.used_at < c.expires_at for c in codes)
    bound = dict(Resident.objects.filter(user__in=users).values_list("user_id", "pk"))
    verified = AuditEntry.objects.filter(action="resident.verify", actor__in=users, after__outcome="verified")
    rows = {actor: (object_id, at) for actor, object_id, at in verified.values_list("actor_id", "object_id", "at")}
    assert verified.count() == len(rows) == len(bound) == 5200
    for user, (resident, at) in rows.items():
        assert resident == str(bound[user]) and joined[user] < at < joined[user] + dt.timedelta(hours=1)
    assert not AuditEntry.objects.filter(action="resident.verify", actor__in=users).exclude(pk__in=verified).exists()
    grants = AuditEntry.objects.filter(action="role.grant", actor__in=users, after__role=Role.RESIDENT)
    assert {actor: at for actor, at in grants.values_list("actor_id", "at")} == {u: at for u, (_r, at) in rows.items()}
    residents = RoleAssignment.objects.filter(
        user__in=users, role=Role.RESIDENT, user__resident__community=F("community")
    )
    assert residents.count() == 5200


def check_every_course_record_went_through_the_course_services():
    """The school's terms were played through the course services on their days: each enrolment by whoever enrolled
    (the front desk, or the staff member for their own training) on the morning its term opened, each fee taken at
    the counter that morning, each session added before the term and each learner checked in at the session by the
    front desk; the head count is the one the enrol service kept, and no learner was told of a year-old seat."""
    from linli.audit.models import AuditEntry
    from linli.courses.models import Attendance, Course, Enrolment, Session
    from linli.notifications.models import Notification
    from linli.payments.models import Payment, Purpose

    def audited(action: str) -> set[tuple[str, int | None]]:
        return set(AuditEntry.objects.filter(action=action).values_list("object_id", "actor"))

    enrolments = Enrolment.objects.select_related("course__term")
    assert enrolments.count() > 300
    assert audited("course.enrol") == {(str(e.pk), e.enrolled_by_id) for e in enrolments}
    for e in enrolments:
        assert timezone.localdate(e.created_at) == e.course.term.starts_on, e
        assert e.status == Enrolment.Status.ENROLLED, e
    paid = {e.pk: e for e in enrolments if e.price_fen}
    assert paid
    payments = Payment.objects.filter(purpose=Purpose.COURSE, status=Payment.Status.PAID)
    assert {p.subject_id for p in payments} == set(paid)
    for p in payments:
        assert p.receipt_no and p.created_at == paid[p.subject_id].created_at + dt.timedelta(minutes=1)
    sessions = Session.objects.select_related("course__term")
    assert {pk for pk, _actor in audited("course.session_add")} == {str(s.pk) for s in sessions}
    attendance = Attendance.objects.select_related("session")
    assert attendance.count() > 200
    assert audited("course.check_in") == {(str(a.pk), a.checked_in_by_id) for a in attendance}
    assert all(a.checked_in_at == a.session.starts_at < REAL_NOW() for a in attendance)
    for course in Course.objects.all():
        assert course.enrolled == course.enrolments.filter(status=Enrolment.Status.ENROLLED).count(), course
        assert course.open == (course.term.ends_on >= timezone.localdate()), course
    assert not Notification.objects.filter(url__contains="/courses/").exists()


def check_every_childcare_application_went_through_the_childcare_services():
    """Each nursery application was submitted through the service by a parent with an account (else at the front
    desk) in the weeks before the build day, and each admitted one decided by the front desk three days later: an
    audit row each, and the groups' places taken are the admissions."""
    from linli.audit.models import AuditEntry
    from linli.childcare.models import AgeGroup, Application

    def audited(action: str) -> set[tuple[str, int | None]]:
        return set(AuditEntry.objects.filter(action=action).values_list("object_id", "actor"))

    applications = Application.objects.all()
    assert applications.count() > 20
    assert audited("childcare.apply") == {(str(a.pk), a.applied_by_id) for a in applications}
    admitted = applications.filter(status=Application.Status.ADMITTED)
    assert admitted.exists() and applications.filter(status=Application.Status.SUBMITTED).exists()
    assert audited("childcare.admitted") == {(str(a.pk), a.decided_by_id) for a in admitted}
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    for a in applications:
        assert a.created_at < start_of_today - dt.timedelta(days=6), a
        if a.status == Application.Status.ADMITTED:
            assert a.decided_at == a.created_at + dt.timedelta(days=3), a
    for group in AgeGroup.objects.all():
        assert group.admitted == admitted.filter(group=group).count(), group


def check_every_notice_read_and_text_went_through_the_notice_services():
    """Each notice was written and published through the services on its day; every read receipt is a resident with
    an account opening it after it came out, through the service; the texts are the SMS jobs' of the time (an urgent
    notice's a minute after it came out, an ordinary one's a day later to those who rely on SMS and had not read it),
    recorded without texting anyone today."""
    from linli.audit.models import AuditEntry
    from linli.notices.models import Notice, NoticeRecipient
    from linli.notices.sms import DELAY, sms_reliant

    notices = Notice.objects.all()
    assert notices.count() > 30 and NoticeRecipient.objects.filter(read_at__isnull=False).count() > 1000
    ids = {str(pk) for pk in notices.values_list("pk", flat=True)}
    for action in ("notice.create", "notice.publish"):
        assert set(AuditEntry.objects.filter(action=action).values_list("object_id", flat=True)) == ids
    for notice in notices:
        assert notice.created_at == notice.published_at - dt.timedelta(hours=2), notice
        rows = NoticeRecipient.objects.filter(notice=notice)
        read = rows.filter(read_at__isnull=False)
        assert not read.filter(resident__user__isnull=True).exists(), notice
        assert not read.filter(read_at__lte=notice.published_at).exists(), notice
        texted = rows.filter(sms_sent_at__isnull=False)
        if notice.urgent:
            assert set(texted.values_list("sms_sent_at", flat=True)) == {notice.published_at + dt.timedelta(minutes=1)}
            assert not rows.filter(sms_sent_at__isnull=True, resident__mobile__gt="").exists(), notice
        else:
            due = notice.published_at + DELAY
            assert set(texted.values_list("sms_sent_at", flat=True)) <= {due}, notice
            assert not texted.exclude(sms_reliant()).exists(), notice
            assert not texted.filter(read_at__lte=due).exists(), notice


def check_every_space_service_and_slot_went_through_the_register_services():
    """Each space, service and time slot was registered through the register's services by its community's admin
    (an audit row each), the slots opened before the first of them began, and the spaces shared with 利民 are
    those the register says."""
    from linli.audit.models import AuditEntry
    from linli.facilities.models import Facility, Service, Slot

    def audited(action: str) -> dict[str, int | None]:
        return dict(AuditEntry.objects.filter(action=action).values_list("object_id", "actor"))

    admins = {  # the demo's community admins, 市北's and 利民's
        a.community_id: a.user_id
        for a in RoleAssignment.objects.filter(
            role=Role.COMMUNITY_ADMIN, user__mobile__in=["13900000005", "13900000015"]
        )
    }
    for action, model in (("facility.create", Facility), ("service.create", Service), ("slot.create", Slot)):
        rows = model.objects.select_related("community")
        assert rows.count() > 20, model
        by = audited(action)
        assert set(by) == {str(pk) for pk in rows.values_list("pk", flat=True)}, model
        assert all(by[str(row.pk)] == admins[row.community_id] for row in rows), model
    shared = Facility.objects.filter(shared=True)
    assert set(shared.values_list("code", flat=True)) == {"XS-HUB", "XS-SCHOOL", "XS-COURT"}
    assert all(list(f.shared_with.values_list("code", flat=True)) == ["limin"] for f in shared)
    first = Slot.objects.order_by("starts_at").first()
    assert first is not None and first.starts_at.date() < timezone.localdate()


def check_the_report_clock_finds_nothing_overdue_from_before_the_build():
    """The build leaves its reports as they really stand (the care visits' reports too, handled since): at the
    build's moment nothing open is past its time limit and no resolved report's reopening period has ended, so one
    tick of the report clock then escalates nothing, closes nothing and texts nobody."""
    from linli.care.models import Visit
    from linli.notifications.models import Notification
    from linli.notifications.sms import LocmemSMSBackend
    from linli.reports.models import Report
    from linli.reports.services import reports_close_resolved, reports_escalate_overdue

    built = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    reports = Report.objects.all()
    assert not reports.filter(status__in=Report.OPEN_STATUSES, due_at__lte=built).exists()
    assert reports.filter(status__in=Report.OPEN_STATUSES, due_at__gt=built).exists()
    from_visits = reports.filter(pk__in=Visit.objects.exclude(report=None).values("report"))
    assert from_visits.exclude(status="submitted").count() == from_visits.count() > 0
    LocmemSMSBackend.outbox.clear()
    notified = Notification.objects.count()
    assert (reports_escalate_overdue(now=built), reports_close_resolved(now=built)) == (0, 0)
    assert LocmemSMSBackend.outbox == [] and Notification.objects.count() == notified
