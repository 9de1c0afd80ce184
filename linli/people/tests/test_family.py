"""Family helpers (亲情账号): the link's life (ask, consent by code / from the elder's account / in person, end),
acting for the elder in the canteen, a booking and a course, and refusals once the link ends or someone moves out."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.canteen import services as canteen_services
from linli.canteen.models import MealOrder
from linli.canteen.selectors import orders_of_user
from linli.conftest import client_for, make_resident
from linli.core import throttle
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.facilities import selectors as facility_selectors
from linli.facilities import services as facility_services
from linli.facilities.tests.factories import (
    make_canteen_with_tarhai_rules,
    make_facility,
    make_menu,
    make_service,
    make_slot,
)
from linli.notifications.sms import LocmemSMSBackend
from linli.people import rules, selectors, services
from linli.people.models import FamilyLink

from .family_factories import FATHER_MOBILE, years_ago

pytestmark = pytest.mark.django_db


def code_sent_to(mobile: str) -> str:
    texts = [m.text for m in LocmemSMSBackend.outbox if m.mobile == mobile]
    assert texts, "no SMS was sent"
    return next(word for word in texts[-1].replace("，", " ").replace("。", " ").split() if word.isdigit())


def linked(family, capture) -> FamilyLink:
    """An active link made the usual way: asked, code sent to the father, code entered by the daughter."""
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father, relation="女儿")
    with capture(execute=True):
        services.family_link_send_code(actor=user, link=link)
    return services.family_link_confirm_code(actor=user, link=link, code=code_sent_to(FATHER_MOBILE))


def actions_of(link: FamilyLink) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="people.familylink", object_id=str(link.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- the link's life --------------------------------------------------------------------------------------------


def test_consent_by_a_code_sent_to_the_elders_mobile(family, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father, relation="女儿")
    assert link.status == "requested" and not rules.can_act_for(user, father)

    with django_capture_on_commit_callbacks(execute=True):
        services.family_link_send_code(actor=user, link=link)
    sms = [m for m in LocmemSMSBackend.outbox if m.mobile == FATHER_MOBILE]
    assert len(sms) == 1 and "王晓燕" in sms[0].text
    services.family_link_confirm_code(actor=user, link=link, code=code_sent_to(FATHER_MOBILE))

    link.refresh_from_db()
    assert (link.status, link.consent, link.confirmed_by) == ("active", "sms_code", user)
    assert link.code_hash == ""
    assert rules.can_act_for(user, father)
    assert father in selectors.acting_for(user=user)
    assert actions_of(link) == ["family_link.request", "family_link.code_sent", "family_link.confirm"]
    snapshot_text = str(list(AuditEntry.objects.values_list("after", flat=True)))
    assert "code_hash" not in snapshot_text


def asked_with_a_wrong_code(user, father, capture):
    """A link asked for and its code sent to the father; a code that is not the one sent."""
    link = services.family_link_request(actor=user, elder=father)
    with capture(execute=True):
        services.family_link_send_code(actor=user, link=link)
    return link, "000000" if code_sent_to(FATHER_MOBILE) != "000000" else "111111"


def test_a_wrong_code_is_refused_and_counted(family, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    link, wrong = asked_with_a_wrong_code(user, father, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        services.family_link_confirm_code(actor=user, link=link, code=wrong)
    assert refused.value.code == "wrong_code" and refused.value.field == "code"
    link.refresh_from_db()
    assert (link.status, link.code_attempts) == ("requested", 1)
    assert not rules.can_act_for(user, father)


def test_a_code_expires(family, django_capture_on_commit_callbacks, settings):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    sent_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.family_link_send_code(actor=user, link=link, now=sent_at)
    later = sent_at + dt.timedelta(seconds=settings.OTP_TTL_SECONDS + 1)
    with pytest.raises(DomainError) as refused:
        services.family_link_confirm_code(actor=user, link=link, code=code_sent_to(FATHER_MOBILE), now=later)
    assert refused.value.code == "code_expired"
    link.refresh_from_db()
    assert link.status == "requested"


def test_a_code_allows_only_a_few_guesses(family, django_capture_on_commit_callbacks, settings):
    user, _daughter, father = family
    link, wrong = asked_with_a_wrong_code(user, father, django_capture_on_commit_callbacks)
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(DomainError):
            services.family_link_confirm_code(actor=user, link=link, code=wrong)
    with pytest.raises(DomainError) as refused:
        services.family_link_confirm_code(actor=user, link=link, code=code_sent_to(FATHER_MOBILE))
    assert refused.value.code == "code_spent"
    link.refresh_from_db()
    assert link.status == "requested"


def test_sending_codes_is_throttled(family, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    attempts = throttle.limit_for("family.code").attempts
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(attempts):
            services.family_link_send_code(actor=user, link=link)
        with pytest.raises(throttle.Throttled):
            services.family_link_send_code(actor=user, link=link)
    assert len([m for m in LocmemSMSBackend.outbox if m.mobile == FATHER_MOBILE]) == attempts


def test_only_the_helper_sends_and_enters_codes(family, users, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    for role in ("social_worker", "outsider", "resident"):
        with pytest.raises(NotAllowed):
            services.family_link_send_code(actor=users[role], link=link)
    assert LocmemSMSBackend.outbox == []


def test_an_elder_without_a_mobile_is_confirmed_in_person(community, family, users):
    user, _daughter, father = family
    father.mobile = ""
    father.save(update_fields=["mobile"])
    link = services.family_link_request(actor=user, elder=father)
    with pytest.raises(DomainError) as refused:
        services.family_link_send_code(actor=user, link=link)
    assert refused.value.code == "no_mobile"


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("social_worker", True),
        ("community_admin", True),
        ("grid_steward", False),
        ("operator", False),
        ("resident", False),
        ("volunteer", False),
        ("street_admin", False),
        ("city_admin", False),
        ("outsider", False),
    ],
)
def test_only_a_social_worker_or_admin_confirms_in_person(family, users, role, may):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    before = AuditEntry.objects.count()
    if may:
        services.family_link_confirm_in_person(actor=users[role], link=link)
        link.refresh_from_db()
        assert (link.status, link.consent, link.confirmed_by) == ("active", "in_person", users[role])
        assert actions_of(link)[-1] == "family_link.confirm"
    else:
        with pytest.raises(NotAllowed):
            services.family_link_confirm_in_person(actor=users[role], link=link)
        link.refresh_from_db()
        assert link.status == "requested" and AuditEntry.objects.count() == before


def test_the_helper_cannot_confirm_in_person_or_consent_for_the_elder(family):
    user, _daughter, father = family
    link = services.family_link_request(actor=user, elder=father)
    with pytest.raises(NotAllowed):
        services.family_link_confirm_in_person(actor=user, link=link)
    with pytest.raises(NotAllowed):
        services.family_link_consent(actor=user, link=link)
    link.refresh_from_db()
    assert link.status == "requested"


def test_the_elder_consents_from_their_own_account(community, family, make_user):
    user, _daughter, father = family
    father.user = make_user("resident", community)
    father.save(update_fields=["user"])
    link = services.family_link_request(actor=user, elder=father)
    services.family_link_consent(actor=father.user, link=link)
    link.refresh_from_db()
    assert (link.status, link.consent, link.confirmed_by) == ("active", "elder_account", father.user)


def test_only_verified_adults_of_the_community_ask(community, other_community, family, make_user, users):
    _user, daughter, father = family
    teen_user = make_user()
    make_resident(community, name="小王", birth=years_ago(16), seq=31, user=teen_user)
    moved_user = make_user()
    make_resident(community, name="搬走了", birth=years_ago(40), seq=32, user=moved_user, moved_out_on=years_ago(0))
    for actor in (teen_user, moved_user, users["social_worker"], users["outsider"]):
        with pytest.raises(NotAllowed):
            services.family_link_request(actor=actor, elder=father)
    elsewhere = make_resident(other_community, name="外社区", birth=years_ago(80), seq=33)
    with pytest.raises(NotFound):
        services.family_link_request(actor=daughter.user, elder=elsewhere)
    with pytest.raises(DomainError):
        services.family_link_request(actor=daughter.user, elder=daughter)
    assert FamilyLink.objects.count() == 0


def test_asking_twice_is_a_conflict(family):
    user, _daughter, father = family
    services.family_link_request(actor=user, elder=father)
    with pytest.raises(Conflict):
        services.family_link_request(actor=user, elder=father)
    assert FamilyLink.objects.count() == 1


def test_a_relative_is_found_only_by_all_four_details(community, family):
    user, _daughter, father = family
    building = community.buildings.first()
    for name, room, last4 in (
        ("王德明", "2单元302", "0000"),
        ("王德", "2单元302", "0082"),
        ("王德明", "1单元101", "0082"),
    ):
        with pytest.raises(NotFound):
            services.family_link_request_found(
                actor=user, name=name, building_id=building.pk, room=room, mobile_last4=last4
            )
    link = services.family_link_request_found(
        actor=user, name="王德明", building_id=building.pk, room="2单元302", mobile_last4="0082"
    )
    assert link.elder == father


def test_finding_is_throttled(community, family):
    user, _daughter, _father = family
    building = community.buildings.first()
    for _ in range(throttle.limit_for("family.find").attempts):
        with pytest.raises(NotFound):
            services.family_link_request_found(
                actor=user, name="王德明", building_id=building.pk, room="2单元302", mobile_last4="9999"
            )
    with pytest.raises(throttle.Throttled):
        services.family_link_request_found(
            actor=user, name="王德明", building_id=building.pk, room="2单元302", mobile_last4="0082"
        )
    assert FamilyLink.objects.count() == 0


@pytest.mark.parametrize("who", ["elder", "helper", "social_worker"])
def test_the_elder_the_helper_or_a_social_worker_ends_the_link(
    community, family, users, make_user, who, django_capture_on_commit_callbacks
):
    user, _daughter, father = family
    father.user = make_user("resident", community)
    father.save(update_fields=["user"])
    link = linked(family, django_capture_on_commit_callbacks)
    actor = {"elder": father.user, "helper": user, "social_worker": users["social_worker"]}[who]
    services.family_link_end(actor=actor, link=link)
    link.refresh_from_db()
    assert (link.status, link.ended_by) == ("ended", actor)
    assert not rules.can_act_for(user, father)
    assert father not in selectors.acting_for(user=user)
    assert actions_of(link)[-1] == "family_link.end"
    with pytest.raises(DomainError):
        services.family_link_end(actor=actor, link=link)


@pytest.mark.parametrize("role", ["grid_steward", "operator", "resident", "outsider", "street_admin"])
def test_others_cannot_end_a_link(family, users, role, django_capture_on_commit_callbacks):
    link = linked(family, django_capture_on_commit_callbacks)
    with pytest.raises(NotAllowed):
        services.family_link_end(actor=users[role], link=link)
    link.refresh_from_db()
    assert link.status == "active"


# --- acting for the elder ---------------------------------------------------------------------------------------


def test_the_helper_orders_a_meal_for_the_elder_who_pays_nothing(community, family, django_capture_on_commit_callbacks):
    user, _daughter, father = family
    link = linked(family, django_capture_on_commit_callbacks)
    canteen = make_canteen_with_tarhai_rules(community)
    day = timezone.localdate() + dt.timedelta(days=1)
    diner = facility_selectors.resident_for_booking(user=user, community=community, pk=father.pk)
    order = canteen_services.meal_order_create(actor=user, menu=make_menu(canteen, day), resident=diner)
    assert (order.resident, order.ordered_by, order.resident_fen, order.price_fen) == (father, user, 0, 1000)
    assert {c.payer: c.amount_fen for c in order.charges.all()} == {"resident": 0, "economic_cooperative": 1000}
    assert order in orders_of_user(user=user)  # the helper sees it among hers

    services.family_link_end(actor=user, link=link)
    with pytest.raises(NotAllowed):
        facility_selectors.resident_for_booking(user=user, community=community, pk=father.pk)
    with pytest.raises(NotAllowed):
        canteen_services.meal_order_create(
            actor=user, menu=make_menu(canteen, day + dt.timedelta(days=1)), resident=father
        )
    with pytest.raises(NotAllowed):
        canteen_services.meal_order_cancel(actor=user, order=order)
    assert MealOrder.objects.filter(resident=father).count() == 1
    assert order not in orders_of_user(user=user)


def test_the_helper_books_a_service_for_the_elder_until_the_link_ends(
    community, family, django_capture_on_commit_callbacks
):
    user, _daughter, father = family
    slot = make_slot(make_service(make_facility(community)))
    with pytest.raises(NotAllowed):
        facility_services.booking_create(actor=user, slot=slot, resident=father)
    link = linked(family, django_capture_on_commit_callbacks)
    booking = facility_services.booking_create(actor=user, slot=slot, resident=father)
    assert (booking.resident, booking.booked_by) == (father, user)
    services.family_link_end(actor=user, link=link)
    with pytest.raises(NotAllowed):
        facility_services.booking_create(actor=user, slot=make_slot(slot.service), resident=father)
    with pytest.raises(NotFound):  # someone else's booking, now
        facility_services.booking_cancel(actor=user, booking=booking)


@pytest.mark.parametrize("who_moves", ["elder", "helper"])
def test_moving_out_ends_acting(family, who_moves, django_capture_on_commit_callbacks):
    user, daughter, father = family
    linked(family, django_capture_on_commit_callbacks)
    assert rules.can_act_for(user, father)
    moved = father if who_moves == "elder" else daughter
    moved.moved_out_on = timezone.localdate()
    moved.save(update_fields=["moved_out_on"])
    assert not rules.can_act_for(user, father)
    assert father not in selectors.acting_for(user=user)


def test_household_members_keep_acting_for_each_other(community, family):
    user, daughter, _father = family
    son = make_resident(community, name="王小宝", birth=years_ago(12), seq=41)
    assert son.household_id == daughter.household_id
    assert rules.can_act_for(user, son)
    assert son in selectors.acting_for(user=user)


def test_a_stranger_cannot_act_for_the_elder(family, users):
    _user, _daughter, father = family
    for role in ("resident", "volunteer", "merchant_staff", "outsider", "street_admin", "city_viewer"):
        assert not rules.can_act_for(users[role], father)
    for role in ("grid_steward", "social_worker", "community_admin", "operator"):  # the front desk, by phone
        assert rules.can_act_for(users[role], father)


def test_the_helper_files_a_report_for_the_elder(community, family, make_user, django_capture_on_commit_callbacks):
    from linli.reports import services as report_services
    from linli.reports.models import Category, Report
    from linli.reports.selectors import reports_of_user

    user, _daughter, father = family
    father.user = make_user("resident", community)
    father.save(update_fields=["user"])
    category = Category.objects.create(community=community, code="lamp", name="路灯不亮", group="repairs")
    building = father.household.building

    def file() -> Report:
        return report_services.report_submit(
            actor=user,
            community=community,
            category=category,
            description="楼道灯坏了，老人晚上看不见",
            building=building,
            on_behalf_of=father,
        )

    with pytest.raises(NotAllowed):
        file()
    link = linked(family, django_capture_on_commit_callbacks)
    report = file()
    assert (report.reporter, report.on_behalf_of) == (user, father)
    assert report in reports_of_user(user=father.user)  # he sees what she filed for him
    html = client_for(father.user).get("/reports/mine/").content.decode()
    assert "由 王晓燕 为 王德明 代办" in html

    page = client_for(user).get(f"/reports/{community.code}/new/").content.decode()
    assert 'name="on_behalf_of"' in page and "王德明" in page

    services.family_link_end(actor=father.user, link=link)
    with pytest.raises(NotAllowed):
        file()
    assert Report.objects.count() == 1
    page = client_for(user).get(f"/reports/{community.code}/new/").content.decode()
    assert 'name="on_behalf_of"' not in page


def test_the_helper_enrols_the_elder_in_a_class(community, family, users, django_capture_on_commit_callbacks):
    from linli.courses import services as course_services

    user, _daughter, father = family
    admin = users["community_admin"]
    today = timezone.localdate()
    term = course_services.term_create(
        actor=admin, community=community, name="冬季", starts_on=today, ends_on=today + dt.timedelta(days=60)
    )
    school = make_facility(community, "school", "culture_station", name="幸福学堂")
    course = course_services.course_create(
        actor=admin, term=term, facility=school, title="书法", audience="elderly", seats=5, min_age=60
    )
    with pytest.raises(NotAllowed):
        course_services.enrol(actor=user, course=course, resident=father)
    link = linked(family, django_capture_on_commit_callbacks)
    enrolment = course_services.enrol(actor=user, course=course, resident=father)
    assert (enrolment.resident, enrolment.enrolled_by, enrolment.status) == (father, user, "enrolled")
    services.family_link_end(actor=user, link=link)
    with pytest.raises(NotAllowed):
        course_services.withdraw(actor=user, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
