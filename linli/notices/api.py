"""Notices over the API: staff write and publish a community's or a street's notices and follow who has read;
stewards list their grids' unread; residents list theirs and open one (which is the read receipt)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from linli.accounts.api_auth import AUTH
from linli.accounts.types import Actor
from linli.core.api import RowId
from linli.core.errors import NotAllowed
from linli.places.models import Street
from linli.places.selectors import community_get

from . import rules, selectors, services
from .files import attachments_clean
from .models import Notice, NoticeRecipient
from .targeting import NoticeTargets

router = Router(tags=["notices"], auth=AUTH)
BASE = "/communities/{code}/notices"
STREET = "/streets/{code}/notices"


class NoticeTargetsIn(Schema):
    communities: list[str] = Field([], max_length=100, description="Community codes (street notices only).")
    neighbourhood_ids: list[RowId] = Field([], max_length=200)
    building_ids: list[RowId] = Field([], max_length=500)
    grid_ids: list[RowId] = Field([], max_length=200)
    age_tiers: list[str] = Field([], max_length=10)
    tags: list[str] = Field([], max_length=20, description="Sensitive tag codes (only for staff who may see them).")


class NoticeIn(Schema):
    title: str = Field(max_length=80)
    body: str = Field(max_length=10_000, description="Text: paragraphs, - lists, **bold**, [links](https://…).")
    urgent: bool = False
    pinned: bool = False
    expires_at: dt.datetime | None = None
    targets: NoticeTargetsIn | None = None


class NoticePublishIn(Schema):
    publish_at: dt.datetime | None = Field(None, description="Empty: publish now; later: schedule.")


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    body_html: str
    issuer: str
    urgent: bool
    pinned: bool
    status: str
    expired: bool
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    recipients: int
    read: int
    attachments: list[str]


class NoticeReaderOut(Schema):
    resident_id: int
    name: str
    address: str
    grid: str | None
    read_at: dt.datetime | None
    sms_sent_at: dt.datetime | None


class NoticeUnreadOut(NoticeReaderOut):
    mobile: str


class MyNoticeOut(Schema):
    id: int
    title: str
    body_html: str
    issuer: str
    urgent: bool
    pinned: bool
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    read_at: dt.datetime | None
    attachments: list[str]


def _attachment_urls(notice: Notice) -> list[str]:
    from django.urls import reverse

    return [reverse("notices:attachment", args=[notice.pk, a.pk]) for a in notice.attachments.all()]


def notice_out(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "title": notice.title,
        "body": notice.body,
        "body_html": str(notice.body_html()),
        "issuer": notice.issuer_name,
        **{k: getattr(notice, k) for k in ("urgent", "pinned", "status")},
        "expired": notice.is_expired(),
        **{k: getattr(notice, k) for k in ("publish_at", "published_at", "expires_at")},
        "recipients": getattr(notice, "recipient_count", None) or notice.recipients.count(),
        "read": getattr(notice, "read_count", None) or selectors.read_count(notice=notice),
        "attachments": _attachment_urls(notice),
    }


def reader_out(r: NoticeRecipient, *, mobile: bool = False) -> dict[str, Any]:
    resident = r.resident
    row = {
        "resident_id": resident.pk,
        "name": resident.name,
        "address": str(resident.household) if resident.household_id else "",
        "grid": r.grid.name if r.grid_id else None,  # type: ignore[union-attr]
        "read_at": r.read_at,
        "sms_sent_at": r.sms_sent_at,
    }
    if mobile:
        row["mobile"] = resident.mobile or (resident.user.mobile if resident.user_id else "")  # type: ignore[union-attr]
    return row


def targets_of(payload: NoticeTargetsIn) -> NoticeTargets:
    return selectors.targets_lookup(
        communities=payload.communities,
        neighbourhood_ids=payload.neighbourhood_ids,
        building_ids=payload.building_ids,
        grid_ids=payload.grid_ids,
        age_tiers=payload.age_tiers,
        tags=payload.tags,
    )


def _fields(payload: NoticeIn) -> dict[str, Any]:
    return {
        **{k: getattr(payload, k) for k in ("title", "body", "urgent", "pinned", "expires_at")},
        "targets": targets_of(payload.targets) if payload.targets is not None else NoticeTargets(),
    }


def _street_get(user: Actor, code: str) -> Street:
    return selectors.street_for_writer(user=user, code=code)


# --- a community's notices -----------------------------------------------------------------------------


@router.get(BASE, response=list[NoticeOut])
def notice_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The community's notices and the street's that reach it, with read counts among its residents."""
    community = community_get(code=code, user=request.user)
    return [notice_out(n) for n in selectors.notices_of_community(user=request.user, community=community)[:200]]


@router.post(BASE, response={201: NoticeOut})
def notice_create(request: HttpRequest, code: str, payload: NoticeIn) -> Status:
    community = community_get(code=code, user=request.user)
    notice = services.notice_create(actor=request.user, community=community, **_fields(payload))
    return Status(201, notice_out(notice))


@router.get(BASE + "/{notice_id}", response=NoticeOut)
def notice_detail(request: HttpRequest, code: str, notice_id: RowId) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return notice_out(selectors.notice_get(user=request.user, community=community, pk=notice_id))


@router.put(BASE + "/{notice_id}", response=NoticeOut)
def notice_update(request: HttpRequest, code: str, notice_id: RowId, payload: NoticeIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    return notice_out(services.notice_update(actor=request.user, notice=notice, **_fields(payload)))


@router.post(BASE + "/{notice_id}/attachments", response={201: NoticeOut})
def notice_attach(request: HttpRequest, code: str, notice_id: RowId, files: File[list[UploadedFile]]) -> Status:
    """Images (JPEG, PNG, WebP; re-encoded without metadata) and PDFs, as multipart `files`, before publication."""
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    if not rules.can_write_notice(request.user, notice):  # before reading the files
        raise NotAllowed(_("You may not change this notice."))
    services.notice_attach(actor=request.user, notice=notice, attachments=attachments_clean(list(files)))
    return Status(201, notice_out(notice))


@router.post(BASE + "/{notice_id}/publish", response=NoticeOut)
def notice_publish(request: HttpRequest, code: str, notice_id: RowId, payload: NoticePublishIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    return notice_out(services.notice_publish(actor=request.user, notice=notice, publish_at=payload.publish_at))


@router.post(BASE + "/{notice_id}/withdraw", response=NoticeOut)
def notice_withdraw(request: HttpRequest, code: str, notice_id: RowId) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    return notice_out(services.notice_withdraw(actor=request.user, notice=notice))


@router.get(BASE + "/{notice_id}/readers", response=list[NoticeReaderOut])
def notice_readers(request: HttpRequest, code: str, notice_id: RowId) -> list[dict[str, Any]]:
    """Every recipient in the community, unread first."""
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    return [reader_out(r) for r in selectors.read_report(user=request.user, notice=notice, community=community)]


@router.get(BASE + "/{notice_id}/unread-in-my-grid", response=list[NoticeUnreadOut])
def notice_unread_in_my_grid(request: HttpRequest, code: str, notice_id: RowId) -> list[dict[str, Any]]:
    """For a steward: who in their grids has not opened it, with a mobile number to phone."""
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=notice_id)
    rows = selectors.unread_in_my_grids(user=request.user, notice=notice, community=community)
    return [reader_out(r, mobile=True) for r in rows]


# --- a street's notices --------------------------------------------------------------------------------


@router.get(STREET, response=list[NoticeOut])
def street_notice_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    street = _street_get(request.user, code)
    return [notice_out(n) for n in selectors.notices_of_street(user=request.user, street=street)[:200]]


@router.post(STREET, response={201: NoticeOut})
def street_notice_create(request: HttpRequest, code: str, payload: NoticeIn) -> Status:
    street = _street_get(request.user, code)
    notice = services.notice_create(actor=request.user, street=street, **_fields(payload))
    return Status(201, notice_out(notice))


@router.post(STREET + "/{notice_id}/publish", response=NoticeOut)
def street_notice_publish(
    request: HttpRequest, code: str, notice_id: RowId, payload: NoticePublishIn
) -> dict[str, Any]:
    street = _street_get(request.user, code)
    notice = selectors.street_notice_get(user=request.user, street=street, pk=notice_id)
    return notice_out(services.notice_publish(actor=request.user, notice=notice, publish_at=payload.publish_at))


@router.post(STREET + "/{notice_id}/withdraw", response=NoticeOut)
def street_notice_withdraw(request: HttpRequest, code: str, notice_id: RowId) -> dict[str, Any]:
    street = _street_get(request.user, code)
    notice = selectors.street_notice_get(user=request.user, street=street, pk=notice_id)
    return notice_out(services.notice_withdraw(actor=request.user, notice=notice))


# --- mine ----------------------------------------------------------------------------------------------


def my_out(r: NoticeRecipient) -> dict[str, Any]:
    n = r.notice
    return {
        "id": n.pk,
        "title": n.title,
        "body_html": str(n.body_html()),
        "issuer": n.issuer_name,
        **{k: getattr(n, k) for k in ("urgent", "pinned", "published_at", "expires_at")},
        "read_at": r.read_at,
        "attachments": _attachment_urls(n),
    }


@router.get("/me/notices", response=list[MyNoticeOut])
def my_notice_list(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    """My live notices: pinned and urgent first, then unread, then newest."""
    qs = selectors.my_notices(user=request.user, unread=unread)
    return [my_out(r) for r in qs[:200]]


@router.get("/me/notices/{notice_id}", response=MyNoticeOut)
def my_notice_detail(request: HttpRequest, notice_id: RowId) -> dict[str, Any]:
    """Opening a notice records that I have read it."""
    recipient = selectors.my_notice_get(user=request.user, pk=notice_id)
    return my_out(services.notice_read(actor=request.user, notice=recipient.notice))
