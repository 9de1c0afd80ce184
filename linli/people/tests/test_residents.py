"""Residents: tenancy, the role matrix, encryption at rest, masking, audited reveals, bad input."""

import datetime as dt

import pytest
from django.db import connection

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.people import idnumber, services
from linli.people.models import Resident

pytestmark = pytest.mark.django_db

VALID_ID = idnumber.make_id_number("330109", dt.date(1980, 5, 17), 123)


def api(path: str) -> str:
    return f"/api/v1/communities/{path}"


# Who may do what with residents, for every role: (list, detail, create, reveal the ID number).
MATRIX = {
    "resident": (False, False, False, False),
    "volunteer": (False, False, False, False),
    "grid_steward": (True, True, False, False),
    "social_worker": (True, True, True, True),
    "community_admin": (True, True, True, True),
    "merchant_staff": (False, False, False, False),
    "operator": (False, False, False, False),
    "street_admin": (False, False, False, False),
    "city_viewer": (False, False, False, False),
    "outsider": (False, False, False, False),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_matrix_for_residents_and_refusals_change_nothing(role, users, community, resident):
    may_list, may_detail, may_create, may_reveal = MATRIX[role]
    client = client_for(users[role])
    before = (Resident.objects.count(), AuditEntry.objects.count())

    listing = client.get(api("shibei/residents"))
    assert (listing.status_code == 200) is may_list, listing.content
    detail = client.get(api(f"shibei/residents/{resident.pk}"))
    assert (detail.status_code == 200) is may_detail

    created = client.post(
        api("shibei/residents"), {"name": "新居民", "id_number": VALID_ID}, content_type="application/json"
    )
    assert (created.status_code == 201) is may_create, created.content
    reveal = client.post(
        api(f"shibei/residents/{resident.pk}/reveal-id-number"),
        {"reason": "核对补贴资格"},
        content_type="application/json",
    )
    assert (reveal.status_code == 200) is may_reveal

    refused = [r for r in (listing, detail, created, reveal) if r.status_code >= 400]
    for response in refused:
        assert response.status_code in (403, 404)
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    expected_residents = before[0] + (1 if may_create else 0)
    assert Resident.objects.count() == expected_residents
    expected_audit = before[1] + (1 if may_create else 0) + (1 if may_reveal else 0)
    assert AuditEntry.objects.count() == expected_audit


def test_staff_get_404_for_another_communitys_residents_through_api_and_pages(users, community, other_community):
    theirs = make_resident(other_community, name="孙秀英", seq=7)
    admin = client_for(users["community_admin"])
    assert admin.get(api(f"limin/residents/{theirs.pk}")).status_code == 404
    assert admin.get(api("limin/residents")).status_code == 404
    # Even through this community's URL, another community's resident id is not found.
    assert admin.get(api(f"shibei/residents/{theirs.pk}")).status_code == 404
    assert admin.get(f"/people/limin/residents/{theirs.pk}/").status_code == 404
    assert admin.get(f"/people/shibei/residents/{theirs.pk}/").status_code == 404
    assert admin.get("/api/v1/communities/limin").status_code == 404
    assert admin.get("/api/v1/communities/shibei").status_code == 200


def test_id_number_is_encrypted_at_rest_and_masked_everywhere(users, community):
    admin = client_for(users["community_admin"])
    created = admin.post(
        api("shibei/residents"),
        {"name": "王芳", "id_number": VALID_ID, "mobile": "13712345678"},
        content_type="application/json",
    ).json()
    masked = "*" * 14 + VALID_ID[-4:]
    assert created["id_number"] == masked
    assert created["birth_date"] == "1980-05-17"  # read from the ID number
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident WHERE id = %s", [created["id"]])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert VALID_ID not in raw and VALID_ID[6:14] not in raw.replace("1980-05-17", "")
    page = admin.get(f"/people/shibei/residents/{created['id']}/").content.decode()
    assert masked in page and VALID_ID not in page
    listing = admin.get("/people/shibei/residents/").content.decode()
    assert masked in listing and VALID_ID not in listing
    audit = AuditEntry.objects.get(action="resident.create")
    assert VALID_ID not in str(audit.after)


def test_revealing_an_id_number_is_audited_with_the_reason(users, community, resident):
    worker = users["social_worker"]
    response = client_for(worker).post(
        api(f"shibei/residents/{resident.pk}/reveal-id-number"),
        {"reason": "办理高龄补贴"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert idnumber.mask(response.json()["id_number"]) == resident.id_number_masked
    entry = AuditEntry.objects.get(action="resident.reveal_id_number")
    assert entry.actor == worker and entry.community == community and entry.after == {"reason": "办理高龄补贴"}


def test_reveal_through_the_page_needs_a_reason_and_is_audited(users, community, resident):
    client = client_for(users["community_admin"])
    url = f"/people/shibei/residents/{resident.pk}/"
    empty = client.post(url, {"reason": ""})
    assert AuditEntry.objects.count() == 0 and resident.id_number_masked in empty.content.decode()
    shown = client.post(url, {"reason": "核对身份"}).content.decode()
    from linli.core import crypto

    assert crypto.decrypt(resident.id_number_encrypted) in shown
    assert AuditEntry.objects.filter(action="resident.reveal_id_number").count() == 1


def test_audit_row_is_written_in_the_same_transaction_as_the_change(users, community, monkeypatch):
    """If anything fails after the change and its audit row, both roll back together."""
    from linli.audit import services as audit_services

    def failing_audit(**kwargs):
        audit_services.AuditEntry.objects.create(action=kwargs["action"], object_type="x")
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.residents, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        services.resident_create(
            actor=users["community_admin"], community=community, name="甲", birth_date=dt.date(1990, 1, 1)
        )
    assert Resident.objects.count() == 0 and AuditEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_audit_refuses_to_write_outside_a_transaction(users):
    from linli.audit.services import audit_record

    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=users["community_admin"], action="x", object_type="y")


@pytest.mark.parametrize(
    ("payload", "field", "zh", "en"),
    [
        ({"name": "甲", "mobile": "12345", "birth_date": "1990-01-01"}, "mobile", "手机号", "mobile number"),
        ({"name": "名" * 41, "birth_date": "1990-01-01"}, "name", "最多输入 40 个字", "at most 40 characters"),
        ({"name": "甲", "id_number": "330109198005171234"}, "id_number", "校验位", "check character"),
        ({"name": "甲", "birth_date": "2999-01-01"}, "birth_date", "不能是将来", "cannot be in the future"),
        ({"name": "甲", "birth_date": "1990-01-01", "tags": ["nope"]}, "tags", "未知", "Unknown sensitive tag"),
        ({"name": "甲"}, "birth_date", "出生日期或身份证号", "birth date or an ID number"),
    ],
)
def test_bad_input_gets_a_clear_message_in_the_users_language_and_saves_nothing(
    users, community, payload, field, zh, en
):
    for language, text in (("zh-hans", zh), ("en", en)):
        response = client_for(users["community_admin"], language).post(
            api("shibei/residents"), payload, content_type="application/json"
        )
        assert response.status_code in (400, 422), response.content
        error = response.json()["error"]
        assert field in error["fields"], error
        assert text in error["message"], (language, error["message"])
    assert Resident.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_sensitive_tags_are_shown_only_to_staff(users, community, resident):
    from linli.people.models import SensitiveTag

    resident.tags.add(SensitiveTag.objects.get(code="elderly_living_alone"))
    steward = client_for(users["grid_steward"]).get(api(f"shibei/residents/{resident.pk}")).json()
    assert steward["tags"] == ["elderly_living_alone"]
    tagged = client_for(users["grid_steward"]).get(api("shibei/residents?tag=elderly_living_alone")).json()
    assert [r["id"] for r in tagged] == [resident.pk]


def test_age_filters_follow_the_birth_date_on_the_day(users, community):
    make_resident(community, name="老人", birth=dt.date(1940, 1, 1), seq=1)
    make_resident(community, name="孩子", birth=dt.date(2024, 1, 1), seq=2)
    rows = client_for(users["social_worker"]).get(api("shibei/residents?min_age=60")).json()
    assert [r["name"] for r in rows] == ["老人"]
    assert rows[0]["age_tier"] == "senior_80"


def test_resident_update_is_audited_with_before_and_after(users, community, resident):
    response = client_for(users["social_worker"]).patch(
        api(f"shibei/residents/{resident.pk}"), {"mobile": "13711112222"}, content_type="application/json"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="resident.update")
    assert entry.before["mobile"] == "" and entry.after["mobile"] == "13711112222"


def test_resident_page_form_shows_errors_and_saves_nothing(users, community):
    client = client_for(users["community_admin"], "en")
    response = client.post("/people/shibei/residents/new/", {"name": "甲", "mobile": "999"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid mainland China mobile number" in body
    assert Resident.objects.count() == 0


def test_pages_refuse_residents_list_to_a_resident(users, community):
    response = client_for(users["resident"]).get("/people/shibei/residents/")
    assert response.status_code == 403
    assert Role.RESIDENT  # the role exists in the matrix above


def test_out_of_range_filters_and_null_patches_are_answered_not_crashed(users, community, resident):
    client = client_for(users["social_worker"], "en")
    response = client.get(api("shibei/residents?min_age=99999"))
    assert response.status_code == 422 and "min_age" in response.json()["error"]["fields"]
    patched = client.patch(
        api(f"shibei/residents/{resident.pk}"), {"name": None, "mobile": "13711112222"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["name"] == resident.name
