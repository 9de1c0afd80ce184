"""The engine of the register import: the plan (what each row would do) and the writing, for the command line,
the page and the API (`services.register` holds their operations; the background job `register_import_execute` is
here so that `tasks` needs nothing from `services`).

- `register_plan` reads the file and the community in a handful of queries (every resident's digest, every
  building, household and tag at once) and decides each row: created, updated, unchanged or refused. It writes
  nothing: it is the dry run, and the import re-plans against the state of the moment it starts.
- A person is matched by the keyed digest of their ID number within the community. A row is "unchanged" when every
  field the file carries equals what is stored; columns the file does not have are left alone. People missing from
  a later file are not touched. Moving out (a 迁出日期, or 人员状态 = 迁出) sets `moved_out_on`; nobody is deleted.
  迁出 without a date keeps an earlier date, or takes the day of the import.
- `register_apply` writes in chunks of `CHUNK` rows, each chunk in its own transaction with its audit rows (one per
  resident, written in bulk, birth dates cut to the year as `snapshot` does), so the page can follow the progress.
  If a chunk fails the rows before it stay imported: importing the same file again finishes the job, since the rows
  already imported come out unchanged. One more audit row records the import itself: counts, file name, sha256.
- A building is found by its name, or by its number within the 小区 (32, 32幢, 32号楼, 32栋 all find "32幢").
  With `create_buildings` an unknown building (and 小区) is created at the community's centre.
- `actor` None is the command line (the operator of the server); otherwise `rules.can_edit_residents` decides.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.types import Actor
from linli.audit.services import audit_record, audit_records
from linli.core import crypto
from linli.core.errors import DomainError, NotAllowed
from linli.places.models import Building, Community, Household, Neighbourhood

from . import idnumber
from .models import RegisterImport, Resident, SensitiveTag
from .register import parse

CHUNK = 1000
ADDRESS_KEYS = ("neighbourhood", "building", "unit", "room")
# Row value key → Resident field, for the fields compared and written as they are.
PLAIN_FIELDS = {
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "mobile": "mobile",
    "relation": "relation_to_head",
    "residence": "residence",
    "hukou_address": "hukou_address",
    "note": "note",
    "is_party_member": "is_party_member",
    "is_owner": "is_owner",
    "moved_in_on": "moved_in_on",
}
BUILDING_NAME_NUMBER = re.compile(r"(\d+)\s*(幢|栋|号楼|号|座|楼)?$")

Progress = Callable[[int, int, str], None]


@dataclass
class Outcome:
    number: int
    outcome: str  # created | updated | unchanged | refused
    name: str
    id_masked: str = ""
    changes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # for the import
    resident_id: int | None = None
    target: dict[str, Any] = field(default_factory=dict)
    id_number: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.number,
            "outcome": self.outcome,
            "name": self.name,
            "id_number": self.id_masked,
            "changes": self.changes,
            "problems": [{"column": c, "reason": r} for c, r in self.problems],
        }


@dataclass
class Plan:
    community: Community
    file_name: str
    sha256: str
    outcomes: list[Outcome]
    new_neighbourhoods: set[str] = field(default_factory=set)
    new_buildings: dict[tuple[str, str], str] = field(default_factory=dict)  # (小区, text) → name to create
    new_households: set[tuple[Any, str]] = field(default_factory=set)  # (building id or new key, unit)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "refused": 0}
        for o in self.outcomes:
            counts[o.outcome] += 1
        return counts

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == "refused"]


def check_may_import(actor: "Actor | None", community: Community) -> None:
    if actor is not None and not rules.can_edit_residents(actor, community):
        raise NotAllowed(_("You may not import the register of this community."))


class _Places:
    """The community's buildings and households, looked up by what a register row says."""

    def __init__(self, community: Community, create_buildings: bool, plan: Plan) -> None:
        self.create = create_buildings
        self.plan = plan
        self.hoods = set(Neighbourhood.objects.filter(community=community).values_list("name", flat=True))
        self.by_name: dict[str, int] = {}
        self.by_number: dict[tuple[str, str], list[int]] = {}
        for pk, name, hood in Building.objects.filter(community=community).values_list(
            "pk", "name", "neighbourhood__name"
        ):
            self.by_name[name] = pk
            match = BUILDING_NAME_NUMBER.search(name)
            if match:
                number = str(int(match[1]))
                self.by_number.setdefault((hood or "", number), []).append(pk)
                self.by_number.setdefault(("*", number), []).append(pk)
        self.households = {
            (b, unit): pk
            for pk, b, unit in Household.objects.filter(community=community).values_list("pk", "building_id", "unit")
        }

    def building(self, hood: str, text: str) -> tuple[Any, str | None]:
        """(building id or ("new", 小区, text), reason if refused)."""
        if text in self.by_name:
            return self.by_name[text], None
        number = parse.building_number(text)
        if hood and hood not in self.hoods and not self.create:
            return None, _("There is no 小区 “%(hood)s” in this community.") % {"hood": hood}
        if number is not None:
            found = self.by_number.get((hood or "*", number), [])
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                return None, _("Several buildings are numbered %(n)s: fill in the 小区.") % {"n": number}
        if not self.create:
            return None, _("There is no building “%(b)s” in this community.") % {"b": text}
        name = f"{number}幢" if number is not None else text
        if hood and (name in self.by_name or any(k[1] == name for k in self.plan.new_buildings.values())):
            name = f"{hood}{name}"
        if hood and hood not in self.hoods:
            self.plan.new_neighbourhoods.add(hood)
        self.plan.new_buildings.setdefault((hood, text), name)
        return ("new", hood, text), None

    def household(self, building: Any, unit: str) -> Any:
        if (building, unit) in self.households:
            return self.households[(building, unit)]
        self.plan.new_households.add((building, unit))
        return ("new", building, unit)


def register_plan(
    *,
    actor: "Actor | None",
    community: Community,
    content: bytes,
    file_name: str,
    create_buildings: bool = False,
    today: dt.date | None = None,
) -> Plan:
    """What importing this file would do, row by row. Reads only."""
    check_may_import(actor, community)
    today = today or timezone.localdate()
    tag_rows = list(SensitiveTag.objects.values_list("code", "name_zh"))
    parsed = parse.parse_register(content, file_name, tags=parse.tag_lookup(tag_rows), today=today)
    plan = Plan(community=community, file_name=file_name, sha256=hashlib.sha256(content).hexdigest(), outcomes=[])
    carried = set(parsed.headers)
    has_address = bool(carried & set(ADDRESS_KEYS))
    has_moving = bool(carried & {"status", "moved_out_on"})
    places = _Places(community, create_buildings, plan) if has_address else None

    existing: dict[str, dict[str, Any]] = {}
    digests = {row.values["id_number"]: crypto.digest(row.values["id_number"]) for row in parsed.rows if row.ok}
    wanted = list(digests.values())
    for start in range(0, len(wanted), 5000):  # SQLite takes at most 32,766 parameters
        for values in Resident.objects.filter(
            community=community, id_number_digest__in=wanted[start : start + 5000]
        ).values("pk", "id_number_digest", "household_id", "moved_out_on", *PLAIN_FIELDS.values()):
            existing[values["id_number_digest"]] = values
    tags_of: dict[int, list[str]] = {}
    if "categories" in carried and existing:
        through = Resident.tags.through.objects.filter(resident__community=community)
        for resident_id, code in through.values_list("resident_id", "sensitivetag__code"):
            tags_of.setdefault(resident_id, []).append(code)

    for row in parsed.rows:
        values = row.values
        outcome = Outcome(number=row.number, outcome="refused", name=values.get("name", ""))
        number = values.get("id_number", "")
        if number:
            outcome.id_masked = idnumber.mask(number)
        target = {PLAIN_FIELDS[k]: v for k, v in values.items() if k in PLAIN_FIELDS}
        if "categories" in carried:
            target["tags"] = values.get("tags", [])
        if places is not None and row.ok:  # a refused row must not make a building or household either
            target["household"] = _household_target(row, places)
        old = existing.get(digests.get(number, "")) if row.ok else None
        if has_moving:
            target["moved_out_on"] = _moved_out(values, old, today)
        if not row.ok:
            outcome.problems = [(parsed.header(k), reason) for k, reason in row.problems]
            plan.outcomes.append(outcome)
            continue
        outcome.target = target
        outcome.id_number = number
        if old is None:
            outcome.outcome = "created"
        else:
            outcome.resident_id = old["pk"]
            current = {**old, "household": old["household_id"], "tags": sorted(tags_of.get(old["pk"], []))}
            outcome.changes = [k for k, v in target.items() if current.get(k) != v]
            outcome.outcome = "updated" if outcome.changes else "unchanged"
        plan.outcomes.append(outcome)
    return plan


def _household_target(row: parse.Row, places: _Places) -> Any:
    values = row.values
    building_text = values.get("building", "")
    unit = parse.household_unit(values.get("unit", ""), values.get("room", ""))
    if not building_text:
        if unit:
            row.refuse("building", _("The building is missing."))
        return None
    if not unit:
        row.refuse("room", _("The room is missing."))
        return None
    if len(unit) > 30:
        row.refuse("room", _("At most %(n)s characters.") % {"n": 30})
        return None
    building, reason = places.building(values.get("neighbourhood", ""), building_text)
    if reason:
        row.refuse("building", reason)
        return None
    return places.household(building, unit)


def _moved_out(values: dict[str, Any], old: dict[str, Any] | None, today: dt.date) -> dt.date | None:
    if values.get("moved_out_on"):
        return values["moved_out_on"]
    if values.get("moved_out"):
        return old["moved_out_on"] if old and old["moved_out_on"] else today
    return None


# --- writing ----------------------------------------------------------------------------------------------


def _create_places(plan: Plan) -> dict[Any, int]:
    """Create the planned 小区, buildings and households; the id of each "new" key."""
    community = plan.community
    ids: dict[Any, int] = {}
    if not (plan.new_neighbourhoods or plan.new_buildings or plan.new_households):
        return ids
    for name in sorted(plan.new_neighbourhoods):
        Neighbourhood.objects.get_or_create(community=community, name=name)
    hoods = dict(Neighbourhood.objects.filter(community=community).values_list("name", "pk"))
    for (hood, text), name in sorted(plan.new_buildings.items()):
        building, _created = Building.objects.get_or_create(
            community=community,
            name=name,
            defaults={"neighbourhood_id": hoods.get(hood), "lat": community.centre_lat, "lng": community.centre_lng},
        )
        ids[("new", hood, text)] = building.pk
    wanted = {(ids.get(b, b), unit) for b, unit in plan.new_households}
    have = set(Household.objects.filter(community=community).values_list("building_id", "unit"))
    Household.objects.bulk_create(
        [Household(community=community, building_id=b, unit=u) for b, u in sorted(wanted - have)]
    )
    households = {
        (b, u): pk
        for pk, b, u in Household.objects.filter(community=community).values_list("pk", "building_id", "unit")
    }
    for b, unit in plan.new_households:
        ids[("new", b, unit)] = households[(ids.get(b, b), unit)]
    return ids


def _resolve(target: dict[str, Any], ids: dict[Any, int]) -> dict[str, Any]:
    household = target.get("household")
    if isinstance(household, tuple):
        return {**target, "household": ids[household]}
    return target


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in values.items() if k != "birth_date"}
    if "birth_date" in values:
        data["birth_year"] = values["birth_date"].year if values["birth_date"] else None
    return data


def register_apply(
    *, actor: "Actor | None", plan: Plan, progress: Progress | None = None, via: str = "import"
) -> dict[str, int]:
    """Write what the plan says; returns the counts."""
    community = plan.community
    check_may_import(actor, community)
    with transaction.atomic():
        ids = _create_places(plan)
    work = [o for o in plan.outcomes if o.outcome in ("created", "updated")]
    total = len(work)
    tag_ids = dict(SensitiveTag.objects.values_list("code", "pk"))
    now = timezone.now()
    for start in range(0, total, CHUNK):
        chunk = work[start : start + CHUNK]
        with transaction.atomic():
            _write_chunk(actor, community, chunk, ids, tag_ids, now, via)
        if progress:
            progress(min(start + CHUNK, total), total, _("Writing the register…"))
    counts = plan.counts
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="resident.import_register",
            object_type="places.community",
            object_id=str(community.pk),
            community=community,
            after={**counts, "file_name": plan.file_name, "sha256": plan.sha256},
            via=via,
        )
    return counts


def _write_chunk(
    actor: "Actor | None",
    community: Community,
    chunk: list[Outcome],
    ids: dict[Any, int],
    tag_ids: dict[str, int],
    now: dt.datetime,
    via: str,
) -> None:
    through = Resident.tags.through
    creates = [o for o in chunk if o.outcome == "created"]
    updates = [o for o in chunk if o.outcome == "updated"]
    new_residents = []
    for o in creates:
        target = _resolve(o.target, ids)
        resident = Resident(
            community=community,
            id_number_encrypted=crypto.encrypt(o.id_number),
            id_number_digest=crypto.digest(o.id_number),
            id_number_masked=o.id_masked,
            **{k: v for k, v in target.items() if k not in ("tags", "household")},
        )
        resident.household_id = target.get("household")
        new_residents.append(resident)
    Resident.objects.bulk_create(new_residents)
    if creates and any(r.pk is None for r in new_residents):  # a database that does not return new ids
        pks = dict(
            Resident.objects.filter(
                community=community, id_number_digest__in=[r.id_number_digest for r in new_residents]
            ).values_list("id_number_digest", "pk")
        )
        for resident in new_residents:
            resident.pk = pks[resident.id_number_digest]
    for o, resident in zip(creates, new_residents, strict=True):
        o.resident_id = resident.pk
    created: list[tuple[Resident, None, dict[str, Any]]] = []
    updated: list[tuple[Resident, dict[str, Any], dict[str, Any]]] = []
    links = []
    for o, resident in zip(creates, new_residents, strict=True):
        target = _resolve(o.target, ids)
        links += [through(resident_id=o.resident_id, sensitivetag_id=tag_ids[c]) for c in target.get("tags", [])]
        created.append((resident, None, _audit_values({**target, "row": o.number})))
    if updates:
        olds = {
            r.pk: r for r in Resident.objects.filter(pk__in=[o.resident_id for o in updates]).prefetch_related("tags")
        }
        fields: set[str] = set()
        retag: list[int] = []
        for o in updates:
            target = _resolve(o.target, ids)
            resident = olds[o.resident_id]  # type: ignore[index]
            before = {
                k: (sorted(t.code for t in resident.tags.all()) if k == "tags" else getattr(resident, _attr(k)))
                for k in o.changes
            }
            for key in o.changes:
                if key == "tags":
                    retag.append(resident.pk)
                    links += [through(resident_id=resident.pk, sensitivetag_id=tag_ids[c]) for c in target["tags"]]
                    continue
                setattr(resident, _attr(key), target[key])
                fields.add(_attr(key))
            resident.updated_at = now
            after = {k: target[k] for k in o.changes}
            updated.append(
                (
                    resident,
                    _audit_values(before),
                    _audit_values({**after, "changed": sorted(o.changes), "row": o.number}),
                )
            )
        if fields:
            Resident.objects.bulk_update(list(olds.values()), [*sorted(fields), "updated_at"])
        if retag:
            through.objects.filter(resident_id__in=retag).delete()
    through.objects.bulk_create(links)
    audit_records(actor=actor, action="resident.create", changes=created, via=via)
    audit_records(actor=actor, action="resident.update", changes=updated, via=via)


def _attr(key: str) -> str:
    return "household_id" if key == "household" else key


def register_import_execute(*, job_id: int) -> RegisterImport:
    """The background job: re-check the file against the register as it is now, then write it."""
    job = RegisterImport.objects.select_related("community", "uploaded_by").get(pk=job_id)
    if job.status != RegisterImport.Status.QUEUED:
        return job
    RegisterImport.objects.filter(pk=job.pk).update(status=RegisterImport.Status.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int, message: str) -> None:
        RegisterImport.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        with default_storage.open(job.stored_as, "rb") as stored:
            content = stored.read()
        plan = register_plan(
            actor=job.uploaded_by,
            community=job.community,
            content=content,
            file_name=job.file_name,
            create_buildings=job.create_buildings,
        )
        RegisterImport.objects.filter(pk=job.pk).update(progress_total=plan.counts["created"] + plan.counts["updated"])
        counts = register_apply(actor=job.uploaded_by, plan=plan, progress=progress)
    except (DomainError, OSError) as exc:
        RegisterImport.objects.filter(pk=job.pk).update(
            status=RegisterImport.Status.FAILED, error=str(getattr(exc, "message", exc)), finished_at=timezone.now()
        )
    except Exception:
        RegisterImport.objects.filter(pk=job.pk).update(
            status=RegisterImport.Status.FAILED,
            error=_("The import stopped on an unexpected error; the site's log has the details."),
            finished_at=timezone.now(),
        )
        raise  # the task worker logs it
    else:
        RegisterImport.objects.filter(pk=job.pk).update(
            status=RegisterImport.Status.DONE,
            counts=counts,
            rows=[o.as_json() for o in plan.outcomes],
            finished_at=timezone.now(),
            stored_as="",
        )
        default_storage.delete(job.stored_as)  # it holds full ID numbers: gone once imported
    job.refresh_from_db()
    return job
