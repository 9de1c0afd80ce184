"""Every role × every notice page and endpoint; attachments refused by content and size with nothing saved; the text
format is safe; the home page shows unread notices; Chinese and English."""

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.conftest import EVERY_ROLE_AND_ANONYMOUS, client_for
from linli.notices import services
from linli.notices.models import Notice, NoticeAttachment, NoticeRecipient
from linli.notices.targeting import NoticeTargets
from linli.notices.text import render_body

from .conftest import Estate

pytestmark = pytest.mark.django_db

ROLES = EVERY_ROLE_AND_ANONYMOUS
WRITERS = {"social_worker", "community_admin"}
STAFF_LIST = {"grid_steward", "social_worker", "community_admin", "street_admin"}


def expected(role: str, allowed: set[str]) -> int:
    if role in allowed:
        return 200
    if role == "anonymous":
        return 302
    if role == "outsider":
        return 404
    return 403


@pytest.fixture
def published(users: dict[str, Any], estate: Estate) -> Notice:
    notice = services.notice_create(
        actor=users["community_admin"],
        community=estate.community,
        title="紧急停水",
        body="今天下午停水，请储水。",
        urgent=True,
        targets=NoticeTargets(tags=[estate.alone]),
    )
    return services.notice_publish(actor=users["community_admin"], notice=notice)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_pages(
    role: str, users: dict[str, Any], estate: Estate, published: Notice, role_client: Any
) -> None:
    client = role_client(role)
    code, pk = estate.community.code, published.pk
    assert client.get(f"/notices/c/{code}/").status_code == expected(role, STAFF_LIST)
    assert client.get(f"/notices/c/{code}/{pk}/").status_code == expected(role, STAFF_LIST)
    assert client.get(f"/notices/c/{code}/new/").status_code == expected(role, WRITERS)
    published_edit = 409 if role in WRITERS else expected(role, set())  # a published notice is not edited
    assert client.get(f"/notices/c/{code}/{pk}/edit/").status_code == published_edit
    street = estate.community.street.code
    street_status = 200 if role == "street_admin" else 302 if role == "anonymous" else 404
    assert client.get(f"/notices/s/{street}/").status_code == street_status
    assert client.get(f"/notices/s/{street}/new/").status_code == street_status
    assert client.get(f"/notices/c/{code}/{pk}/unread/").status_code == expected(role, {"grid_steward"})
    before = Notice.objects.count()
    response = client.post(f"/notices/c/{code}/new/", {"title": "t", "body": "b"})
    assert response.status_code == (302 if role in WRITERS or role == "anonymous" else expected(role, set()))
    assert Notice.objects.count() == before + (1 if role in WRITERS else 0)
    response = client.post(f"/notices/c/{code}/{pk}/withdraw/")
    published.refresh_from_db()
    assert (published.status == Notice.Status.WITHDRAWN) == (role in WRITERS)
    if role not in WRITERS:
        assert response.status_code == expected(role, set())
    # Residents' own pages: everyone signed in has a list; the notice opens only for whom it was sent.
    assert client.get("/notices/").status_code == (302 if role == "anonymous" else 200)
    assert client.get(f"/notices/{pk}/").status_code in ((302,) if role == "anonymous" else (404,))


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_api(
    role: str, users: dict[str, Any], estate: Estate, published: Notice, role_client: Any
) -> None:
    client = role_client(role)
    base = f"/api/v1/communities/{estate.community.code}/notices"
    denied = 401 if role == "anonymous" else 404 if role == "outsider" else 403

    def status(allowed: set[str]) -> int:
        return 200 if role in allowed else denied

    assert client.get(base).status_code == status(STAFF_LIST)
    assert client.get(f"{base}/{published.pk}").status_code == status(STAFF_LIST)
    assert client.get(f"{base}/{published.pk}/readers").status_code == status(WRITERS)
    assert client.get(f"{base}/{published.pk}/unread-in-my-grid").status_code == status({"grid_steward"})
    before = Notice.objects.count()
    body = json.dumps({"title": "通知", "body": "内容", "targets": {"building_ids": [estate.b1.pk]}})
    response = client.post(base, body, content_type="application/json")
    assert response.status_code == (201 if role in WRITERS else denied)
    assert Notice.objects.count() == before + (1 if role in WRITERS else 0)
    assert client.get("/api/v1/me/notices").status_code == (401 if role == "anonymous" else 200)
    street = f"/api/v1/streets/{estate.community.street.code}/notices"
    assert client.get(street).status_code == (200 if role == "street_admin" else 401 if role == "anonymous" else 404)


def test_another_communitys_notice_is_not_found(
    users: dict[str, Any], estate: Estate, other_community: Any, make_user: Any
) -> None:
    other_admin = make_user("community_admin", other_community)
    notice = services.notice_create(actor=other_admin, community=other_community, title="利民通知", body="x")
    client = client_for(users["community_admin"])
    assert client.get(f"/notices/c/{estate.community.code}/{notice.pk}/").status_code == 404
    assert client.get(f"/api/v1/communities/{estate.community.code}/notices/{notice.pk}").status_code == 404
    assert client.post(f"/notices/c/{estate.community.code}/{notice.pk}/publish/").status_code == 404
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_a_resident_reads_a_notice_and_the_home_page_shows_unread(estate: Estate, published: Notice) -> None:
    user = estate.alone_b1_app.user
    client = client_for(user)
    home = client.get("/").content.decode()
    assert "紧急停水" in home and "未读公告" in home
    page = client.get(f"/notices/{published.pk}/")
    assert page.status_code == 200 and "今天下午停水" in page.content.decode()
    assert NoticeRecipient.objects.get(notice=published, resident=estate.alone_b1_app).read_at is not None
    assert "紧急停水" not in client.get("/").content.decode()
    api = client_for(estate.adult_b1.user).get("/api/v1/me/notices")
    assert api.json() == []  # not targeted
    mine = client.get(f"/api/v1/me/notices/{published.pk}").json()
    assert mine["title"] == "紧急停水" and mine["read_at"] is not None
    english = client_for(user, "en").get("/notices/")
    assert english.status_code == 200 and "Notices" in english.content.decode()


def test_the_steward_page_lists_unread_in_the_grid_with_mobiles(estate: Estate, published: Notice) -> None:
    detail = client_for(estate.steward, "en").get(f"/notices/c/{estate.community.code}/{published.pk}/")
    assert "Elderly living alone" in detail.content.decode()
    page = client_for(estate.steward).get(f"/notices/c/{estate.community.code}/{published.pk}/unread/")
    text = page.content.decode()
    assert "陈阿婆" in text and "13900000101" in text and "李大爷" in text and "王奶奶" not in text


def png(width: int = 20, height: int = 20, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG")
    return out.getvalue()


def compose(client: Any, code: str, *files: SimpleUploadedFile) -> Any:
    return client.post(f"/notices/c/{code}/new/", {"title": "附件", "body": "见附件", "attachments": list(files)})


def test_attachments_are_checked_by_content_and_size(
    users: dict[str, Any], estate: Estate, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client, code = client_for(users["community_admin"]), estate.community.code
    before = (Notice.objects.count(), NoticeAttachment.objects.count())
    fake = SimpleUploadedFile("通知.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    page = compose(client, code, fake)
    assert page.status_code == 200 and "既不是图片也不是 PDF" in page.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF")
    assert "10 MB" in compose(client, code, big).content.decode()
    bomb = SimpleUploadedFile("bomb.png", png(8000, 6000, "1"), content_type="image/png")
    assert "像素" in compose(client, code, bomb).content.decode()
    assert (Notice.objects.count(), NoticeAttachment.objects.count()) == before
    good = compose(
        client,
        code,
        SimpleUploadedFile("photo.png", png(), content_type="image/png"),
        SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf"),
    )
    assert good.status_code == 302
    kinds = sorted(NoticeAttachment.objects.values_list("kind", flat=True))
    assert kinds == ["image", "pdf"]
    image = NoticeAttachment.objects.get(kind="image")
    assert image.file.name.endswith(".jpg")  # re-encoded
    detail = client.get(good["Location"])
    assert detail.status_code == 200
    assert client.get(f"/notices/{image.notice_id}/files/{image.pk}/").status_code == 200
    assert client_for(estate.adult_b1.user).get(f"/notices/{image.notice_id}/files/{image.pk}/").status_code == 404


def test_the_text_format_is_safe() -> None:
    html = render_body(
        "**注意** <script>alert(1)</script>\n\n- 一\n- 二\n\n"
        "[链接](https://example.cn/a?b=1&c=2) [坏](javascript:alert(1))"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>注意</strong>" in html and "<ul><li>一</li><li>二</li></ul>" in html
    assert '<a href="https://example.cn/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">链接</a>' in html
    assert 'href="javascript' not in html
    quote = render_body('[x](https://a.cn/"onmouseover="alert(1))')
    assert 'onmouseover="' not in quote


def test_a_street_admin_writes_to_the_streets_communities_through_the_pages(
    users: dict[str, Any], estate: Estate, street: Any
) -> None:
    client = client_for(users["street_admin"])
    response = client.post(
        f"/notices/s/{street.code}/new/",
        {"title": "防汛提醒", "body": "注意防汛", "communities": [estate.community.pk]},
    )
    assert response.status_code == 302
    notice = Notice.objects.get(title="防汛提醒")
    assert notice.community is None and notice.street == street
    client.post(f"/notices/s/{street.code}/{notice.pk}/publish/")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    assert NoticeRecipient.objects.filter(notice=notice, community=estate.community).count() == 5
    assert "防汛提醒" in client.get(f"/notices/s/{street.code}/").content.decode()
    staff_page = client_for(users["community_admin"]).get(f"/notices/c/{estate.community.code}/")
    assert "防汛提醒" in staff_page.content.decode()
    for role in ("community_admin", "social_worker", "city_viewer", "resident"):
        assert client_for(users[role]).get(f"/notices/s/{street.code}/new/").status_code == 404


def test_a_resident_asks_for_sms_on_the_notices_page(users: dict[str, Any], estate: Estate) -> None:
    from linli.notices.models import SmsPreference

    client = client_for(estate.adult_b1.user)
    assert client.post("/notices/sms/", {"by_sms": "1"}).status_code == 302
    assert SmsPreference.objects.get(resident=estate.adult_b1).by_sms is True
    assert "不再发短信" in client.get("/notices/").content.decode()
    client.post("/notices/sms/", {"by_sms": "0"})
    assert SmsPreference.objects.get(resident=estate.adult_b1).by_sms is False
    assert client_for(users["outsider"]).post("/notices/sms/", {"by_sms": "1"}).status_code == 404


def test_scheduling_through_the_page(users: dict[str, Any], estate: Estate) -> None:
    import datetime as dt

    from django.utils import timezone

    admin = users["community_admin"]
    notice = services.notice_create(actor=admin, community=estate.community, title="体检", body="周五体检")
    client, url = client_for(admin), f"/notices/c/{estate.community.code}/{notice.pk}/schedule/"
    page = client.post(url, {"publish_at": "not a date"}, follow=True)
    assert "请输入日期和时间" in page.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    later = timezone.localtime() + dt.timedelta(days=1)
    client.post(url, {"publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SCHEDULED and notice.publish_at is not None
    assert not NoticeRecipient.objects.filter(notice=notice).exists()


def test_attachments_through_the_api(users: dict[str, Any], estate: Estate, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    admin = users["community_admin"]
    notice = services.notice_create(actor=admin, community=estate.community, title="附件", body="见附件")
    url = f"/api/v1/communities/{estate.community.code}/notices/{notice.pk}/attachments"
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    refused = client_for(admin).post(url, {"files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")]})
    assert refused.status_code == 400 and refused.json()["error"]["fields"]
    assert client_for(users["grid_steward"]).post(url, {"files": [SimpleUploadedFile("a.pdf", pdf)]}).status_code == 403
    assert not NoticeAttachment.objects.exists()
    done = client_for(admin).post(
        url, {"files": [SimpleUploadedFile("a.pdf", pdf), SimpleUploadedFile("p.png", png())]}
    )
    assert done.status_code == 201 and len(done.json()["attachments"]) == 2
    six = [SimpleUploadedFile(f"{i}.pdf", pdf) for i in range(4)]
    assert client_for(admin).post(url, {"files": six}).status_code == 400  # 2 + 4 > 5
    assert NoticeAttachment.objects.count() == 2


def test_a_draft_is_edited_through_the_page(users: dict[str, Any], estate: Estate) -> None:
    admin = users["community_admin"]
    notice = services.notice_create(actor=admin, community=estate.community, title="草稿", body="正文")
    client, url = client_for(admin), f"/notices/c/{estate.community.code}/{notice.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "改好的", "body": "新正文", "buildings": [estate.b2.pk], "age_tiers": ["adult"]}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "改好的" and notice.target_age_tiers == ["adult"]
    assert list(notice.target_buildings.all()) == [estate.b2]
    assert client_for(users["social_worker"]).get(url).status_code == 200
    english = client_for(admin, "en").get(url).content.decode()
    assert "Elderly living alone" in english and "Save as draft" in english
    assert client_for(users["grid_steward"]).get(url).status_code == 403
