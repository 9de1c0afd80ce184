from typing import Any

from linli.audit.models import AuditEntry
from linli.partners.models import Contribution, Pairing, Partner, Project


def state() -> dict[str, Any]:
    """Everything the partner services may write, to assert that a refusal changed nothing."""
    return {
        "partners": list(Partner.objects.order_by("pk").values()),
        "members": sorted(Partner.members.through.objects.values_list("partner_id", "user_id")),
        "pairings": list(Pairing.objects.order_by("pk").values()),
        "projects": list(Project.objects.order_by("pk").values()),
        "co_partners": sorted(Project.co_partners.through.objects.values_list("project_id", "partner_id")),
        "contributions": list(Contribution.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }
