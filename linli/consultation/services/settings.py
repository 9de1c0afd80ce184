"""The community's consultation settings: how many supports a resident has, and the agenda threshold."""

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.audit.services import save_audited, snapshot
from linli.core.errors import DomainError
from linli.places.models import Community

from .. import rules
from ..models import AGENDA_THRESHOLD_MAX, ConsultationSettings
from .common import _require


def settings_update(
    *,
    actor: Actor,
    community: Community,
    supports_per_resident: int,
    agenda_threshold: int,
    one_support_per_household: bool,
) -> ConsultationSettings:
    _require(
        rules.can_configure_consultation(actor, community), _("Only the community admin may change these settings.")
    )
    if not 1 <= supports_per_resident <= 100:
        raise DomainError(_("Supports per resident must be between 1 and 100."), field="supports_per_resident")
    if not 1 <= agenda_threshold <= AGENDA_THRESHOLD_MAX:
        raise DomainError(
            _("The threshold must be between 1 and %(max)s.") % {"max": AGENDA_THRESHOLD_MAX}, field="agenda_threshold"
        )
    with transaction.atomic():
        row, _created = ConsultationSettings.objects.select_for_update().get_or_create(community=community)
        before = snapshot(row)
        row.supports_per_resident = supports_per_resident
        row.agenda_threshold = agenda_threshold
        row.one_support_per_household = one_support_per_household
        save_audited(
            actor=actor,
            action="consultation.settings_update",
            instance=row,
            before=before,
            update_fields=["supports_per_resident", "agenda_threshold", "one_support_per_household", "updated_at"],
        )
    return row
