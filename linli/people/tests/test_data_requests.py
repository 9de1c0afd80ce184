"""Personal data (PIPL): a copy at once (Excel and JSON), deletion after a caseworker's review. The books stay whole."""

import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE, client_for, make_resident
from linli.core.errors import Conflict, NotAllowed
from linli.people import services
from linli.people.models import DataRequest, Resident, SensitiveTag

pytestmark = pytest.mark.django_db

ROLES = EVERY_ROLE
HANDLERS = {"social_worker", "community_admin"}


@pytest.fixture
def me(community, make_user):
    user = make_user(Role.RESIDENT, community, display_name="钱阿姨")
    resident = make_resident(
        community,
        name="钱阿姨",
        birth=dt.date(1950, 7, 9),
        user=user,
        mobile="13955556666",
        hukou_address="杭州市西湖区文三路1号",
        note="腿脚不便",
        is_party_member=True,
    )
    resident.tags.add(SensitiveTag.objects.get(code="elderly_living_alone"))
    return resident


def earn(community, resident, points_rule="volunteer_hour"):
    from linli.ledger import services as ledger

    return ledger.points_earn(
        community=community, resident=resident, rule_code=points_rule, quantity=2, idempotency_key=f"t-{resident.pk}"
    )


def test_a_resident_downloads_their_data_as_excel_and_json(community, me):
    client = client_for(me.user)
    xlsx = client.get("/accounts/me/data/download.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert {"登录账号", "登记信息"} <= set(wb.sheetnames), wb.sheetnames
    profile = [[c.value for c in row] for row in wb["登记信息"].iter_rows()]
    assert "钱阿姨" in profile[1] and "13955556666" in profile[1] and me.id_number_masked in profile[1]
    body = json.loads(client.get("/accounts/me/data/download.json").content)
    keys = [s["key"] for s in body["sections"]]
    assert keys[:2] == ["account", "profile"] and {"points", "orders", "meals", "bookings", "reports"} <= set(keys)
    api = client.get("/api/v1/me/data").json()
    assert [s["key"] for s in api["sections"]] == keys
    assert DataRequest.objects.filter(resident=me, kind="export", status="done").count() == 3
    assert AuditEntry.objects.filter(action="data_request.export").count() == 3
    # Sensitive tags are staff notes, never in the copy nor any full ID number.
    from linli.core import crypto

    assert crypto.decrypt(me.id_number_encrypted) not in json.dumps(body, ensure_ascii=False)


def test_a_formula_typed_into_a_record_is_written_as_text(community, me):
    Resident.objects.filter(pk=me.pk).update(note="x", hukou_address='=HYPERLINK("http://x","y")')
    wb = load_workbook(io.BytesIO(client_for(me.user).get("/accounts/me/data/download.xlsx").content))
    cells = [c.value for row in wb["登记信息"].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x","y")' in cells


def test_anonymous_users_cannot_download_nor_ask(community):
    assert Client().get("/accounts/me/data/download.json").status_code == 302
    assert Client().get("/api/v1/me/data").status_code == 401
    assert Client().post("/api/v1/me/data-requests", {}, content_type="application/json").status_code == 401


def test_deletion_is_asked_once_and_the_resident_sees_its_status(community, me):
    client = client_for(me.user, "en")
    asked = client.post("/accounts/me/data/", {"reason": "不再住这里"})
    assert asked.status_code == 302
    again = client.post("/api/v1/me/data-requests", {"reason": "再问"}, content_type="application/json")
    assert again.status_code == 409 and "already asked" in again.json()["error"]["message"]
    mine = client.get("/api/v1/me/data-requests").json()
    assert [(r["kind"], r["status"]) for r in mine] == [("delete", "pending")]
    page = client_for(me.user).get("/accounts/me/data/").content.decode()
    assert "等待社区处理" in page


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_the_request_queue(role, users, community, me, role_client):
    request = services.data_deletion_request(actor=me.user, reason="")
    client = role_client(role)
    queue = client.get("/api/v1/communities/shibei/data-requests")
    page = client.get("/people/shibei/data-requests/")
    detail = client.get(f"/people/shibei/data-requests/{request.pk}/")
    refused = client.post(
        f"/api/v1/communities/shibei/data-requests/{request.pk}/refuse",
        {"answer": "户籍登记需保留"},
        content_type="application/json",
    )
    may = role in HANDLERS
    assert (queue.status_code == 200) is may and (page.status_code == 200) is may and (detail.status_code == 200) is may
    assert (refused.status_code == 200) is may, refused.content
    request.refresh_from_db()
    assert request.status == ("refused" if may else "pending")
    assert AuditEntry.objects.filter(action="data_request.refuse").count() == (1 if may else 0)


def test_approving_anonymises_closes_the_account_and_keeps_the_books(users, community, me):
    from linli.ledger.models import Account, Entry

    earn(community, me)
    account = Account.objects.get(resident=me, unit="points")
    balance, entries = account.balance, Entry.objects.count()
    assert balance > 0
    user = me.user
    request = services.data_deletion_request(actor=user, reason="搬走了")
    client = client_for(users["social_worker"])
    done = client.post(f"/people/shibei/data-requests/{request.pk}/", {"decision": "approve", "answer": ""})
    assert done.status_code == 302
    me.refresh_from_db()
    assert me.name == "已注销居民" and me.mobile == "" and me.hukou_address == "" and me.note == ""
    assert me.id_number_encrypted == me.id_number_digest == me.id_number_masked == ""
    assert me.birth_date == dt.date(1950, 1, 1) and me.user_id is None and me.moved_out_on is not None
    assert not me.is_party_member and me.tags.count() == 0
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password() and user.mobile != "13955556666"
    assert not RoleAssignment.objects.filter(user=user).exists()
    account.refresh_from_db()
    assert account.balance == balance and Entry.objects.count() == entries  # the books are untouched
    assert AuditEntry.objects.filter(action="data_request.approve").count() == 1
    approve = AuditEntry.objects.get(action="data_request.approve")
    assert "钱阿姨" not in json.dumps(approve.after, ensure_ascii=False)
    assert AuditEntry.objects.filter(action="data_request.create").exists()  # earlier rows kept
    # The old login no longer works; the number can sign up again.
    assert not Client().login(mobile="13955556666", password="pass-word-123")
    assert User.objects.filter(mobile="13955556666").count() == 0
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by == users["social_worker"]
    with pytest.raises(Conflict):
        services.data_request_approve(actor=users["social_worker"], request=request)


def test_refusing_needs_a_reason_the_resident_sees(users, community, me, django_capture_on_commit_callbacks):
    request = services.data_deletion_request(actor=me.user)
    client = client_for(users["community_admin"], "en")
    empty = client.post(f"/people/shibei/data-requests/{request.pk}/", {"decision": "refuse", "answer": ""})
    assert empty.status_code == 400 and "Give a reason" in empty.content.decode()
    request.refresh_from_db()
    assert request.status == "pending" and AuditEntry.objects.filter(action="data_request.refuse").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/people/shibei/data-requests/{request.pk}/", {"decision": "refuse", "answer": "正在办理低保，需保留"}
        )
    mine = client_for(me.user).get("/api/v1/me/data-requests").json()
    assert mine[0]["status"] == "refused" and mine[0]["answer"] == "正在办理低保，需保留"
    from linli.notifications.models import Notification

    told = Notification.objects.get(user=me.user)
    assert "删除个人信息的申请未获同意" in told.title and told.body == "正在办理低保，需保留"


def test_staff_of_another_community_cannot_see_or_decide(users, community, other_community, me, make_user):
    request = services.data_deletion_request(actor=me.user)
    theirs = make_user(Role.SOCIAL_WORKER, other_community)
    with pytest.raises(NotAllowed):
        services.data_request_approve(actor=theirs, request=request)
    assert client_for(theirs).get(f"/api/v1/communities/shibei/data-requests/{request.pk}/approve").status_code in (
        404,
        405,
    )
    me.refresh_from_db()
    assert me.name == "钱阿姨"
