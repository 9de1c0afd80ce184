"""Each operation, its audit row in the same transaction, and bad input refused with nothing saved."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.partners import services
from linli.partners.models import Contribution, Pairing, Partner, Project

from .conftest import TODAY
from .helpers import state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages() -> Any:
    """Refusals are matched by their English text here; pages and the API choose by Accept-Language."""
    with translation.override("en"):
        yield


def register(actor: Any, community: Any, **overrides: Any) -> Partner:
    data: dict[str, Any] = {"name": "七彩集团", "kind": "co_building", "entity": "enterprise", "joined_on": TODAY}
    data.update(overrides)
    return services.partner_register(actor=actor, community=community, **data)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# --- partners ------------------------------------------------------------------------------------------


def test_register_a_partner_with_members_and_audit(community: Any, admin: Any, make_user: Any) -> None:
    rep = make_user()
    partner = register(admin, community, name="  七彩集团 ", contact_mobile="13912345678", members=[rep])
    assert partner.name == "七彩集团" and partner.active
    assert list(partner.members.all()) == [rep]
    [entry] = audit("partner.register")
    assert entry.actor == admin and entry.community == community and entry.object_id == str(partner.pk)
    assert entry.after["name"] == "七彩集团" and entry.after["members"] == [rep.pk]


def test_an_individual_partner_links_a_resident_of_the_community(
    community: Any, other_community: Any, admin: Any
) -> None:
    resident = make_resident(community, name="陈志强", mobile="13700000001")
    partner = register(admin, community, name="陈志强", kind="charity", entity="individual", resident=resident)
    assert partner.resident == resident

    before = state()
    with pytest.raises(DomainError, match="Only an individual partner is linked to a resident"):
        register(admin, community, name="某企业", resident=resident)
    outsider = make_resident(other_community, name="外社区居民", seq=2)
    with pytest.raises(NotFound, match="No such resident in this community") as refused:
        register(admin, community, name="外人", entity="individual", resident=outsider)
    assert refused.value.field == "resident"
    assert state() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 81}, "name", "Enter at most 80 characters."),
        ({"kind": "sponsor"}, "kind", "Choose one of the four kinds of partnership."),
        ({"entity": "club"}, "entity", "Choose what kind of organisation the partner is."),
        ({"contact_mobile": "1234"}, "contact_mobile", "Enter an 11-digit mobile number."),
        ({"contact_mobile": "23912345678"}, "contact_mobile", "Enter an 11-digit mobile number."),
        ({"joined_on": "2026-03-02"}, "joined_on", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_register_refuses_bad_input(
    community: Any, admin: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        register(admin, community, **overrides)
    assert refused.value.field == field and str(refused.value.message) == message
    assert state() == before


def test_a_name_is_unique_within_a_community_only(
    community: Any, other_community: Any, admin: Any, other_admin: Any, bank: Any
) -> None:
    before = state()
    with pytest.raises(DomainError, match="already registered") as refused:
        register(admin, community, name="杭州银行萧山支行")
    assert refused.value.code == "duplicate" and refused.value.field == "name"
    assert state() == before
    other = register(other_admin, other_community, name="杭州银行萧山支行")
    assert other.community == other_community


def test_the_audit_row_is_part_of_the_write(community: Any, admin: Any, monkeypatch: Any) -> None:
    """If recording the audit row fails, the partner is not saved either: one transaction."""

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    before = state()
    with pytest.raises(RuntimeError):
        register(admin, community)
    with pytest.raises(RuntimeError):
        services.project_create(
            actor=admin,
            community=community,
            lead=Partner.objects.create(community=community, name="甲", kind="resources", joined_on=TODAY),
            title="t",
            scenario="services",
            starts_on=TODAY,
        )
    assert Project.objects.count() == 0 and Partner.objects.filter(name="七彩集团").count() == 0
    assert AuditEntry.objects.count() == before["audit"]


@pytest.mark.parametrize("role", ["resident", "grid_steward", "volunteer", None])
def test_only_caseworkers_change_partners(community: Any, users: dict[str, Any], role: str | None, bank: Any) -> None:
    actor = users[role] if role else users["street_admin"]
    before = state()
    with pytest.raises(NotAllowed):
        register(actor, community)
    with pytest.raises(NotAllowed):
        services.partner_update(actor=actor, partner=bank, name="改名")
    with pytest.raises(NotAllowed):
        services.partner_deactivate(actor=actor, partner=bank, on=TODAY)
    with pytest.raises(NotAllowed):
        services.pairing_create(actor=actor, partner=bank, areas="助学", since=TODAY)
    with pytest.raises(NotAllowed):
        services.project_create(
            actor=actor, community=community, lead=bank, title="t", scenario="services", starts_on=TODAY
        )
    assert state() == before


def test_a_social_worker_may_register(community: Any, users: dict[str, Any]) -> None:
    assert register(users["social_worker"], community).pk


def test_update_a_partner(community: Any, admin: Any, bank: Any, charity: Any, make_user: Any) -> None:
    rep = make_user()
    updated = services.partner_update(
        actor=admin, partner=bank, name="杭州银行", contact_mobile="", kind="charity", members=[rep]
    )
    assert (updated.name, updated.contact_mobile, updated.kind) == ("杭州银行", "", "charity")
    assert list(updated.members.all()) == [rep]
    [entry] = audit("partner.update")
    assert entry.before["name"] == "杭州银行萧山支行" and entry.after["name"] == "杭州银行"
    assert entry.before["members"] == [] and entry.after["members"] == [rep.pk]

    before = state()
    with pytest.raises(DomainError, match="already registered"):
        services.partner_update(actor=admin, partner=bank, name="北干社工服务中心")
    with pytest.raises(DomainError, match="cannot be changed: community"):
        services.partner_update(actor=admin, partner=bank, community=None)
    with pytest.raises(DomainError, match="four kinds"):
        services.partner_update(actor=admin, partner=bank, kind="?")
    assert state() == before


def test_deactivate_ends_the_pairing_and_reactivate(community: Any, admin: Any, bank: Any) -> None:
    pairing = services.pairing_create(actor=admin, partner=bank, areas="社会救助", since=TODAY)
    later = TODAY + dt.timedelta(days=30)
    services.partner_deactivate(actor=admin, partner=bank, on=later)
    bank.refresh_from_db()
    pairing.refresh_from_db()
    assert not bank.active and pairing.until == later and bank.ended_on == later
    assert AuditEntry.objects.get(action="partner.deactivate").after["ended_on"] == later.isoformat()
    assert [
        e.action
        for e in AuditEntry.objects.filter(action__in=["partner.deactivate", "partner.pairing_end"]).order_by("pk")
    ] == [
        "partner.pairing_end",
        "partner.deactivate",
    ]
    with pytest.raises(Conflict, match="already inactive"):
        services.partner_deactivate(actor=admin, partner=bank, on=later)
    services.partner_reactivate(actor=admin, partner=bank)
    bank.refresh_from_db()
    assert bank.active and bank.ended_on is None
    with pytest.raises(Conflict, match="already active"):
        services.partner_reactivate(actor=admin, partner=bank)


def test_a_partner_cannot_leave_before_it_joined(community: Any, admin: Any, bank: Any) -> None:
    before = state()
    with pytest.raises(DomainError, match="before it joined"):
        services.partner_deactivate(actor=admin, partner=bank, on=TODAY - dt.timedelta(days=1))
    assert state() == before


def test_fund_conflict_check_still_sees_members(community: Any, admin: Any, bank: Any, make_user: Any) -> None:
    from linli.fund import rules as fund_rules

    rep = make_user()
    assert not fund_rules.is_partner_member(rep, bank)
    services.partner_update(actor=admin, partner=bank, members=[rep])
    assert fund_rules.is_partner_member(rep, bank)


# --- pairings ------------------------------------------------------------------------------------------


def test_pairing_rules(community: Any, admin: Any, bank: Any, charity: Any) -> None:
    pairing = services.pairing_create(actor=admin, partner=bank, areas=" 养老服务 ", since=TODAY)
    assert pairing.areas == "养老服务" and pairing.community == community
    assert len(audit("partner.pair")) == 1
    before = state()
    with pytest.raises(DomainError, match="already paired"):
        services.pairing_create(actor=admin, partner=bank, areas="助学", since=TODAY)
    with pytest.raises(DomainError, match="Only an enterprise"):
        services.pairing_create(actor=admin, partner=charity, areas="助学", since=TODAY)
    with pytest.raises(DomainError, match="A pairing cannot end before it starts"):
        services.pairing_update(actor=admin, pairing=pairing, until=TODAY - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="required"):
        services.pairing_update(actor=admin, pairing=pairing, areas=" ")
    assert state() == before

    ended = services.pairing_update(actor=admin, pairing=pairing, until=TODAY + dt.timedelta(days=5))
    assert ended.until == TODAY + dt.timedelta(days=5)
    with pytest.raises(Conflict, match="has ended"):
        services.pairing_update(actor=admin, pairing=pairing, areas="新领域")
    again = services.pairing_create(actor=admin, partner=bank, areas="助学", since=TODAY + dt.timedelta(days=6))
    assert Pairing.objects.filter(partner=bank).count() == 2 and again.until is None


# --- projects and contributions ------------------------------------------------------------------------


def test_create_a_project_with_planned_contributions(project: Any, bank: Any, charity: Any) -> None:
    assert project.lead == bank and list(project.co_partners.all()) == [charity]
    assert project.status == Project.Status.PLANNED
    kinds = list(project.contributions.order_by("pk").values_list("kind", "partner_id", "value_fen", "quantity"))
    assert kinds == [("money", bank.pk, 500_000, 0), ("space", None, 0, 120)]
    [entry] = audit("partner.project_create")
    assert entry.after["co_partners"] == [charity.pk] and entry.after["title"] == "银龄助餐"
    assert len(audit("partner.contribution")) == 2


def new_project(actor: Any, community: Any, lead: Any, **overrides: Any) -> Project:
    data: dict[str, Any] = {"title": "四点半课堂", "scenario": "education", "starts_on": TODAY}
    data.update(overrides)
    return services.project_create(actor=actor, community=community, lead=lead, **data)


def test_project_refusals_save_nothing(
    community: Any, admin: Any, bank: Any, charity: Any, stranger: Any, other_community: Any
) -> None:
    before = state()
    with pytest.raises(DomainError, match="cannot end before it starts") as reversed_dates:
        new_project(admin, community, bank, ends_on=TODAY - dt.timedelta(days=1))
    assert reversed_dates.value.field == "ends_on"
    with pytest.raises(NotFound, match="No such partner in this community") as foreign:
        new_project(admin, community, bank, co_partners=[charity, stranger])
    assert foreign.value.field == "co_partners"
    with pytest.raises(NotFound, match="No such partner in this community"):
        new_project(admin, community, stranger)
    with pytest.raises(DomainError, match="nine scenarios"):
        new_project(admin, community, bank, scenario="sport")
    with pytest.raises(DomainError, match="planned or running"):
        new_project(admin, community, bank, status="done")
    with pytest.raises(DomainError, match="required"):
        new_project(admin, community, bank, title="")
    bad_plan = services.ContributionPlan(kind="money", description="资金", partner=bank, value_fen=0)
    with pytest.raises(DomainError, match="Say how much money"):
        new_project(admin, community, bank, contributions=[bad_plan])
    outside_plan = services.ContributionPlan(kind="goods", description="物资", partner=charity, quantity=3)
    with pytest.raises(DomainError, match="not a partner in this project"):
        new_project(admin, community, bank, contributions=[outside_plan])
    assert state() == before


def test_an_inactive_partner_joins_no_new_project(community: Any, admin: Any, bank: Any, charity: Any) -> None:
    services.partner_deactivate(actor=admin, partner=charity, on=TODAY)
    services.partner_deactivate(actor=admin, partner=bank, on=TODAY)
    charity.refresh_from_db()
    bank.refresh_from_db()
    before = state()
    with pytest.raises(DomainError, match="no longer an active partner"):
        new_project(admin, community, charity)
    with pytest.raises(DomainError, match="no longer an active partner"):
        services.pairing_create(actor=admin, partner=bank, areas="助学", since=TODAY)
    assert state() == before


@pytest.mark.parametrize(
    ("kind", "value_fen", "quantity", "field", "message"),
    [
        ("money", 0, 0, "value_fen", "Say how much money."),
        ("money", -100, 0, "value_fen", "Enter a whole number of at least 0."),
        ("money", 12.5, 0, "value_fen", "Enter a whole number of at least 0."),
        ("money", "100", 0, "value_fen", "Enter a whole number of at least 0."),
        ("money", True, 0, "value_fen", "Enter a whole number of at least 0."),
        ("money", 10**16, 0, "value_fen", "Enter a number of at most 1000000000000000."),
        ("goods", 0, 2**31, "quantity", "Enter a number of at most 2147483647."),
        ("goods", 0, 0, "quantity", "Say how much: a value, a quantity or both."),
        ("goods", 0, -3, "quantity", "Enter a whole number of at least 0."),
        ("volunteers", 0, 1.5, "quantity", "Enter a whole number of at least 0."),
        ("shares", 100, 0, "kind", "Choose money, goods, services, space or volunteers."),
    ],
)
def test_contribution_amounts(
    project: Any, admin: Any, bank: Any, kind: str, value_fen: Any, quantity: Any, field: str, message: str
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        services.contribution_add(
            actor=admin,
            project=project,
            kind=kind,
            description="一笔投入",
            partner=bank,
            value_fen=value_fen,
            quantity=quantity,
        )
    assert refused.value.field == field and str(refused.value.message) == message
    assert state() == before


def test_add_contributions(project: Any, admin: Any, charity: Any, stranger: Any, community: Any) -> None:
    made = services.contribution_add(
        actor=admin, project=project, kind="volunteers", description="社工志愿者", partner=charity, quantity=12
    )
    assert made.partner == charity and made.quantity == 12
    entry = audit("partner.contribution")[-1]
    assert entry.object_id == str(made.pk) and entry.community == community

    before = state()
    with pytest.raises(NotFound, match="No such partner in this community") as refused:
        services.contribution_add(
            actor=admin, project=project, kind="goods", description="物资", partner=stranger, quantity=2
        )
    assert refused.value.field == "partner"
    outsider = services.partner_register(
        actor=admin, community=community, name="东港超市", kind="resources", joined_on=TODAY
    )
    before = state()
    with pytest.raises(DomainError, match="not a partner in this project"):
        services.contribution_add(
            actor=admin, project=project, kind="goods", description="物资", partner=outsider, quantity=2
        )
    assert state() == before
    services.project_update(actor=admin, project=project, co_partners=[charity, outsider])
    assert services.contribution_add(
        actor=admin, project=project, kind="goods", description="物资", partner=outsider, quantity=2
    ).pk


def test_close_a_project_once(project: Any, admin: Any) -> None:
    closed = services.project_close(
        actor=admin,
        project=project,
        outcomes="服务 320 人次。",
        beneficiaries=320,
        ends_on=TODAY + dt.timedelta(days=90),
    )
    assert closed.status == Project.Status.DONE and closed.beneficiaries == 320
    [entry] = audit("partner.project_close")
    assert entry.before["status"] == "planned" and entry.after["status"] == "done"

    before = state()
    with pytest.raises(Conflict, match="This project is closed"):
        services.project_close(actor=admin, project=project, outcomes="再次", beneficiaries=1, ends_on=TODAY)
    with pytest.raises(Conflict, match="This project is closed"):
        services.contribution_add(actor=admin, project=project, kind="goods", description="迟到", quantity=1)
    with pytest.raises(Conflict, match="This project is closed"):
        services.project_update(actor=admin, project=project, title="改名")
    assert state() == before


@pytest.mark.parametrize(
    ("outcomes", "beneficiaries", "ends_on", "field"),
    [
        ("", 10, TODAY, "outcomes"),
        ("成效", -1, TODAY, "beneficiaries"),
        ("成效", 2.5, TODAY, "beneficiaries"),
        ("成效", 10, TODAY - dt.timedelta(days=1), "ends_on"),
    ],
)
def test_close_refuses_bad_input(
    project: Any, admin: Any, outcomes: str, beneficiaries: Any, ends_on: dt.date, field: str
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        services.project_close(
            actor=admin, project=project, outcomes=outcomes, beneficiaries=beneficiaries, ends_on=ends_on
        )
    assert refused.value.field == field
    assert state() == before
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED


def test_update_a_project(project: Any, admin: Any, bank: Any, charity: Any) -> None:
    services.project_update(actor=admin, project=project, status="running", ends_on=TODAY + dt.timedelta(days=60))
    project.refresh_from_db()
    assert project.status == "running" and project.ends_on == TODAY + dt.timedelta(days=60)
    services.contribution_add(
        actor=admin, project=project, kind="services", description="社工服务", partner=charity, quantity=10
    )
    before = state()
    with pytest.raises(DomainError, match="has contributions in this project"):
        services.project_update(actor=admin, project=project, co_partners=[])
    with pytest.raises(DomainError, match="closed only with its outcomes"):
        services.project_update(actor=admin, project=project, status="done")
    with pytest.raises(DomainError, match="cannot end before it starts"):
        services.project_update(actor=admin, project=project, starts_on=TODAY + dt.timedelta(days=61))
    assert state() == before
    assert Contribution.objects.filter(project=project).count() == 3


def test_a_running_project_records_the_people_served_so_far(project: Any, admin: Any) -> None:
    services.project_update(actor=admin, project=project, status="running", beneficiaries=40)
    project.refresh_from_db()
    assert project.beneficiaries == 40
    row = AuditEntry.objects.filter(action="partner.project_update", object_id=str(project.pk)).latest("pk")
    assert (row.before["beneficiaries"], row.after["beneficiaries"]) == (0, 40)
    for wrong in (-1, "many", True):
        with pytest.raises(DomainError) as refused:
            services.project_update(actor=admin, project=project, beneficiaries=wrong)
        assert refused.value.field == "beneficiaries"
    services.project_close(actor=admin, project=project, outcomes="服务居民。", beneficiaries=65, ends_on=TODAY)
    project.refresh_from_db()
    assert project.beneficiaries == 65
