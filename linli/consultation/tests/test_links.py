"""A meeting's online link: only http(s) addresses are accepted, and a stored bad one is never rendered as a link."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.consultation.models import Meeting

pytestmark = pytest.mark.django_db
BAD = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "ftp://x.org/a"]


def starts() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=2)


@pytest.mark.parametrize("url", BAD)
def test_the_api_refuses_a_link_that_is_not_http(community: Any, staff: Any, url: str) -> None:
    response = client_for(staff, "en").post(
        "/api/v1/communities/shibei/consultation/meetings",
        {
            "title": "Online round table",
            "mode": "online",
            "starts_at": starts().isoformat(),
            "capacity": 10,
            "parties": ["community"],
            "online_url": url,
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["fields"]["online_url"] == [
        "Enter a web address that starts with http:// or https://."
    ]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("url", BAD)
def test_the_page_refuses_a_link_that_is_not_http(community: Any, staff: Any, url: str) -> None:
    response = client_for(staff).post(
        "/consultation/shibei/meetings/new/",
        {
            "title": "线上圆桌会议",
            "mode": "online",
            "starts_at": timezone.localtime(starts()).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 10,
            "parties": ["community"],
            "online_url": url,
        },
    )
    assert response.status_code == 200
    assert "请输入以 http:// 或 https:// 开头的网址。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_good_link_is_a_link_and_a_stored_bad_one_is_plain_text(community: Any, staff: Any, alice: Any) -> None:
    good = Meeting.objects.create(
        community=community,
        title="线上会",
        mode="online",
        starts_at=starts(),
        online_url="https://meet.example.org/x",
        capacity=5,
        parties=["community"],
        created_by=staff,
    )
    bad = Meeting.objects.create(
        community=community,
        title="坏链接",
        mode="online",
        starts_at=starts(),
        online_url="javascript:alert(1)",  # written straight into the database, past every check
        capacity=5,
        parties=["community"],
        created_by=staff,
    )
    client = client_for(alice)
    assert (
        'href="https://meet.example.org/x"' in client.get(f"/consultation/shibei/meetings/{good.pk}/").content.decode()
    )
    html = client.get(f"/consultation/shibei/meetings/{bad.pk}/").content.decode()
    assert "javascript:alert(1)" in html and 'href="javascript:' not in html
