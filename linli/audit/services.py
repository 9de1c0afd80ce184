"""Writing the audit log. Call inside the transaction of the change it records."""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict, TypeVar, Unpack

from django.db import IntegrityError, models, transaction

from .models import AuditEntry

ModelT = TypeVar("ModelT", bound=models.Model)

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
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    community: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    via: str = "service",
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The column values of one audit row (for `audit_record`, or for a statement that writes it in SQL). `at`:
    when the change happened, if not now (a service told the time of what it records); absent from the row when
    not given."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        if community is None:
            community = getattr(instance, "community", None)
    when = {"at": at} if at is not None else {}
    return {
        **when,
        "actor_id": actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        "community_id": getattr(community, "pk", community),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": _plain(before) if before is not None else None,
        "after": _plain(after) if after is not None else None,
        "via": via,
    }


class AuditedChange(TypedDict, total=False):
    """What an audit row is about and what changed: `audit_row`'s arguments after the actor and the action."""

    instance: models.Model | None
    object_type: str
    object_id: str
    community: Any
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    via: str
    at: dt.datetime | None


def audit_record(*, actor: Any, action: str, **change: Unpack[AuditedChange]) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEntry.objects.create(**audit_row(actor=actor, action=action, **change))


def audit_records(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]],
    via: str = "service",
    community: Any = None,
) -> list[AuditEntry]:
    """One audit row per (instance, before, after) of a batch, written in one insert.

    The community is `community` where given (rows that belong to one through another row, as a sign-up through
    its activity), else read from the instance's `community_id` where it has one: no query per row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_records must run inside the transaction of the changes it records")
    rows = [
        AuditEntry(
            **audit_row(
                actor=actor,
                action=action,
                instance=instance,
                community=community if community is not None else getattr(instance, "community_id", None),
                before=before,
                after=after,
                via=via,
            )
        )
        for instance, before, after in changes
    ]
    return AuditEntry.objects.bulk_create(rows)


def update_audited(*, actor: Any, action: str, instances: Sequence[models.Model], **fields: Any) -> None:
    """Set `fields` on every instance (all of one model), write them in one UPDATE and audit each change in one
    insert. Call inside the transaction that locked the rows."""
    if not instances:
        return
    befores = [snapshot(instance) for instance in instances]
    for instance in instances:
        for name, value in fields.items():
            setattr(instance, name, value)
    type(instances[0])._default_manager.filter(pk__in=[i.pk for i in instances]).update(**fields)
    audit_records(
        actor=actor,
        action=action,
        changes=((i, before, snapshot(i)) for i, before in zip(instances, befores, strict=True)),
    )


def save_audited(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    update_fields: Iterable[str] | None = None,
    community: Any = None,
) -> None:
    """Save `instance` (only `update_fields`, when named) and audit the change from `before` to the row as saved.
    Call inside the transaction that read `before` (and locked the row)."""
    instance.save(update_fields=update_fields)
    audit_record(
        actor=actor, action=action, instance=instance, community=community, before=before, after=snapshot(instance)
    )


def create_audited(
    *, actor: Any, action: str, model: type[ModelT], on_duplicate: Exception | None = None, **fields: Any
) -> ModelT:
    """Create one `model` row from `fields` and audit it (nothing before, the new row after), both or neither. Inside
    the caller's transaction it takes a savepoint: a caller that catches the error keeps its change, and no half-row.
    `on_duplicate` is raised in place of the database's `IntegrityError` when the row breaks a unique constraint (the
    refusal the user reads, e.g. one created by someone else between the caller's check and the insert)."""
    try:
        with transaction.atomic():
            instance = model._default_manager.create(**fields)
            audit_record(actor=actor, action=action, instance=instance, after=snapshot(instance))
    except IntegrityError:
        if on_duplicate is None:
            raise
        raise on_duplicate from None
    return instance
