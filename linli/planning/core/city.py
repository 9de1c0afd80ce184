"""A city's health check, community by community: one row per community and the city's summary.

A city is checked one community at a time (so that a long run can stop and resume without
recomputing what is done); :func:`community_row` keeps what the city table needs from one
community's result (:meth:`PlanResult.to_dict`), and :func:`city_summary` adds the rows up:

- per class and per item, the share of communities whose centre is within the item's radius
  (the survey's "coverage": 四点半学堂 in 23 % of communities) and the share of the residents
  it serves who live within the radius;
- the mean supply index over the communities that have one (the survey's city average) and how
  many communities are under the threshold (under-supplied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError, Message
from .rules import Rules


def community_row(result: Mapping[str, Any], community: str) -> dict[str, Any]:
    """What the city table keeps of one community's result (the JSON of :meth:`PlanResult.to_dict`)."""
    index = next((r for r in result.get("index", []) if r["community"] == community), None)
    if index is None:
        raise InputError(Message("the result has no supply index for community %(code)s", code=repr(community)))
    items: dict[str, dict[str, Any]] = {}
    for cov in result.get("coverage", []):
        pc = next((p for p in cov["per_community"] if p["community"] == community), None)
        if pc is None:
            continue
        items[cov["category"]] = {
            "served": pc["served_residents"],
            "covered": pc["covered_residents"],
            "within_radius": pc["within_radius"],
            "centre_distance_m": pc["centre_distance_m"],
        }
    return {
        "index": index["index"],
        "under_supplied": index.get("under_supplied"),
        "classes": dict(index.get("classes") or {}),
        "shares": dict(index.get("shares") or {}),
        "required_uncovered": list(index.get("required_uncovered") or []),
        "items": items,
        "gaps": sum(1 for g in result.get("gaps", []) if g["community"] == community),
    }


@dataclass(frozen=True)
class ItemSummary:
    category: str
    facility_class: str
    communities: int  # with a row
    communities_within_radius: int  # whose centre is within the radius
    served_residents: float
    covered_residents: float

    @property
    def community_share(self) -> float | None:
        return self.communities_within_radius / self.communities if self.communities else None

    @property
    def resident_share(self) -> float | None:
        return self.covered_residents / self.served_residents if self.served_residents > 0 else None


@dataclass(frozen=True)
class ClassSummary:
    code: str
    items: tuple[ItemSummary, ...]
    mean_share: float | None  # mean of the communities' class coverage (those where the class applies)


@dataclass(frozen=True)
class CitySummary:
    communities: int
    with_index: int
    mean_index: float | None
    under_supplied: int
    threshold: float
    classes: tuple[ClassSummary, ...]
    items: tuple[ItemSummary, ...] = field(default=())


def city_summary(rules: Rules, rows: Iterable[Mapping[str, Any]]) -> CitySummary:
    """The city's figures from its communities' rows (:func:`community_row`)."""
    rows = list(rows)
    indices = [r["index"] for r in rows if r.get("index") is not None]
    items = []
    for cat in rules.categories:
        mine = [r["items"][cat.code] for r in rows if cat.code in r.get("items", {})]
        items.append(
            ItemSummary(
                cat.code,
                cat.facility_class,
                len(mine),
                sum(1 for m in mine if m["within_radius"]),
                float(sum(m["served"] for m in mine)),
                float(sum(m["covered"] for m in mine)),
            )
        )
    classes = []
    for klass in rules.classes:
        shares = [r["classes"][klass.code] for r in rows if (r.get("classes") or {}).get(klass.code) is not None]
        classes.append(
            ClassSummary(
                klass.code,
                tuple(i for i in items if i.facility_class == klass.code),
                sum(shares) / len(shares) if shares else None,
            )
        )
    return CitySummary(
        communities=len(rows),
        with_index=len(indices),
        mean_index=sum(indices) / len(indices) if indices else None,
        under_supplied=sum(1 for i in indices if rules.under_supplied(i)),
        threshold=rules.under_supplied_below,
        classes=tuple(classes),
        items=tuple(items),
    )
