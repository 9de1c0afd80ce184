"""Life-circle rules as data: circles, age bands and groups, facility categories.

The rules file is TOML (or JSON with the same structure); see
``linli/planning/standards/default_rules.toml``. :func:`load_rules` validates it
and raises :class:`RulesError` naming the item (and its line in the file).
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from .errors import Message, RulesError
from .network import EDGE_KINDS
from .profiles import STANDARD, WalkProfile

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent / "standards" / "default_rules.toml"


@dataclass(frozen=True)
class LifeCircle:
    code: str
    name_zh: str
    name_en: str
    minutes: int
    distance_m: float
    source: str


@dataclass(frozen=True)
class AgeBand:
    """Residents aged ``min_age`` <= age < ``max_age`` (None: no upper bound)."""

    code: str
    property: str  # building property holding the head count of this band
    min_age: int
    max_age: int | None


# Walking speed of a group without its own ``walk_speed_m_s``: 1.2 m/s, the design speed for adult
# pedestrians (Knoblauch, Pietrucha & Nitzburg 1996, Transportation Research Record 1538: 1.22 m/s;
# mean comfortable speeds of adults 1.3-1.4 m/s in Bohannon 1997, Age and Ageing 26:15-19).
DEFAULT_WALK_SPEED_M_S = 1.2

# A supply index under 70 (of 100) marks a community as under-supplied: the line the Ningbo survey of community
# public-service facilities draws (the city averaged 74.31; outer counties scored below 70).
DEFAULT_UNDER_SUPPLIED_BELOW = 70.0


@dataclass(frozen=True)
class AgeGroup:
    code: str
    name_zh: str
    name_en: str
    bands: tuple[str, ...]
    walk_speed_m_s: float = DEFAULT_WALK_SPEED_M_S

    def minutes(self, metres: float) -> float:
        """Minutes this group needs to walk ``metres`` (of level walking)."""
        return metres / self.walk_speed_m_s / 60.0


@dataclass(frozen=True)
class FacilityClass:
    """A class of facility categories (the Ningbo survey grades its 20 items in 7 such classes)."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class CategoryRule:
    code: str
    name_zh: str
    name_en: str
    circle: str
    radius_m: float
    required: bool
    age_group: str
    weight: float
    source: str
    facility_class: str = ""  # code of its class ("" when the rules have no classes)


@dataclass(frozen=True)
class Composite:
    """A facility that provides several categories at one site (a 民生坊: day care, canteen, clinic, ...).

    Siting one chooses sites covering the most residents-in-need summed over its member categories, each with its
    own radius and age group.
    """

    code: str
    name_zh: str
    name_en: str
    categories: tuple[str, ...]  # codes of the member categories, in the rules' order as written


@dataclass(frozen=True)
class Rules:
    version: int
    source: str
    circles: tuple[LifeCircle, ...]
    age_bands: tuple[AgeBand, ...]
    age_groups: tuple[AgeGroup, ...]
    categories: tuple[CategoryRule, ...]
    required_weight_factor: float  # weight multiplier of required categories in the index
    profiles: tuple[WalkProfile, ...] = (STANDARD,)  # the built-in STANDARD first, then the file's
    classes: tuple[FacilityClass, ...] = ()  # classes of categories (optional)
    under_supplied_below: float = DEFAULT_UNDER_SUPPLIED_BELOW  # a supply index under this: under-supplied
    composites: tuple[Composite, ...] = ()  # facilities providing several categories at once (optional)

    def categories_of(self, class_code: str) -> tuple[CategoryRule, ...]:
        return tuple(c for c in self.categories if c.facility_class == class_code)

    def under_supplied(self, index: float | None) -> bool | None:
        """Whether a supply index is under the threshold (None when there is no index)."""
        return None if index is None else index < self.under_supplied_below

    def profile(self, code: str | None) -> WalkProfile:
        """The walking profile ``code`` ("" or None: the standard one)."""
        if not code:
            return STANDARD
        for p in self.profiles:
            if p.code == code:
                return p
        raise RulesError(
            Message(
                "unknown walking profile '%(code)s' (known: %(known)s)",
                code=code,
                known=", ".join(p.code for p in self.profiles),
            )
        )

    def category(self, code: str) -> CategoryRule:
        for c in self.categories:
            if c.code == code:
                return c
        raise RulesError(f"unknown category {code!r} (known: {', '.join(c.code for c in self.categories)})")

    def group(self, code: str) -> AgeGroup:
        for g in self.age_groups:
            if g.code == code:
                return g
        raise RulesError(f"unknown age group {code!r}")

    def band_index(self, group: str) -> list[int]:
        """Column indices (in ``age_bands`` order) of the bands of an age group."""
        codes = [b.code for b in self.age_bands]
        return [codes.index(b) for b in self.group(group).bands]

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    @property
    def composite_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.composites)

    @property
    def siting_codes(self) -> tuple[str, ...]:
        """What a site can be chosen for: the categories, then the composites."""
        return self.category_codes + self.composite_codes

    def composite(self, code: str) -> Composite | None:
        """The composite with this code, or None when ``code`` is not one."""
        for c in self.composites:
            if c.code == code:
                return c
        return None

    def members(self, code: str) -> tuple[CategoryRule, ...]:
        """The categories a site for ``code`` provides: the composite's members, or the category itself."""
        comp = self.composite(code)
        if comp is None:
            return (self.category(code),)
        return tuple(self.category(c) for c in comp.categories)


_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Ctx:
    """Locates items in the source text for error messages."""

    def __init__(self, name: str, text: str) -> None:
        self.name, self.lines = name, text.splitlines()

    def line_of(self, code: object, occurrence: int = 1) -> str:
        if isinstance(code, str):
            pat = re.compile(r"""["']?code["']?\s*[=:]\s*["']""" + re.escape(code) + r"""["']""")
            seen = 0
            for i, line in enumerate(self.lines, 1):
                if pat.search(line):
                    seen += 1
                    if seen == occurrence:
                        return Message(" (line %(line)s)", line=i)
        return ""

    def line_of_key(self, key: str) -> str:
        pat = re.compile(r"""^\s*["']?""" + re.escape(key) + r"""["']?\s*[=:]""")
        for i, line in enumerate(self.lines, 1):
            if pat.search(line):
                return Message(" (line %(line)s)", line=i)
        return ""

    def fail(self, section: str, item: Mapping[str, Any] | None, msg: str, occurrence: int = 1) -> RulesError:
        code = item.get("code") if item is not None else None
        where: str = Message(_SECTION_LABEL.get(section, section))
        if code is not None:
            where = Message("%(section)s %(code)s", section=where, code=repr(code))
        return RulesError(
            Message("%(file)s%(line)s: %(where)s: %(problem)s", file=self.name, line=self.line_of(code, occurrence),
                    where=where, problem=msg)
        )  # fmt: skip


def _text(ctx: _Ctx, section: str, item: Mapping[str, Any], key: str, default: str | None = None) -> str:
    val = item.get(key, default)
    if not isinstance(val, str) or (default is None and not val.strip()):
        raise ctx.fail(
            section, item, Message("'%(key)s' must be a non-empty string, got %(value)s", key=key, value=repr(val))
        )
    return val


def _named(ctx: _Ctx, section: str, item: Mapping[str, Any]) -> tuple[str, str, str]:
    """An entry's code and its two names, Chinese and English (both required): how every named entry begins."""
    return item["code"], _text(ctx, section, item, "name_zh"), _text(ctx, section, item, "name_en")


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a float (TOML's and JSON's true and false are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(
    ctx: _Ctx, section: str, item: Mapping[str, Any], key: str, low: float | None = None, high: float | None = None
) -> float:
    """A number, within ``[low, high]`` when given (so that a radius of 0.3 m or 300 km is refused)."""
    val = item.get(key)
    if not is_number(val) or not math.isfinite(val):
        raise ctx.fail(section, item, Message("'%(key)s' must be a number, got %(value)s", key=key, value=repr(val)))
    if low is not None and high is not None and not low <= val <= high:
        raise ctx.fail(
            section,
            item,
            Message(
                "'%(key)s' must be between %(low)s and %(high)s, got %(value)s",
                key=key, low=f"{low:g}", high=f"{high:g}", value=f"{val:g}",
            ),
        )  # fmt: skip
    return float(val)


# Sensible ranges: a life circle is walked in minutes, over tens to thousands of metres.
RADIUS_RANGE_M = (50.0, 5000.0)
MINUTES_RANGE = (1.0, 60.0)

_SINGULAR = {
    "circles": "circle",
    "age_bands": "age band",
    "age_groups": "age group",
    "categories": "category",
    "profiles": "walking profile",
    "classes": "class",
    "composites": "composite",
}
_SECTION_LABEL = {
    "circle": "circle", "age band": "age band", "age group": "age group", "category": "category",
    "walking profile": "walking profile", "class": "class", "composite": "composite",
}  # fmt: skip

#: Keys a rules document may hold at its top level, and in each entry of its lists. Anything else is an error that
#: names the key and the nearest valid one, so that a misspelt key is never silently ignored.
TOP_LEVEL_KEYS: set[str] = {
    "version", "source", "required_weight_factor", "under_supplied_below", "circles", "age_bands", "age_groups",
    "classes", "categories", "profiles", "composites",
}  # fmt: skip
ITEM_KEYS: dict[str, set[str]] = {
    "circles": {"code", "name_zh", "name_en", "minutes", "distance_m", "source"},
    "age_bands": {"code", "property", "min_age", "max_age"},
    "age_groups": {"code", "name_zh", "name_en", "bands", "walk_speed_m_s"},
    "categories": {
        "code", "name_zh", "name_en", "circle", "radius_m", "required", "age_group", "weight", "source", "class",
    },
    "classes": {"code", "name_zh", "name_en"},
    "composites": {"code", "name_zh", "name_en", "categories"},
    "profiles": {"code", "name_zh", "name_en", *EDGE_KINDS},
}  # fmt: skip


def nearest_name(name: str, valid: Collection[str]) -> str | None:
    """The valid name closest to ``name`` (difflib), or None when nothing is close."""
    found = difflib.get_close_matches(name, sorted(valid), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key_message(key: str, valid: Collection[str]) -> Message:
    near = nearest_name(key, valid)
    if near is not None:
        return Message("unknown key '%(key)s' (did you mean '%(near)s'?)", key=key, near=near)
    return Message("unknown key '%(key)s' (valid keys: %(valid)s)", key=key, valid=", ".join(sorted(valid)))


def _check_top_level(ctx: _Ctx, data: Mapping[str, Any]) -> None:
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise RulesError(
                Message("%(file)s%(line)s: %(problem)s", file=ctx.name, line=ctx.line_of_key(str(key)),
                        problem=unknown_key_message(str(key), TOP_LEVEL_KEYS))
            )  # fmt: skip


def _items(ctx: _Ctx, data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    label = _SINGULAR[section]
    items = data.get(section)
    if not isinstance(items, list) or not items:
        raise ctx.fail(section, None, Message("the file needs a non-empty list [[%(section)s]]", section=section))
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, Mapping):
            raise ctx.fail(label, None, Message("every entry must be a table, got %(value)s", value=repr(item)))
        code = item.get("code")
        if not isinstance(code, str) or not _CODE_RE.match(code):
            raise ctx.fail(label, item, Message("'code' must be snake_case ASCII, got %(value)s", value=repr(code)))
        if code in seen:
            raise ctx.fail(label, item, Message("duplicate code"), occurrence=2)
        seen.add(code)
        for key in item:
            if key not in ITEM_KEYS[section]:
                raise ctx.fail(label, item, unknown_key_message(str(key), ITEM_KEYS[section]))
    return items


def _unknown(template: str, value: object, known: Collection[str]) -> Message:
    """ "unknown X 'v'", with the nearest known code or the list of known codes."""
    near = nearest_name(value, known) if isinstance(value, str) else None
    if near is not None:
        return Message(template + " (did you mean '%(near)s'?)", value=repr(value), near=near)
    return Message(template + " (known: %(known)s)", value=repr(value), known=", ".join(sorted(known)))


def parse_rules(
    data: Mapping[str, Any], *, name: str = "rules", text: str = "", catalogue: Collection[str] | None = None
) -> Rules:
    """Validate a decoded rules document; ``catalogue``: the category codes allowed."""
    ctx = _Ctx(name, text)
    _check_top_level(ctx, data)
    circles = []
    for it in _items(ctx, data, "circles"):
        minutes = _number(ctx, "circle", it, "minutes", *MINUTES_RANGE)
        dist = _number(ctx, "circle", it, "distance_m", *RADIUS_RANGE_M)
        circles.append(
            LifeCircle(
                *_named(ctx, "circle", it),
                int(minutes),
                dist,
                _text(ctx, "circle", it, "source", ""),
            )
        )
    bands = []
    for it in _items(ctx, data, "age_bands"):
        lo = _number(ctx, "age band", it, "min_age")
        hi = it.get("max_age")
        if hi is not None:
            hi = _number(ctx, "age band", it, "max_age")
        if lo < 0 or (hi is not None and hi <= lo):
            raise ctx.fail(
                "age band", it, Message("needs 0 <= min_age < max_age, got %(low)s, %(high)s", low=f"{lo:g}",
                                        high=repr(hi))
            )  # fmt: skip
        bands.append(
            AgeBand(it["code"], _text(ctx, "age band", it, "property"), int(lo), None if hi is None else int(hi))
        )
    band_codes = {b.code for b in bands}
    groups = []
    for it in _items(ctx, data, "age_groups"):
        gb = it.get("bands")
        if not isinstance(gb, list) or not gb:
            raise ctx.fail("age group", it, Message("'bands' must be a non-empty list, got %(value)s", value=repr(gb)))
        for b in gb:
            if b not in band_codes:
                raise ctx.fail("age group", it, _unknown("unknown age band %(value)s", b, band_codes))
        speed = DEFAULT_WALK_SPEED_M_S
        if "walk_speed_m_s" in it:
            speed = _number(ctx, "age group", it, "walk_speed_m_s")
            if not 0.2 <= speed <= 3.0:
                raise ctx.fail(
                    "age group",
                    it,
                    Message("walk_speed_m_s must be between 0.2 and 3 m/s, got %(value)s", value=f"{speed:g}"),
                )
        groups.append(
            AgeGroup(
                *_named(ctx, "age group", it),
                tuple(gb),
                speed,
            )
        )
    circle_codes = {c.code for c in circles}
    group_codes = {g.code for g in groups}
    classes = _classes(ctx, data)
    class_codes = {c.code for c in classes}
    cats = []
    for it in _items(ctx, data, "categories"):
        if catalogue is not None and it["code"] not in catalogue:
            raise ctx.fail("category", it, Message("unknown category (not in the facility catalogue)"))
        circle = it.get("circle")
        if circle not in circle_codes:
            raise ctx.fail("category", it, _unknown("unknown circle %(value)s", circle, circle_codes))
        radius = _number(ctx, "category", it, "radius_m", *RADIUS_RANGE_M)
        group = it.get("age_group")
        if group not in group_codes:
            raise ctx.fail("category", it, _unknown("unknown age group %(value)s", group, group_codes))
        weight = _number(ctx, "category", it, "weight")
        if weight < 0:
            raise ctx.fail("category", it, Message("weight must be >= 0, got %(value)s", value=f"{weight:g}"))
        req = it.get("required")
        if not isinstance(req, bool):
            raise ctx.fail("category", it, Message("'required' must be true or false, got %(value)s", value=repr(req)))
        klass = it.get("class", "")
        # a category of weight 0 is reported for its coverage only, outside the index: it may stand outside the classes
        if classes and klass not in class_codes and not (weight == 0 and "class" not in it):
            if "class" not in it:
                raise ctx.fail("category", it, Message("'class' is missing: the rules grade categories in [[classes]]"))
            raise ctx.fail("category", it, _unknown("unknown class %(value)s", klass, class_codes))
        if not classes and "class" in it:
            raise ctx.fail("category", it, Message("'class' needs a list [[classes]] in the rules"))
        cats.append(
            CategoryRule(
                *_named(ctx, "category", it),
                str(circle),
                radius,
                req,
                str(group),
                weight,
                _text(ctx, "category", it, "source"),
                str(klass),
            )
        )
    empty = [c.code for c in classes if not any(cat.facility_class == c.code for cat in cats)]
    if empty:
        raise ctx.fail("class", {"code": empty[0]}, Message("no category of the rules is in this class"))
    factor = data.get("required_weight_factor", 2.0)
    if not is_number(factor) or not factor >= 1:
        raise ctx.fail(
            "required_weight_factor", None, Message("must be a number >= 1, got %(value)s", value=repr(factor))
        )
    threshold = data.get("under_supplied_below", DEFAULT_UNDER_SUPPLIED_BELOW)
    if not is_number(threshold) or not 0 < threshold <= 100:
        raise ctx.fail(
            "under_supplied_below", None, Message("must be a number above 0 and at most 100, got %(value)s",
                                                  value=repr(threshold))
        )  # fmt: skip
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ctx.fail("version", None, Message("must be an integer, got %(value)s", value=repr(version)))
    return Rules(
        version,
        str(data.get("source", "")),
        tuple(circles),
        tuple(bands),
        tuple(groups),
        tuple(cats),
        float(factor),
        (STANDARD, *_profiles(ctx, data)),
        tuple(classes),
        float(threshold),
        tuple(_composites(ctx, data, cats)),
    )


def _composites(ctx: _Ctx, data: Mapping[str, Any], cats: list[CategoryRule]) -> list[Composite]:
    """The optional ``[[composites]]``: each lists two or more categories of the rules, none twice."""
    if "composites" not in data:
        return []
    known = {c.code for c in cats}
    out = []
    for it in _items(ctx, data, "composites"):
        if it["code"] in known:
            raise ctx.fail("composite", it, Message("the code is already a category's: a composite needs its own"))
        members = it.get("categories")
        if not isinstance(members, list) or not members:
            raise ctx.fail(
                "composite", it, Message("'categories' must be a non-empty list, got %(value)s", value=repr(members))
            )
        for m in members:
            if m not in known:
                raise ctx.fail("composite", it, _unknown("unknown category %(value)s", m, known))
        if len(set(members)) != len(members):
            raise ctx.fail("composite", it, Message("a category is listed twice"))
        if len(members) < 2:
            raise ctx.fail("composite", it, Message("a composite provides at least two categories"))
        out.append(
            Composite(
                *_named(ctx, "composite", it),
                tuple(str(m) for m in members),
            )
        )
    return out


def _classes(ctx: _Ctx, data: Mapping[str, Any]) -> list[FacilityClass]:
    """The optional ``[[classes]]``: when given, every category names its ``class``."""
    if "classes" not in data:
        return []
    return [FacilityClass(*_named(ctx, "class", it)) for it in _items(ctx, data, "classes")]


def _profiles(ctx: _Ctx, data: Mapping[str, Any]) -> list[WalkProfile]:
    """The optional ``[[profiles]]``: per edge kind a factor >= 1, or false where the kind cannot be used."""
    if "profiles" not in data:
        return []
    out = []
    for it in _items(ctx, data, "profiles"):
        if it["code"] == STANDARD.code:
            raise ctx.fail(
                "walking profile", it, Message("'%(code)s' is built in (every edge as it is)", code=STANDARD.code)
            )
        factors = []
        for kind in EDGE_KINDS:
            val = it.get(kind, 1.0)
            if val is False:
                factors.append(math.inf)
                continue
            if not is_number(val) or not math.isfinite(val) or val < 1:
                raise ctx.fail(
                    "walking profile",
                    it,
                    Message("'%(kind)s' must be a number >= 1 or false, got %(value)s", kind=kind, value=repr(val)),
                )
            factors.append(float(val))
        if factors[0] != 1.0:
            raise ctx.fail("walking profile", it, Message("'level' is the unit: it must be 1"))
        out.append(
            WalkProfile(
                *_named(ctx, "walking profile", it),
                tuple(factors),
            )
        )
    return out


def load_rules(path: str | Path | None = None, *, catalogue: Collection[str] | None = None) -> Rules:
    """Load and validate a rules file (TOML, or JSON by extension); default rules if ``path`` is None."""
    p = DEFAULT_RULES_PATH if path is None else Path(path)
    if not p.is_file():
        raise RulesError(Message("rules file %(path)s does not exist", path=repr(str(p))))
    try:
        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(
            Message("%(file)s (line %(line)s): invalid JSON: %(detail)s", file=p.name, line=exc.lineno, detail=exc.msg)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(Message("%(file)s: invalid TOML: %(detail)s", file=p.name, detail=str(exc))) from exc
    except UnicodeDecodeError as exc:
        raise RulesError(Message("%(file)s: not UTF-8 text", file=p.name)) from exc
    if not isinstance(data, dict):
        raise RulesError(Message("%(file)s: the rules document must be a table/object", file=p.name))
    return parse_rules(data, name=p.name, text=text, catalogue=catalogue)
