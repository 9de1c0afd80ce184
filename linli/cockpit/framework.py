"""The indicator framework as data: a TOML file of indicators under the nine scenarios, with targets and weights.

Each indicator is either computed from the platform's records by a named query (`query = "name"` or
`"name:argument"`), or entered by staff (`source = "entered"`), with evidence where `evidence_required`.
Errors name the line of the file.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from linli.core.scenarios import Scenario

DEFAULT_FILE = Path(__file__).resolve().parent / "indicators" / "default.toml"


class FrameworkError(ValueError):
    """A bad indicator file; the message names the line."""


@dataclass(frozen=True)
class Indicator:
    code: str
    scenario: str
    name_zh: str
    name_en: str
    unit: str
    source: str  # computed | entered
    query: str
    target: float
    weight: float
    higher_is_better: bool
    evidence_required: bool
    line: int

    @property
    def query_name(self) -> str:
        return self.query.split(":", 1)[0]

    @property
    def query_argument(self) -> str:
        return self.query.split(":", 1)[1] if ":" in self.query else ""

    def name(self, english: bool) -> str:
        return self.name_en if english else self.name_zh


@dataclass(frozen=True)
class Framework:
    name: str
    leading: float
    basic: float
    index_threshold: float
    indicators: tuple[Indicator, ...]
    text: str

    def get(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def by_scenario(self) -> dict[str, list[Indicator]]:
        groups: dict[str, list[Indicator]] = {s.value: [] for s in Scenario}
        for indicator in self.indicators:
            groups[indicator.scenario].append(indicator)
        return groups


REQUIRED = ("code", "scenario", "name_zh", "name_en", "source", "target", "weight")


def parse_framework(text: str, name: str = "indicators.toml", known_queries: set[str] | None = None) -> Framework:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"{name}: {exc}") from None
    headers = [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[indicators\]\]", line)]
    evaluation = data.get("evaluation", {})
    leading = float(evaluation.get("leading", 85))
    basic = float(evaluation.get("basic", 70))
    if not 0 <= basic <= leading <= 100:
        raise FrameworkError(f"{name}: [evaluation] needs 0 ≤ basic ≤ leading ≤ 100")
    seen: set[str] = set()
    indicators = []
    for index, item in enumerate(data.get("indicators", [])):
        line = headers[index] if index < len(headers) else 0
        where = f"{name} line {line}"
        missing = [k for k in REQUIRED if k not in item]
        if missing:
            raise FrameworkError(f"{where}: indicator {item.get('code', '?')!r} lacks {', '.join(missing)}")
        code = str(item["code"])
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", code):
            raise FrameworkError(f"{where}: code {code!r} must be lower-case letters, digits and _")
        if code in seen:
            raise FrameworkError(f"{where}: indicator {code!r} appears twice")
        seen.add(code)
        if item["scenario"] not in Scenario.values:
            raise FrameworkError(
                f"{where}: indicator {code!r} has an unknown scenario {item['scenario']!r} "
                f"(one of {', '.join(Scenario.values)})"
            )
        source = item["source"]
        if source not in ("computed", "entered"):
            raise FrameworkError(f"{where}: indicator {code!r}: source must be 'computed' or 'entered'")
        query = str(item.get("query", ""))
        if source == "computed":
            if not query:
                raise FrameworkError(f"{where}: computed indicator {code!r} needs a query")
            if known_queries is not None and query.split(":", 1)[0] not in known_queries:
                raise FrameworkError(f"{where}: indicator {code!r} uses an unknown query {query!r}")
        try:
            target, weight = float(item["target"]), float(item["weight"])
        except (TypeError, ValueError):
            raise FrameworkError(f"{where}: indicator {code!r}: target and weight must be numbers") from None
        if weight <= 0 or target < 0:
            raise FrameworkError(f"{where}: indicator {code!r}: weight must be positive and target not negative")
        indicators.append(
            Indicator(
                code=code,
                scenario=item["scenario"],
                name_zh=str(item["name_zh"]),
                name_en=str(item["name_en"]),
                unit=str(item.get("unit", "")),
                source=source,
                query=query,
                target=target,
                weight=weight,
                higher_is_better=bool(item.get("higher_is_better", True)),
                evidence_required=bool(item.get("evidence_required", source == "entered")),
                line=line,
            )
        )
    if not indicators:
        raise FrameworkError(f"{name}: no [[indicators]]")
    return Framework(
        name=str(data.get("name", name)),
        leading=leading,
        basic=basic,
        index_threshold=float(evaluation.get("index_threshold", 70)),
        indicators=tuple(indicators),
        text=text,
    )


def framework_path() -> Path:
    return Path(settings.COCKPIT_INDICATORS_FILE or DEFAULT_FILE)


# The framework as last parsed, by the file's name and text and the queries known: every cockpit page reads it, and
# parsing the TOML again each time cost a few ms a page. Reading the file is cheap; an edited file is parsed afresh.
_parsed: dict[tuple[str, str, frozenset[str]], Framework] = {}


def load_framework() -> Framework:
    from .queries import registry

    path = framework_path()
    key = (path.name, path.read_text(encoding="utf-8"), frozenset(registry.QUERIES))
    framework = _parsed.get(key)
    if framework is None:
        framework = parse_framework(key[1], path.name, set(key[2]))
        _parsed.clear()
        _parsed[key] = framework
    return framework
