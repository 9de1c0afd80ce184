"""Open311 API keys: issued, revoked, authenticated and held to their hourly limit."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import create_audited, save_audited, snapshot
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Community

from .. import rules
from ..models import ApiClient, Report

# --- Open311 API keys ------------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_client_issue(
    *, actor: Actor, community: Community, name: str, requests_per_hour: int = 120, key: str | None = None
) -> tuple[ApiClient, str]:
    """A new API key for a city system. The key is returned once; only its hash is kept."""
    if not rules.can_configure_reports(actor, community):
        raise NotAllowed(_("Only community admins may issue API keys."))
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError(_("Name the client (at most 80 characters)."), code="invalid_name", field="name")
    if not 1 <= requests_per_hour <= 100_000:
        raise DomainError(
            _("Allow between 1 and 100,000 requests an hour."), code="invalid_limit", field="requests_per_hour"
        )
    key = key or f"o311_{secrets.token_urlsafe(24)}"
    client = create_audited(
        actor=actor,
        action="open311.key_issue",
        model=ApiClient,
        community=community,
        name=name,
        prefix=key[:8],
        key_hash=_key_hash(key),
        requests_per_hour=requests_per_hour,
        created_by=account_of(actor) if getattr(actor, "is_authenticated", False) else None,
    )
    return client, key


def api_client_revoke(*, actor: Actor, client: ApiClient, now: dt.datetime | None = None) -> ApiClient:
    if not rules.can_configure_reports(actor, client.community):
        raise NotAllowed(_("Only community admins may revoke API keys."))
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            before = snapshot(client)
            client.revoked_at = now or timezone.now()
            save_audited(
                actor=actor, action="open311.key_revoke", instance=client, before=before, update_fields=["revoked_at"]
            )
    return client


def api_client_authenticate(key: str) -> ApiClient | None:
    if not key or len(key) > 200:
        return None
    client = ApiClient.objects.select_related("community").filter(key_hash=_key_hash(key), revoked_at=None).first()
    return client


class ApiClientOverLimit(DomainError):
    code = "rate_limited"
    status = 429


def api_client_hold(client: ApiClient, *, now: dt.datetime | None = None) -> None:
    """In the transaction that creates a report: lock the key's row, then count its last hour. Parallel requests
    with one key are so counted one after the other, and none goes past the limit."""
    locked = ApiClient.objects.select_for_update().filter(pk=client.pk, revoked_at__isnull=True).first()
    if locked is None:
        raise NotAllowed(_("Invalid api_key received -- can't proceed with create_request."))
    if api_client_over_limit(locked, now=now):
        raise ApiClientOverLimit(_("Too many requests with this api_key: try again later."))


def api_client_over_limit(client: ApiClient, *, now: dt.datetime | None = None) -> bool:
    """Counted from the reports the client created in the last hour: exact across processes, no cache needed."""
    now = now or timezone.now()
    recent = Report.objects.filter(api_client=client, created_at__gt=now - dt.timedelta(hours=1)).count()
    return recent >= client.requests_per_hour


def api_client_touch(client: ApiClient, *, now: dt.datetime | None = None) -> None:
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now or timezone.now())
