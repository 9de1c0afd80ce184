"""Rows, charts and the PDF and Excel reports of the cockpit and the evaluation (maps are in `maps`)."""

import io
from html import escape
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.exports import append_row
from linli.core.pdf import pdf_from_html
from linli.core.templatetags.linli_numbers import grouped

from .evaluation import Evaluation, Explanation, evaluate
from .framework import Framework
from .models import Snapshot

FIGURE_NAMES = {
    "company": gettext_lazy("Community company"),
    "consultation": gettext_lazy("Matters and meetings"),
    "coverage": gettext_lazy("Walking access to facilities (%)"),
    "days_so_far": gettext_lazy("Days of the month so far"),
    "facilities_by_nature": gettext_lazy("Facilities by nature of space"),
    "fund": gettext_lazy("Community fund"),
    "households_by_size": gettext_lazy("Households by size"),
    "households_total": gettext_lazy("Households"),
    "partners": gettext_lazy("Partners"),
    "points": gettext_lazy("Points"),
    "reports": gettext_lazy("Reports"),
    "residents_by_age": gettext_lazy("Residents by age"),
    "residents_total": gettext_lazy("Residents"),
    "same_days_last_month": gettext_lazy("Same days of last month"),
    "services_used": gettext_lazy("Services used"),
    "subsidies": gettext_lazy("Subsidies by payer (yuan)"),
    "volunteering": gettext_lazy("Volunteering"),
}


# The items inside a figure, named for the workbook (a figure's keys are codes; people read these names).
ITEM_NAMES = {
    "revenue_yuan": gettext_lazy("Revenue (yuan)"),
    "support_yuan": gettext_lazy("Support received (yuan)"),
    "by_nature": gettext_lazy("Net income by nature of space (yuan)"),
    "covered_percent": gettext_lazy("Costs covered by income (%)"),
    "matters_raised": gettext_lazy("Matters raised"),
    "matters_settled": gettext_lazy("Matters settled"),
    "meetings_held": gettext_lazy("Meetings held"),
    "raised_yuan": gettext_lazy("Donations (yuan)"),
    "granted_yuan": gettext_lazy("Granted (yuan)"),
    "spent_yuan": gettext_lazy("Spent (yuan)"),
    "grants": gettext_lazy("Grants"),
    "partners": gettext_lazy("Partners"),
    "projects": gettext_lazy("Projects"),
    "earned": gettext_lazy("Points earned"),
    "spent": gettext_lazy("Points spent"),
    "expired": gettext_lazy("Points expired"),
    "active_residents": gettext_lazy("Residents who earned or spent points"),
    "open": gettext_lazy("Open reports"),
    "overdue": gettext_lazy("Overdue reports"),
    "submitted": gettext_lazy("Reports submitted"),
    "resolved": gettext_lazy("Reports resolved"),
    "median_hours": gettext_lazy("Median hours to resolve"),
    "bookings": gettext_lazy("Bookings"),
    "canteen_meals": gettext_lazy("Canteen meals"),
    "hours": gettext_lazy("Volunteer hours"),
    "volunteers": gettext_lazy("Volunteers"),
    "activities": gettext_lazy("Activities"),
}


def item_name(key: str) -> str:
    """A figure's item as people read it: its name, a space's nature, an age group, a facility category, or a
    figure's name (last month's figures for the same days are grouped under `same_days_last_month`)."""
    from linli.company.models import Nature
    from linli.people.ages import AgeTier
    from linli.planning import adapter

    if key in ITEM_NAMES:
        return str(ITEM_NAMES[key])
    if key in FIGURE_NAMES:
        return str(FIGURE_NAMES[key])
    for choices in (Nature, AgeTier):
        if key in choices.values:
            return str(choices(key).label)
    english = (get_language() or "").startswith("en")
    for category in adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8")).categories:
        if category.code == key:
            return category.name_en if english else category.name_zh
    return key


def workbook_value(value: Any) -> Any:
    """A cell's value: a number as it is, a group of numbers as "name: n; name: n" (never a Python dict; an item
    not known yet reads "—", as on the pages)."""
    if isinstance(value, dict):
        items = (f"{item_name(k)}: {'—' if v is None else grouped(workbook_value(v))}" for k, v in value.items())
        return "；".join(items)
    return value if isinstance(value, int | float) or value is None else str(value)


def numbers_grouped(wb: Workbook) -> None:
    """Every number of the workbook shown with thousands separators (whole numbers without decimals)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                    continue
                whole = isinstance(cell.value, int) or float(cell.value).is_integer()
                cell.number_format = "#,##0" if whole else "#,##0.0#"


def level_label(level: str) -> str:
    return {"leading": _("Leading (引领型)"), "basic": _("Basic (普惠型)"), "": _("Below basic")}[level]


def indicator_rows(framework: Framework, evaluation: Evaluation, english: bool) -> list[dict[str, Any]]:
    from linli.core.scenarios import Scenario

    names = dict(Scenario.choices)
    return [
        {
            "code": s.indicator.code,
            "scenario": names[s.indicator.scenario],
            "name": s.indicator.name(english),
            "unit": s.indicator.unit,
            "value": s.value,
            "target": s.indicator.target,
            "score": s.score,
            "weight": s.indicator.weight,
            "source": s.indicator.source,
            "met": s.met,
        }
        for s in evaluation.scores
    ]


def _number(value: float) -> str:
    """A figure as people read it: thousands separators, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def explanation_rows(explanation: Explanation, english: bool) -> list[dict[str, Any]]:
    """Each missing point of the evaluation as a row to read: the indicator, where it stands, the change that would
    meet its target, what that earns and the overall score after it (the steps are cumulative)."""
    from linli.core.scenarios import Scenario

    scenarios = dict(Scenario.choices)
    rows = []
    for step in explanation.steps:
        i = step.indicator
        unit = f" {i.unit}" if i.unit and i.unit != "%" else i.unit
        if step.value is None:
            change = (
                _("Enter this month's value with its evidence (target %(target)s).")
                if i.source == "entered"
                else _("No value from the records yet (target %(target)s).")
            ) % {"target": _number(i.target) + unit}
        elif i.higher_is_better:
            change = _("Raise from %(value)s to %(target)s (+%(change)s).") % {
                "value": _number(step.value) + unit,
                "target": _number(i.target) + unit,
                "change": _number(step.change or 0) + unit,
            }
        else:
            change = _("Bring down from %(value)s to %(target)s (−%(change)s).") % {
                "value": _number(step.value) + unit,
                "target": _number(i.target) + unit,
                "change": _number(step.change or 0) + unit,
            }
        rows.append(
            {
                "code": i.code,
                "scenario": scenarios[i.scenario],
                "name": i.name(english),
                "source": i.source,
                "change": change,
                "per_point": _("(each %(step)s earns one point)") % {"step": _number(step.per_point) + unit}
                if step.per_point is not None
                else "",
                "gain": _number(step.gain),
                "overall_after": _number(step.overall_after),
                "reaches": level_label(step.reaches) if step.reaches else "",
            }
        )
    return rows


def overall_of(framework: Framework, snapshot: Snapshot) -> float:
    return evaluate(framework, snapshot.values).overall


def coverage_chart(coverage: dict[str, float], english: bool) -> dict[str, list[Any]]:
    from linli.facilities.models import FacilityCategory

    names = {c.code: (c.name_en if english else c.name_zh) for c in FacilityCategory.objects.all()}
    items = sorted(coverage.items(), key=lambda kv: kv[1])
    return {"labels": [names.get(k, k) for k, _v in items], "values": [v for _k, v in items]}


def histogram(values: list[float | None], width: int = 10) -> dict[str, list[Any]]:
    """Counts of supply index values in bins of `width` points."""
    bins = [0] * (100 // width)
    for v in values:
        if v is not None:
            bins[min(int(v // width), len(bins) - 1)] += 1
    return {"labels": [f"{i * width}–{(i + 1) * width}" for i in range(len(bins))], "values": bins}


def level_counts(views: list[Any]) -> dict[str, int]:
    counts = {"leading": 0, "basic": 0, "": 0}
    for v in views:
        if v.evaluation is not None:
            counts[v.evaluation.level] += 1
    return counts


def bar_svg(labels: list[str], values: list[float], maximum: float = 100.0, width: int = 640) -> str:
    """A horizontal bar chart as SVG (for the PDF, where no script runs)."""
    row = 22
    height = row * len(labels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-size="12">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * row
        length = (width - 220) * max(0.0, min(1.0, (value or 0) / maximum))
        parts.append(
            f'<text x="150" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="160" y="{y + 3}" width="{length:.1f}" height="14" fill="#c8402a"/>'
            f'<text x="{165 + length:.1f}" y="{y + 14}">{value:.1f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def evaluation_pdf(request: HttpRequest, context: dict[str, Any]) -> bytes:
    scenario_rows = context["scenario_rows"]
    html = render_to_string(
        "cockpit/report.html",
        {
            **context,
            "level_label": level_label(context["evaluation"].level) if context["evaluation"] else "",
            "scenario_chart": bar_svg(
                [str(name) for name, _score in scenario_rows], [score or 0 for _name, score in scenario_rows]
            ),
        },
        request=request,
    )
    return pdf_from_html(html, base_url=request.build_absolute_uri("/"))


def evaluation_workbook(context: dict[str, Any]) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = _("Evaluation")
    evaluation: Evaluation | None = context["evaluation"]
    append_row(ws, [_("Community"), context["community"].name])
    append_row(ws, [_("Month graded"), f"{context['month']:%Y-%m}"])
    append_row(ws, [_("Overall score"), evaluation.overall if evaluation else None])
    append_row(ws, [_("Level"), level_label(evaluation.level) if evaluation else ""])
    append_row(ws, [])
    append_row(ws, [_("Scenario"), _("Score")])
    for name, score in context["scenario_rows"]:
        append_row(ws, [str(name), score])
    ws2 = wb.create_sheet(_("Indicators"))
    append_row(
        ws2, [_("Scenario"), _("Indicator"), _("Unit"), _("Value"), _("Target"), _("Weight"), _("Score"), _("Source")]
    )
    for cell in ws2[1]:
        cell.font = bold
    for r in context["indicator_rows"]:
        append_row(
            ws2,
            [
                str(r["scenario"]),
                r["name"],
                r["unit"],
                r["value"],
                r["target"],
                r["weight"],
                r["score"],
                _("computed") if r["source"] == "computed" else _("entered"),
            ],
        )
    ws3 = wb.create_sheet(_("Figures"))
    append_row(ws3, [_("Figure"), _("Item"), _("Value")])
    for cell in ws3[1]:
        cell.font = bold
    for name, value in sorted((context["figures"] or {}).items()):
        label = str(FIGURE_NAMES.get(name, name))
        if isinstance(value, dict):
            for key, item in value.items():
                append_row(ws3, [label, item_name(key), workbook_value(item)])
        else:
            append_row(ws3, [label, "", workbook_value(value)])
    numbers_grouped(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
