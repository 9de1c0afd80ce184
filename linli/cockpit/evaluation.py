"""Scoring a community on the framework: per scenario and overall, its level, and what it lacks for the next one."""

from dataclasses import dataclass, field

from linli.core.scenarios import Scenario

from .framework import Framework, Indicator


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    value: float | None
    score: float  # 0–100; no value scores 0

    @property
    def met(self) -> bool:
        return self.score >= 100


@dataclass(frozen=True)
class Evaluation:
    scenarios: dict[str, float | None]  # scenario -> 0–100 (None: no indicator in it)
    overall: float
    level: str  # leading | basic | ""
    next_level: str  # the level above, or ""
    points_to_next: float
    scores: tuple[IndicatorScore, ...]
    missing: tuple[IndicatorScore, ...] = field(default=())  # below target, biggest weighted shortfall first


def indicator_score(indicator: Indicator, value: float | None) -> float:
    if value is None:
        return 0.0
    if indicator.higher_is_better:
        ratio = 1.0 if indicator.target == 0 else value / indicator.target
    else:
        ratio = 1.0 if value <= indicator.target else (indicator.target / value if value else 1.0)
    return round(100 * max(0.0, min(1.0, ratio)), 2)


def evaluate(framework: Framework, values: dict[str, float | None]) -> Evaluation:
    scores = tuple(
        IndicatorScore(i, values.get(i.code), indicator_score(i, values.get(i.code))) for i in framework.indicators
    )
    sums: dict[str, list[float]] = {}  # scenario -> [weighted score, weight]
    for s in scores:
        acc = sums.setdefault(s.indicator.scenario, [0.0, 0.0])
        acc[0] += s.score * s.indicator.weight
        acc[1] += s.indicator.weight
    scenarios: dict[str, float | None] = {
        code: (round(sums[code][0] / sums[code][1], 2) if code in sums else None) for code in Scenario.values
    }
    total_weight = sum(w for _ws, w in sums.values())
    overall = round(sum(ws for ws, _w in sums.values()) / total_weight, 2) if total_weight else 0.0
    level = "leading" if overall >= framework.leading else "basic" if overall >= framework.basic else ""
    next_level = {"": "basic", "basic": "leading", "leading": ""}[level]
    target = {"basic": framework.basic, "leading": framework.leading, "": overall}[next_level]
    missing = sorted((s for s in scores if not s.met), key=lambda s: -(100 - s.score) * s.indicator.weight)
    return Evaluation(
        scenarios=scenarios,
        overall=overall,
        level=level,
        next_level=next_level,
        points_to_next=round(max(0.0, target - overall), 2),
        scores=scores,
        missing=tuple(missing),
    )
