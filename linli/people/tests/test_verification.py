"""实名核验: name + ID number against the register binds the account to the resident; tries limited and audited."""

import datetime as dt

import pytest
from django.test import Client

from linli.accounts.models import Role, RoleAssignment
from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.core import crypto
from linli.core.errors import DomainError
from linli.core.throttle import Throttled
from linli.people import idnumber, services
from linli.people.models import Invitation, Resident

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1950, 3, 8)
NUMBER = idnumber.make_id_number("330109", BIRTH, 1)  # the `resident` fixture's


def test_right_name_and_number_bind_the_account_and_grant_the_resident_role(make_user, resident, community):
    user = make_user()
    resident.mobile = user.mobile
    resident.save()
    Invitation.objects.create(community=community, resident=resident)
    bound = services.resident_verify(actor=user, name=" 周 丽君 ", id_number=NUMBER.lower())
    assert bound.pk == resident.pk
    resident.refresh_from_db()
    assert resident.user == user
    assert RoleAssignment.objects.filter(user=user, role=Role.RESIDENT, community=community).exists()
    assert Invitation.objects.get(resident=resident).activated_at is not None
    entry = AuditEntry.objects.get(action="resident.verify")
    assert entry.after["outcome"] == "verified" and entry.community_id == community.pk
    assert entry.after["mobile_differs"] is False and entry.after["invitations_activated"] == 1
    assert AuditEntry.objects.filter(action="role.grant", actor=user).count() == 1
    with pytest.raises(DomainError) as again:
        services.resident_verify(actor=user, name="周丽君", id_number=NUMBER)
    assert again.value.code == "already_verified"


def test_a_different_mobile_on_the_register_still_binds_and_is_recorded(make_user, resident):
    user = make_user()
    resident.mobile = "13700000000"
    resident.save()
    services.resident_verify(actor=user, name="周丽君", id_number=NUMBER)
    assert AuditEntry.objects.get(action="resident.verify").after["mobile_differs"] is True
    resident.refresh_from_db()
    assert resident.user == user and resident.mobile == "13700000000"


def test_wrong_name_and_unknown_number_get_the_same_answer_and_no_clear_id_in_the_audit(make_user, resident):
    user = make_user()
    unknown = idnumber.make_id_number("330109", BIRTH, 2)
    answers = []
    for name, number in (("李四", NUMBER), ("周丽君", unknown)):
        with pytest.raises(DomainError) as refused:
            services.resident_verify(actor=user, name=name, id_number=number)
        answers.append((refused.value.code, str(refused.value.message), refused.value.status))
    assert answers[0] == answers[1] and answers[0][0] == "no_match"
    assert "不符" in answers[0][1]
    entries = list(AuditEntry.objects.filter(action="resident.verify").order_by("pk"))
    assert [e.after["outcome"] for e in entries] == ["no_match", "no_match"]
    assert {e.object_type for e in entries} == {"accounts.user"}  # no resident named on a refusal
    text = repr([(e.before, e.after) for e in AuditEntry.objects.all()])
    for secret in (NUMBER, unknown, crypto.digest(NUMBER)):
        assert secret not in text
    assert entries[0].after["id_number"] == idnumber.mask(NUMBER)
    resident.refresh_from_db()
    assert resident.user is None and not RoleAssignment.objects.filter(user=user).exists()


def test_moved_out_and_already_bound_residents_are_refused(make_user, community):
    gone = make_resident(community, name="王五", seq=5, moved_out_on=dt.date(2024, 1, 1))
    with pytest.raises(DomainError) as moved:
        services.resident_verify(actor=make_user(), name="王五", id_number=idnumber.make_id_number("330109", BIRTH, 5))
    assert moved.value.code == "no_match"
    owner = make_user()
    taken = make_resident(community, name="赵六", seq=6, user=owner)
    with pytest.raises(DomainError) as bound:
        services.resident_verify(actor=make_user(), name="赵六", id_number=idnumber.make_id_number("330109", BIRTH, 6))
    assert bound.value.code == "already_bound" and bound.value.status == 409
    assert "联系社区" in str(bound.value.message)
    taken.refresh_from_db()
    gone.refresh_from_db()
    assert taken.user == owner and gone.user is None
    claim = AuditEntry.objects.get(action="resident.verify", after__outcome="already_bound")
    assert claim.object_id == str(taken.pk)  # the community sees that someone claimed its resident


def test_the_same_person_on_two_registers_is_sent_to_the_office(make_user, community, other_community):
    make_resident(community, seq=7)
    make_resident(other_community, seq=7)
    with pytest.raises(DomainError) as twice:
        services.resident_verify(
            actor=make_user(), name="周丽君", id_number=idnumber.make_id_number("330109", BIRTH, 7)
        )
    assert twice.value.code == "ambiguous"
    assert not Resident.objects.filter(user__isnull=False).exists()


def test_malformed_numbers_are_refused_without_using_a_try(make_user, resident, settings):
    user = make_user()
    for bad in ("123", NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1"), ""):
        with pytest.raises(DomainError) as refused:
            services.resident_verify(actor=user, name="周丽君", id_number=bad)
        assert refused.value.field == "id_number"
    assert not AuditEntry.objects.filter(action="resident.verify").exists()
    assert services.resident_verify(actor=user, name="周丽君", id_number=NUMBER) == resident


def test_tries_are_limited_per_account_and_per_address(make_user, resident, settings):
    user = make_user()
    wrong = idnumber.make_id_number("330109", BIRTH, 9)
    for _ in range(5):
        with pytest.raises(DomainError):
            services.resident_verify(actor=user, name="周丽君", id_number=wrong, address="10.0.0.1")
    with pytest.raises(Throttled):  # the right answer now waits too
        services.resident_verify(actor=user, name="周丽君", id_number=NUMBER, address="10.0.0.2")
    outcomes = list(AuditEntry.objects.filter(action="resident.verify").values_list("after__outcome", flat=True))
    assert outcomes.count("no_match") == 5 and outcomes.count("throttled") == 1
    resident.refresh_from_db()
    assert resident.user is None
    # Per address: many accounts from one address stop after the address limit.
    settings.THROTTLES = {**settings.THROTTLES, "verify.address": (3, 86400, 86400)}
    for _ in range(3):
        with pytest.raises(DomainError) as refused:
            services.resident_verify(actor=make_user(), name="x", id_number=wrong, address="10.0.0.9")
        assert refused.value.code == "no_match"
    with pytest.raises(Throttled):
        services.resident_verify(actor=make_user(), name="周丽君", id_number=NUMBER, address="10.0.0.9")


def test_verify_page_and_api(make_user, resident, community):
    user = make_user()
    client = client_for(user)
    page = client.get("/people/verify/")
    assert page.status_code == 200 and "实名核验" in page.content.decode()
    refused = client.post("/people/verify/", {"name": "李四", "id_number": NUMBER})
    assert refused.status_code == 200 and "不符" in refused.content.decode()
    assert client.get("/api/v1/me").json()["verified"] is False
    done = client.post("/people/verify/", {"name": "周丽君", "id_number": NUMBER})
    assert done.status_code == 302
    home = client.get("/").content.decode()
    assert "周丽君，您好" in home and 'data-testid="verify-cta"' not in home
    me = client.get("/api/v1/me").json()
    assert me["verified"] is True and me["resident_community"] == community.code
    assert "已完成实名核验" in client.get("/people/verify/").content.decode()

    other = make_user()
    api = client_for(other, language="en")
    bad = api.post("/api/v1/me/verify", {"name": "x", "id_number": "123"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]
    taken = api.post("/api/v1/me/verify", {"name": "周丽君", "id_number": NUMBER}, content_type="application/json")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "already_bound"
    second = make_resident(community, name="钱七", seq=3)
    ok = api.post(
        "/api/v1/me/verify",
        {"name": "钱七", "id_number": idnumber.make_id_number("330109", BIRTH, 3)},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json() == {"verified": True, "community": community.code, "name": "钱七"}
    second.refresh_from_db()
    assert second.user == other


def test_signed_out_visitors_cannot_verify(resident):
    assert Client().get("/people/verify/").status_code == 302
    assert (
        Client()
        .post("/api/v1/me/verify", {"name": "周丽君", "id_number": NUMBER}, content_type="application/json")
        .status_code
        == 401
    )
    resident.refresh_from_db()
    assert resident.user is None
