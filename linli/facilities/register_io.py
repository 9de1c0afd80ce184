"""The register in and out: an Excel template with Chinese headers, and GeoJSON.

An import checks every row first and reports each problem by row and column; only a file without a single
problem is saved, in one transaction, so nothing is ever half-imported. Rows are matched to facilities by code:
a known code updates, a new one adds.
"""

import io
import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotAllowed
from linli.core.exports import append_row, unquote_cell
from linli.core.parsing import JSONRefused, json_loads_strict
from linli.places.models import Building, Community

from . import rules, services
from .models import Facility, FacilityCategory

SCENARIO_ZH = {
    "neighbourhood": "邻里",
    "education": "教育",
    "health": "健康",
    "enterprise": "创业",
    "architecture": "建筑",
    "transport": "交通",
    "low_carbon": "低碳",
    "services": "服务",
    "governance": "治理",
}
NATURE_ZH = {"earning": "经营性", "affordable": "普惠性", "free": "公益性"}
TIER_ZH = {"hub": "枢纽", "centre": "中心", "micro": "微站"}
YES = {"是", "yes", "y", "true", "1", "✓"}
NO = {"否", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    required: bool = False
    help: str = ""


COLUMNS = [
    Column("code", "编号", True, "字母数字，社区内唯一"),
    Column("name", "名称", True),
    Column("category", "类别", True, "类别编号或中文名，见“类别”表"),
    Column("scenario", "场景", False, "邻里/教育/健康/创业/建筑/交通/低碳/服务/治理；空则取类别默认"),
    Column("nature", "性质", True, "经营性/普惠性/公益性"),
    Column("tier", "层级", False, "枢纽/中心/微站"),
    Column("operator", "运营方"),
    Column("building", "所在楼栋", False, "本社区楼栋名称"),
    Column("floor", "楼层"),
    Column("lng", "经度", False, "空则取楼栋位置"),
    Column("lat", "纬度", False, "空则取楼栋位置"),
    Column("floor_area_m2", "建筑面积(㎡)"),
    Column("opening_hours", "开放时间"),
    Column("capacity", "容量(人)"),
    Column("phone", "电话"),
    Column("shared", "两社共享", False, "是/否"),
    Column("shared_with", "共享社区编号", False, "多个用逗号分隔"),
    Column("active", "在用", False, "是/否，空为是"),
    Column("description", "说明"),
]
BY_ZH = {c.zh: c for c in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int | str
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class RegisterImportError(DomainError):
    code = "import_failed"

    def __init__(self, errors: list[RowError]) -> None:
        message = _("Nothing was imported: %(n)s problem(s). %(first)s") % {"n": len(errors), "first": errors[0]}
        super().__init__(message, details={"errors": [e.__dict__ for e in errors]})
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    updated: int


# --- export ---------------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _row(f: Facility) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "category": f.category.name_zh,  # the import takes the Chinese name as well as the code
        "scenario": SCENARIO_ZH.get(f.scenario, f.scenario),
        "nature": NATURE_ZH.get(f.nature, f.nature),
        "tier": TIER_ZH.get(f.tier, ""),
        "operator": f.operator,
        "building": f.building.name if f.building else "",
        "floor": f.floor,
        "lng": f.lng,
        "lat": f.lat,
        "floor_area_m2": f.floor_area_m2,
        "opening_hours": f.opening_hours,
        "capacity": f.capacity,
        "phone": f.phone,
        "shared": _yes(f.shared),
        "shared_with": ",".join(c.code for c in f.shared_with.all()),
        "active": _yes(f.active),
        "description": f.description,
    }


def register_xlsx(*, community: Community, facilities: Any = None) -> bytes:
    """The register (or, with no facilities, the empty template), with a sheet explaining the columns and codes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "设施台账"
    append_row(ws, [c.zh for c in COLUMNS])
    for cell, column in zip(ws[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FDE2D8")
    ws.freeze_panes = "A2"
    for f in facilities if facilities is not None else []:
        row = _row(f)
        append_row(ws, [row[c.key] for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, index).column_letter].width = max(10, len(column.zh) * 2 + 4)
    notes = wb.create_sheet("填表说明")
    append_row(notes, ["列", "必填", "说明"])
    for c in COLUMNS:
        append_row(notes, [c.zh, "是" if c.required else "", c.help])
    cats = wb.create_sheet("类别")
    append_row(cats, ["类别", "默认场景", "GB 50180-2018"])  # names people read; the API and GeoJSON carry the codes
    for cat in FacilityCategory.objects.all():
        append_row(cats, [cat.name_zh, SCENARIO_ZH[cat.default_scenario], _yes(cat.in_standard)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register_geojson(*, facilities: Any) -> dict[str, Any]:
    features = []
    for f in facilities:
        props = {
            **_row(f),
            "category": f.category.code,  # a machine's file: codes, with both names below
            "scenario": f.scenario,
            "nature": f.nature,
            "tier": f.tier,
            "shared": f.shared,
            "active": f.active,
            "shared_with": [c.code for c in f.shared_with.all()],
            "community": f.community.code,
            "category_name_zh": f.category.name_zh,
            "category_name_en": f.category.name_en,
        }
        features.append(
            {
                "type": "Feature",
                "id": f.pk,
                "geometry": {"type": "Point", "coordinates": [f.lng, f.lat]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- import ---------------------------------------------------------------------------------------------


class _Bad(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(unquote_cell(value)).strip()


def _number(value: Any, *, integer: bool) -> Any:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _Bad(_("Enter a number.")) from None
    if not math.isfinite(number):
        raise _Bad(_("Enter a number."))
    if number < 0:
        raise _Bad(_("A number here cannot be negative."))
    if integer:
        if not number.is_integer():
            raise _Bad(_("Enter a whole number."))
        return int(number)
    return number


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Bad(_("Enter 是 or 否."))


def _choice(value: Any, zh: dict[str, str], message: str) -> str:
    text = _text(value)
    if text in zh:
        return text
    for code, label in zh.items():
        if text == label:
            return code
    raise _Bad(message)


def _parse(raw: dict[str, Any], ctx: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row's values → service arguments, and the (column key, message) problems found."""
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    def take(key: str, parse: Any) -> None:
        try:
            data[key] = parse(raw.get(key))
        except _Bad as exc:
            problems.append((key, str(exc)))

    for column in COLUMNS:
        if column.required and not _text(raw.get(column.key)):
            problems.append((column.key, _("This field is required.")))
    for key in ("code", "name", "operator", "floor", "opening_hours", "phone", "description"):
        data[key] = _text(raw.get(key))

    def category(value: Any) -> FacilityCategory:
        text = _text(value)
        found = ctx["categories"].get(text) or ctx["categories_zh"].get(text)
        if found is None:
            raise _Bad(_("Unknown category “%(v)s”: use a code or Chinese name from the 类别 sheet.") % {"v": text})
        return found

    def building(value: Any) -> Building | None:
        text = _text(value)
        if not text:
            return None
        found = ctx["buildings"].get(text)
        if found is None:
            raise _Bad(_("No building called “%(v)s” in this community.") % {"v": text})
        return found

    if _text(raw.get("category")):
        take("category", category)
    if _text(raw.get("scenario")):
        take("scenario", lambda v: _choice(v, SCENARIO_ZH, _("Choose one of the nine scenarios.")))
    else:
        data["scenario"] = ""
    if _text(raw.get("nature")):
        take("nature", lambda v: _choice(v, NATURE_ZH, _("Enter 经营性, 普惠性 or 公益性.")))
    take("tier", lambda v: _choice(v, TIER_ZH, _("Enter 枢纽, 中心 or 微站.")) if _text(v) else "")
    take("building", building)
    take("lng", lambda v: _number(v, integer=False))
    take("lat", lambda v: _number(v, integer=False))
    take("floor_area_m2", lambda v: _number(v, integer=True))
    take("capacity", lambda v: _number(v, integer=True))
    take("shared", lambda v: _bool(v, False))
    take("active", lambda v: _bool(v, True))
    shared_with = raw.get("shared_with")
    if isinstance(shared_with, list):
        data["shared_with"] = [str(c).strip() for c in shared_with if str(c).strip()]
    else:
        data["shared_with"] = [c.strip() for c in _text(shared_with).replace("，", ",").split(",") if c.strip()]
    return data, problems


def _import(
    *, actor: Actor, community: Community, rows: list[tuple[int | str, dict[str, Any]]], header: Any
) -> ImportResult:
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    ctx = {
        "categories": {c.code: c for c in FacilityCategory.objects.all()},
        "categories_zh": {c.name_zh: c for c in FacilityCategory.objects.all()},
        "buildings": {b.name: b for b in Building.objects.filter(community=community)},
    }
    existing = {f.code: f for f in Facility.objects.filter(community=community)}
    errors: list[RowError] = []
    parsed: list[tuple[int | str, dict[str, Any]]] = []
    seen: dict[str, int | str] = {}
    for label, raw in rows:
        data, problems = _parse(raw, ctx)
        code = data.get("code", "")
        if code and code in seen:
            problems.append(
                ("code", _("The code “%(code)s” is also used in row %(row)s.") % {"code": code, "row": seen[code]})
            )
        seen.setdefault(code, label)
        if not problems:
            # The service's own checks, on an unsaved copy: the same rules as a form or the API.
            probe = Facility(community=community, lat=None, lng=None)  # type: ignore[misc]
            try:
                services._apply_facility(probe, community, {k: v for k, v in data.items() if k != "shared_with"})
                services._shared_with(community, data["shared_with"])
            except DomainError as exc:
                problems.append((exc.field or "code", str(exc.message)))
        for key, message in problems:
            errors.append(RowError(label, header(key), message))
        parsed.append((label, data))
    if errors:
        raise RegisterImportError(errors)
    created = updated = 0
    with transaction.atomic():
        for _label, data in parsed:
            facility = existing.get(data["code"])
            if facility is None:
                services.facility_create(actor=actor, community=community, **data)
                created += 1
            else:
                services.facility_update(actor=actor, facility=facility, **data)
                updated += 1
    return ImportResult(created, updated)


def register_import_xlsx(*, actor: Actor, community: Community, content: bytes) -> ImportResult:
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("This is not an Excel (.xlsx) file."), code="not_xlsx", field="file") from None
    ws = wb["设施台账"] if "设施台账" in wb.sheetnames else wb.worksheets[0]
    rows_iter = ws.iter_rows(values_only=True)
    header_row = next(rows_iter, None) or ()
    keys: list[str | None] = []
    for title in header_row:
        column = BY_ZH.get(_text(title))
        keys.append(column.key if column else None)
    missing = [c.zh for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise RegisterImportError([RowError(1, m, _("This column is missing from the header row.")) for m in missing])
    rows: list[tuple[int | str, dict[str, Any]]] = []
    for number, values in enumerate(rows_iter, start=2):
        if not any(_text(v) for v in values):
            continue
        rows.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    if not rows:
        raise DomainError(_("The file has no rows to import."), code="empty_import", field="file")
    zh = {c.key: c.zh for c in COLUMNS}
    return _import(actor=actor, community=community, rows=rows, header=lambda key: zh.get(key, key))


def register_import_geojson(*, actor: Actor, community: Community, content: bytes) -> ImportResult:
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    try:
        doc = json_loads_strict(content)
    except JSONRefused as exc:
        raise DomainError(
            _("This GeoJSON cannot be read: %(reason)s") % {"reason": exc}, code="not_geojson", field="file"
        ) from None
    except ValueError:
        raise DomainError(_("This is not a GeoJSON FeatureCollection."), code="not_geojson", field="file") from None
    try:
        features = doc["features"]
        rows: list[tuple[int | str, dict[str, Any]]] = []
        for index, feature in enumerate(features, start=1):
            props = dict(feature.get("properties") or {})
            geometry = feature.get("geometry") or {}
            if geometry.get("type") == "Point":
                props["lng"], props["lat"] = geometry["coordinates"][:2]
            for key, zh in (("scenario", SCENARIO_ZH), ("nature", NATURE_ZH), ("tier", TIER_ZH)):
                if props.get(key) in zh:
                    props[key] = zh[props[key]]
            rows.append((index, props))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise DomainError(_("This is not a GeoJSON FeatureCollection."), code="not_geojson", field="file") from None
    if not rows:
        raise DomainError(_("The file has no rows to import."), code="empty_import", field="file")
    return _import(actor=actor, community=community, rows=rows, header=str)


IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_HELP = gettext_lazy("Rows are matched by code: a known code updates the facility, a new one adds it.")
