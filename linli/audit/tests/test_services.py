"""Writing the audit log for a batch (one row per changed object, in one insert, inside the change's transaction) and
for a created or changed row."""

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from linli.audit.models import AuditEntry
from linli.audit.services import audit_records, create_audited, save_audited, snapshot
from linli.conftest import make_resident
from linli.core.errors import DomainError
from linli.places.models import Neighbourhood

pytestmark = pytest.mark.django_db


def test_a_batch_writes_one_row_per_object_in_one_insert(
    users: dict[str, Any], community: Any, other_community: Any, django_assert_num_queries: Any
) -> None:
    admin = users["community_admin"]
    here = make_resident(community, name="陈阿婆", seq=1)
    there = make_resident(other_community, name="李大爷", seq=2)
    before = snapshot(here)
    here.name = "陈阿婆婆"
    with transaction.atomic(), django_assert_num_queries(1):
        written = audit_records(
            actor=admin,
            action="resident.rename",
            changes=[(here, before, snapshot(here)), (there, None, {"note": "新登记"})],
        )
    assert len(written) == 2
    rows = {row.object_id: row for row in AuditEntry.objects.filter(action="resident.rename")}
    assert set(rows) == {str(here.pk), str(there.pk)}
    first, second = rows[str(here.pk)], rows[str(there.pk)]
    assert (first.actor_id, first.community_id, first.object_type) == (admin.pk, community.pk, "people.resident")
    assert first.before is not None and first.before["name"] == "陈阿婆"
    assert first.after is not None and first.after["name"] == "陈阿婆婆"
    assert "id_number_encrypted" not in first.after
    assert (second.community_id, second.before, second.after) == (other_community.pk, None, {"note": "新登记"})
    assert {first.via, second.via} == {"service"}


def test_an_empty_batch_writes_nothing(users: dict[str, Any]) -> None:
    with transaction.atomic():
        assert audit_records(actor=users["community_admin"], action="resident.rename", changes=[]) == []
    assert not AuditEntry.objects.filter(action="resident.rename").exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused(users: dict[str, Any], resident: Any) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_records(actor=users["community_admin"], action="resident.rename", changes=[(resident, None, {})])


def test_a_created_row_is_audited_with_its_fields_after(users: dict[str, Any], community: Any) -> None:
    admin = users["community_admin"]
    hood = create_audited(
        actor=admin, action="neighbourhood.create", model=Neighbourhood, community=community, name="东区"
    )
    assert Neighbourhood.objects.get(pk=hood.pk).name == "东区"
    row = AuditEntry.objects.get(action="neighbourhood.create")
    assert (row.actor_id, row.community_id, row.object_id, row.before) == (admin.pk, community.pk, str(hood.pk), None)
    assert row.after == snapshot(hood)


def test_a_created_row_goes_when_the_callers_change_fails(users: dict[str, Any], community: Any) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        create_audited(
            actor=users["community_admin"],
            action="neighbourhood.create",
            model=Neighbourhood,
            community=community,
            name="西区",
        )
        raise ValueError("the rest of the change failed")
    assert not Neighbourhood.objects.filter(community=community, name="西区").exists()
    assert not AuditEntry.objects.filter(action="neighbourhood.create").exists()


def test_a_create_whose_audit_fails_leaves_no_row_and_the_callers_change_goes_on(
    users: dict[str, Any], community: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_row: Any) -> None:
        raise DatabaseError("the audit row could not be written")

    with transaction.atomic():
        kept = Neighbourhood.objects.create(community=community, name="北区")
        with monkeypatch.context() as patched:
            patched.setattr(AuditEntry.objects, "create", refuse)
            with pytest.raises(DatabaseError):
                create_audited(
                    actor=users["community_admin"],
                    action="neighbourhood.create",
                    model=Neighbourhood,
                    community=community,
                    name="西区",
                )
        assert not Neighbourhood.objects.filter(community=community, name="西区").exists()
    assert Neighbourhood.objects.filter(pk=kept.pk).exists()


def test_a_saved_change_is_audited_from_before_to_the_row_as_saved(users: dict[str, Any], community: Any) -> None:
    hood = Neighbourhood.objects.create(community=community, name="南区")
    before = snapshot(hood)
    hood.name, hood.boundary = "南区一片", {"type": "Polygon", "coordinates": []}
    with transaction.atomic():
        save_audited(
            actor=users["community_admin"],
            action="neighbourhood.update",
            instance=hood,
            before=before,
            update_fields=["name"],
        )
    saved = Neighbourhood.objects.get(pk=hood.pk)
    assert (saved.name, saved.boundary) == ("南区一片", None)  # only the fields named are written
    row = AuditEntry.objects.get(action="neighbourhood.update")
    assert row.before is not None and row.before["name"] == "南区"
    assert row.after is not None and row.after["name"] == "南区一片"
    assert row.community_id == community.pk


def test_a_duplicate_create_raises_the_callers_refusal_and_its_transaction_goes_on(
    users: dict[str, Any], community: Any
) -> None:
    admin = users["community_admin"]
    refusal = DomainError("这个小区名已经有了。", field="name", code="duplicate")
    with transaction.atomic():
        kept = create_audited(
            actor=admin, action="neighbourhood.create", model=Neighbourhood, community=community, name="东区"
        )
        with pytest.raises(DomainError) as raised:
            create_audited(
                actor=admin,
                action="neighbourhood.create",
                model=Neighbourhood,
                on_duplicate=refusal,
                community=community,
                name="东区",
            )
        assert raised.value is refusal and raised.value.__cause__ is None
        assert Neighbourhood.objects.filter(community=community, name="东区").count() == 1
    assert list(AuditEntry.objects.filter(action="neighbourhood.create").values_list("object_id", flat=True)) == [
        str(kept.pk)
    ]


def test_a_duplicate_create_without_a_refusal_raises_the_databases_error(users: dict[str, Any], community: Any) -> None:
    Neighbourhood.objects.create(community=community, name="南区")
    with pytest.raises(IntegrityError):
        create_audited(
            actor=users["community_admin"],
            action="neighbourhood.create",
            model=Neighbourhood,
            community=community,
            name="南区",
        )
