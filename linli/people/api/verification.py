"""实名核验 for one's own account, and staff's sign-up invitations with who has activated."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from linli.core import throttle
from linli.core.masking import mask_mobile
from linli.places.selectors import community_get

from .. import invitation_selectors, services
from .common import router


class VerifyIn(Schema):
    name: str = Field(max_length=40, description="As on the ID card")
    id_number: str = Field(max_length=18)


class VerifiedOut(Schema):
    verified: bool
    community: str = Field(description="The code of the resident's community")
    name: str


class InvitationIn(Schema):
    building_id: int | None = Field(None, description="Invite this building's residents…")
    tag: str = Field("", max_length=40, description="…or the residents with this sensitive tag (staff who may see it)")
    dry_run: bool = Field(False, description="Only say who would get an SMS")


class InviteeOut(Schema):
    resident_id: int
    name: str
    mobile: str = Field(description="Masked")


class InvitationSendOut(Schema):
    sent: int
    dry_run: bool
    recipients: list[InviteeOut]
    left_out_with_account: int
    left_out_without_mobile: int
    left_out_recently_invited: int


class ActivationRowOut(Schema):
    building: str
    residents: int
    invited: int
    activated: int
    with_account: int


class ActivationOut(Schema):
    as_of: dt.datetime
    buildings: list[ActivationRowOut]


@router.post(
    "/me/verify",
    response=VerifiedOut,
    summary="实名核验: bind my account to my resident record",
    description="Name and ID number matched against the register. Tries are limited per account and per client "
    "address (429); a wrong name and an unknown number get the same `no_match` answer; `already_bound` when the "
    "resident has another account (contact the community).",
)
def me_verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    resident = services.resident_verify(
        actor=request.user,
        name=payload.name,
        id_number=payload.id_number,
        address=throttle.client_address(request),
        via="api",
    )
    return {"verified": True, "community": resident.community.code, "name": resident.name}


@router.post(
    "/communities/{code}/invitations",
    response={200: InvitationSendOut, 201: InvitationSendOut},
    summary="Invite a building's (or a tag's) residents to sign up by SMS",
)
def invitation_send(request: HttpRequest, code: str, payload: InvitationIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    audience = invitation_selectors.audience_get(
        user=request.user, community=community, building_id=payload.building_id, tag=payload.tag
    )
    preview = invitation_selectors.invitation_preview(user=request.user, community=community, audience=audience)
    sent = 0
    if not payload.dry_run:
        sent = len(services.invitations_send(actor=request.user, community=community, audience=audience, via="api"))
    return Status(
        200 if payload.dry_run else 201,
        {
            "sent": sent,
            "dry_run": payload.dry_run,
            "recipients": [
                {"resident_id": r.pk, "name": r.name, "mobile": mask_mobile(r.mobile)} for r in preview.recipients
            ],
            "left_out_with_account": preview.with_account,
            "left_out_without_mobile": preview.without_mobile,
            "left_out_recently_invited": preview.recently_invited,
        },
    )


@router.get(
    "/communities/{code}/invitations",
    response=ActivationOut,
    summary="Who has activated, per building",
)
def invitation_activation(request: HttpRequest, code: str) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    rows = invitation_selectors.invitation_activation(user=request.user, community=community)
    return {"as_of": timezone.now(), "buildings": [vars(r) for r in rows]}
