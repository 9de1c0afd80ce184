"""Racing writes on PostgreSQL: a project closes once, and nothing is added to it after it closed."""

from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import run_together
from linli.core.errors import Conflict
from linli.partners import services
from linli.partners.models import Contribution, Project

from .conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_six_staff_closing_at_once_close_it_once(project: Any, admin: Any) -> None:
    def close(n: int) -> None:
        services.project_close(actor=admin, project=project, outcomes=f"成效 {n}", beneficiaries=n, ends_on=TODAY)

    errors = run_together([lambda n=n: close(n) for n in range(6)])
    assert len(errors) == 5 and all(isinstance(e, Conflict) for e in errors)
    assert Project.objects.get(pk=project.pk).status == Project.Status.DONE
    assert AuditEntry.objects.filter(action="partner.project_close").count() == 1


def test_a_contribution_racing_the_close_lands_before_it_or_not_at_all(project: Any, admin: Any) -> None:
    before = Contribution.objects.filter(project=project).count()
    errors = run_together(
        [
            lambda: services.project_close(
                actor=admin, project=project, outcomes="结项", beneficiaries=10, ends_on=TODAY
            ),
            lambda: services.contribution_add(
                actor=admin, project=project, kind="goods", description="图书", quantity=20
            ),
        ]
    )
    added = Contribution.objects.filter(project=project).count() - before
    assert (errors == [] and added == 1) or (len(errors) == 1 and isinstance(errors[0], Conflict) and added == 0)
    if added:
        closed_at = AuditEntry.objects.get(action="partner.project_close").pk
        assert AuditEntry.objects.filter(action="partner.contribution").order_by("-pk").first().pk < closed_at  # type: ignore[union-attr]


def test_a_pledge_delivered_and_withdrawn_at_once_ends_one_way(project: Any, admin: Any) -> None:
    pledge = project.contributions.order_by("pk").first()
    errors = run_together(
        [
            lambda: services.contribution_deliver(actor=admin, contribution=pledge, on=TODAY),
            lambda: services.contribution_withdraw(actor=admin, contribution=pledge, reason="预算调整"),
            lambda: services.contribution_deliver(actor=admin, contribution=pledge, on=TODAY),
        ]
    )
    assert len(errors) == 2 and all(isinstance(e, Conflict) for e in errors), errors
    pledge.refresh_from_db()
    assert pledge.status in (Contribution.Status.DELIVERED, Contribution.Status.WITHDRAWN)
    assert (pledge.delivered_on is None) == (pledge.status == Contribution.Status.WITHDRAWN)
    moves = AuditEntry.objects.filter(object_id=str(pledge.pk), action__startswith="partner.contribution_")
    assert moves.exclude(action="partner.contribution").count() == 1
