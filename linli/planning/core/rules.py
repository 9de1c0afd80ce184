"""Life-circle rules as data: circles, age bands and groups, facility categories.

The rules file is TOML (or JSON with the same structure); see
``linli/planning/standards/default_rules.toml``. :func:`load_rules` validates it
and raises :class:`RulesError` naming the item (and its line in the file).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RulesError
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

    def profile(self, code: str | None) -> WalkProfile:
        """The walking profile ``code`` ("" or None: the standard one)."""
        if not code:
            return STANDARD
        for p in self.profiles:
            if p.code == code:
                return p
        raise RulesError(f"unknown walking profile {code!r} (known: {', '.join(p.code for p in self.profiles)})")

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
                        return f" (line {i})"
        return ""

    def fail(self, section: str, item: Mapping[str, Any] | None, msg: str, occurrence: int = 1) -> RulesError:
        code = item.get("code") if item is not None else None
        where = f"{section} {code!r}" if code is not None else section
        return RulesError(f"{self.name}{self.line_of(code, occurrence)}: {where}: {msg}")


def _text(ctx: _Ctx, section: str, item: Mapping[str, Any], key: str, default: str | None = None) -> str:
    val = item.get(key, default)
    if not isinstance(val, str) or (default is None and not val.strip()):
        raise ctx.fail(section, item, f"'{key}' must be a non-empty string, got {val!r}")
    return val


def _number(ctx: _Ctx, section: str, item: Mapping[str, Any], key: str) -> float:
    val = item.get(key)
    if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val):
        raise ctx.fail(section, item, f"'{key}' must be a number, got {val!r}")
    return float(val)


_SINGULAR = {
    "circles": "circle",
    "age_bands": "age band",
    "age_groups": "age group",
    "categories": "category",
    "profiles": "walking profile",
}


def _items(ctx: _Ctx, data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    label = _SINGULAR[section]
    items = data.get(section)
    if not isinstance(items, list) or not items:
        raise ctx.fail(section, None, f"the file needs a non-empty list [[{section}]]")
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, Mapping):
            raise ctx.fail(label, None, f"every entry must be a table, got {item!r}")
        code = item.get("code")
        if not isinstance(code, str) or not _CODE_RE.match(code):
            raise ctx.fail(label, item, f"'code' must be snake_case ASCII, got {code!r}")
        if code in seen:
            raise ctx.fail(label, item, "duplicate code", occurrence=2)
        seen.add(code)
    return items


def parse_rules(
    data: Mapping[str, Any], *, name: str = "rules", text: str = "", catalogue: Collection[str] | None = None
) -> Rules:
    """Validate a decoded rules document; ``catalogue``: the category codes allowed."""
    ctx = _Ctx(name, text)
    circles = []
    for it in _items(ctx, data, "circles"):
        minutes = _number(ctx, "circle", it, "minutes")
        dist = _number(ctx, "circle", it, "distance_m")
        if minutes <= 0 or dist <= 0:
            raise ctx.fail("circle", it, f"minutes and distance_m must be > 0, got {minutes:g}, {dist:g}")
        circles.append(
            LifeCircle(
                it["code"],
                _text(ctx, "circle", it, "name_zh"),
                _text(ctx, "circle", it, "name_en"),
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
            raise ctx.fail("age band", it, f"needs 0 <= min_age < max_age, got {lo:g}, {hi!r}")
        bands.append(
            AgeBand(it["code"], _text(ctx, "age band", it, "property"), int(lo), None if hi is None else int(hi))
        )
    band_codes = {b.code for b in bands}
    groups = []
    for it in _items(ctx, data, "age_groups"):
        gb = it.get("bands")
        if not isinstance(gb, list) or not gb:
            raise ctx.fail("age group", it, f"'bands' must be a non-empty list, got {gb!r}")
        for b in gb:
            if b not in band_codes:
                raise ctx.fail("age group", it, f"unknown age band {b!r} (known: {', '.join(sorted(band_codes))})")
        speed = DEFAULT_WALK_SPEED_M_S
        if "walk_speed_m_s" in it:
            speed = _number(ctx, "age group", it, "walk_speed_m_s")
            if not 0.2 <= speed <= 3.0:
                raise ctx.fail("age group", it, f"walk_speed_m_s must be between 0.2 and 3 m/s, got {speed:g}")
        groups.append(
            AgeGroup(
                it["code"],
                _text(ctx, "age group", it, "name_zh"),
                _text(ctx, "age group", it, "name_en"),
                tuple(gb),
                speed,
            )
        )
    circle_codes = {c.code for c in circles}
    group_codes = {g.code for g in groups}
    cats = []
    for it in _items(ctx, data, "categories"):
        if catalogue is not None and it["code"] not in catalogue:
            raise ctx.fail("category", it, "unknown category (not in the facility catalogue)")
        circle = it.get("circle")
        if circle not in circle_codes:
            raise ctx.fail("category", it, f"unknown circle {circle!r} (known: {', '.join(sorted(circle_codes))})")
        radius = _number(ctx, "category", it, "radius_m")
        if radius <= 0:
            raise ctx.fail("category", it, f"radius_m must be > 0, got {radius:g}")
        group = it.get("age_group")
        if group not in group_codes:
            raise ctx.fail("category", it, f"unknown age group {group!r} (known: {', '.join(sorted(group_codes))})")
        weight = _number(ctx, "category", it, "weight")
        if weight < 0:
            raise ctx.fail("category", it, f"weight must be >= 0, got {weight:g}")
        req = it.get("required")
        if not isinstance(req, bool):
            raise ctx.fail("category", it, f"'required' must be true or false, got {req!r}")
        cats.append(
            CategoryRule(
                it["code"],
                _text(ctx, "category", it, "name_zh"),
                _text(ctx, "category", it, "name_en"),
                str(circle),
                radius,
                req,
                str(group),
                weight,
                _text(ctx, "category", it, "source"),
            )
        )
    factor = data.get("required_weight_factor", 2.0)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor >= 1:
        raise ctx.fail("required_weight_factor", None, f"must be a number >= 1, got {factor!r}")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ctx.fail("version", None, f"must be an integer, got {version!r}")
    return Rules(
        version,
        str(data.get("source", "")),
        tuple(circles),
        tuple(bands),
        tuple(groups),
        tuple(cats),
        float(factor),
        (STANDARD, *_profiles(ctx, data)),
    )


def _profiles(ctx: _Ctx, data: Mapping[str, Any]) -> list[WalkProfile]:
    """The optional ``[[profiles]]``: per edge kind a factor >= 1, or false where the kind cannot be used."""
    if "profiles" not in data:
        return []
    out = []
    for it in _items(ctx, data, "profiles"):
        if it["code"] == STANDARD.code:
            raise ctx.fail("walking profile", it, f"{STANDARD.code!r} is built in (every edge as it is)")
        unknown = sorted(set(it) - {"code", "name_zh", "name_en", *EDGE_KINDS})
        if unknown:
            raise ctx.fail("walking profile", it, f"unknown key {unknown[0]!r} (known: {', '.join(EDGE_KINDS)})")
        factors = []
        for kind in EDGE_KINDS:
            val = it.get(kind, 1.0)
            if val is False:
                factors.append(math.inf)
                continue
            if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val) or val < 1:
                raise ctx.fail("walking profile", it, f"{kind!r} must be a number >= 1 or false, got {val!r}")
            factors.append(float(val))
        if factors[0] != 1.0:
            raise ctx.fail("walking profile", it, "'level' is the unit: it must be 1")
        out.append(
            WalkProfile(
                it["code"],
                _text(ctx, "walking profile", it, "name_zh"),
                _text(ctx, "walking profile", it, "name_en"),
                tuple(factors),
            )
        )
    return out


def load_rules(path: str | Path | None = None, *, catalogue: Collection[str] | None = None) -> Rules:
    """Load and validate a rules file (TOML, or JSON by extension); default rules if ``path`` is None."""
    p = DEFAULT_RULES_PATH if path is None else Path(path)
    if not p.is_file():
        raise RulesError(f"rules file {str(p)!r} does not exist")
    text = p.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{p.name} (line {exc.lineno}): invalid JSON: {exc.msg}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{p.name}: invalid TOML: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{p.name}: the rules document must be a table/object")
    return parse_rules(data, name=p.name, text=text, catalogue=catalogue)
