"""Writing the audit log. Call inside the transaction of the change it records."""

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from .models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

SECRET_FIELDS = {"password", "id_number_encrypted", "id_number_digest", "code_hash", "key_hash"}
# Fields kept coarser than stored. A birth date next to an ID number's last characters gives the number away, and
# the audit log is read by roles that may not reveal ID numbers (docs/privacy.md): the year is kept.
COARSENED_FIELDS = {"birth_date": ("birth_year", lambda value: value.year if value is not None else None)}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete fields as JSON-safe values, secrets left out, birth dates cut to the year."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        if field.name in COARSENED_FIELDS:
            key, coarsen = COARSENED_FIELDS[field.name]
            data[key] = coarsen(getattr(instance, field.attname))
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def audit_row(
    *,
    actor: "AbstractBaseUser | AnonymousUser | None",
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    community: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    via: str = "service",
) -> dict[str, Any]:
    """The column values of one audit row (for `audit_record`, or for a statement that writes it in SQL)."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        if community is None:
            community = getattr(instance, "community", None)
    return {
        "actor_id": actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        "community_id": getattr(community, "pk", community),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": _plain(before) if before is not None else None,
        "after": _plain(after) if after is not None else None,
        "via": via,
    }


def audit_record(
    *,
    actor: "AbstractBaseUser | AnonymousUser | None",
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    community: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    via: str = "service",
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    row = audit_row(
        actor=actor,
        action=action,
        instance=instance,
        object_type=object_type,
        object_id=object_id,
        community=community,
        before=before,
        after=after,
        via=via,
    )
    return AuditEntry.objects.create(**row)
