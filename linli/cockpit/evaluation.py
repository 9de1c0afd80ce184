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


@dataclass(frozen=True)
class Step:
    """One missing point explained: the indicator, the change that would meet its target, and what it is worth."""

    indicator: Indicator
    value: float | None
    score: float
    needed: float  # the value that meets the target
    change: float | None  # how far the value must move (up, or down where lower is better); None: no value yet
    gain: float  # overall points gained by meeting the target
    per_point: float | None  # the change in the indicator's unit that earns one overall point (None: not linear)
    overall_after: float  # the overall score once this step and the ones before it are taken
    reaches: str  # "basic" | "leading" | "": the level reached by this step (the first step that reaches it)


@dataclass(frozen=True)
class Explanation:
    overall: float
    level: str
    basic: float
    leading: float
    steps: tuple[Step, ...]  # the most valuable first, each with the running overall score
    to_basic: int  # how many of the steps reach 普惠型 (0: reached already; -1: out of reach even with all)
    to_leading: int


def explain(framework: Framework, evaluation: Evaluation) -> Explanation:
    """For each indicator below its target: the change that would meet it and the overall points it would earn
    (its weight's share of the missing score), in the order that gains the most; then how many of those steps
    reach 普惠型 and 引领型. Everything follows from the framework's targets and weights and the month's values."""
    total_weight = sum(i.weight for i in framework.indicators)
    gains = []
    for s in evaluation.missing:
        i = s.indicator
        gain = (100 - s.score) * i.weight / total_weight if total_weight else 0.0
        if s.value is None:
            change = None
        elif i.higher_is_better:
            change = i.target - s.value
        else:
            change = s.value - i.target
        # Higher is better: the score is linear in the value up to the target, 100 / target points per unit.
        per_point = i.target * total_weight / (100 * i.weight) if i.higher_is_better and i.target else None
        gains.append((s, gain, change, per_point))
    gains.sort(key=lambda g: (-g[1], g[0].indicator.code))
    running = evaluation.overall
    steps: list[Step] = []
    to = {"basic": 0 if evaluation.overall >= framework.basic else -1}
    to["leading"] = 0 if evaluation.overall >= framework.leading else -1
    for n, (s, gain, change, per_point) in enumerate(gains, start=1):
        running = min(100.0, running + gain)
        reaches = ""
        for level, bar in (("basic", framework.basic), ("leading", framework.leading)):
            if to[level] == -1 and round(running, 2) >= bar:
                to[level] = n
                reaches = level
        steps.append(
            Step(
                indicator=s.indicator,
                value=s.value,
                score=s.score,
                needed=s.indicator.target,
                change=None if change is None else round(change, 2),
                gain=round(gain, 2),
                per_point=None if per_point is None else round(per_point, 2),
                overall_after=round(running, 2),
                reaches=reaches,
            )
        )
    return Explanation(
        overall=evaluation.overall,
        level=evaluation.level,
        basic=framework.basic,
        leading=framework.leading,
        steps=tuple(steps),
        to_basic=to["basic"],
        to_leading=to["leading"],
    )
