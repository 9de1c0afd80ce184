"""Views and API modules read through selectors and write through services: no ORM in them.

The test parses every `views*.py`, `views/*.py`, `api*.py` and `api/*.py` under `linli/` and fails on a manager
(`Model.objects`) or a queryset-building call (`.filter(…)`, `.select_related(…)`…). Files still to be moved over
are listed in `NOT_YET`, so that the list can only shrink: a listed file that is clean fails the test too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository
LINLI = ROOT / "linli"

# Building or running a query. `values` is left out (dicts have it too); `get`, `first`, `count` and `exists`
# are left out as well, since they end a query one of these already started (or are a dict's).
QUERY_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "values_list",
        "order_by",
        "only",
        "defer",
        "distinct",
        "in_bulk",
        "raw",
        "extra",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "select_for_update",
    }
)

# Files not moved over yet (none left: the list may only shrink).
NOT_YET: frozenset[str] = frozenset()


def _modules() -> list[Path]:
    found: set[Path] = set()
    for pattern in ("views*.py", "views/*.py", "api*.py", "api/*.py"):
        found.update(p for p in LINLI.rglob(pattern) if "tests" not in p.parts and "migrations" not in p.parts)
    return sorted(found)


def orm_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each manager access or queryset-building call in `source`."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager"):
            uses.append((node.lineno, f".{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
            and (node.args or node.keywords or node.func.attr in ("distinct", "select_for_update"))
        ):
            uses.append((node.lineno, f".{node.func.attr}()"))
    return sorted(uses)


def _offenders() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in _modules():
        uses = orm_uses(path.read_text(encoding="utf-8"))
        if uses:
            out[path.relative_to(ROOT).as_posix()] = uses
    return out


def test_the_check_sees_what_it_should() -> None:
    assert orm_uses("x = Case.objects.all()") == [(1, ".objects")]
    assert orm_uses("x = selectors.cases_for(user=u)\ny = x.filter(pk=1)") == [(2, ".filter()")]
    assert orm_uses("r = case.parties.select_related('resident')") == [(1, ".select_related()")]
    assert orm_uses("x = selectors.case_get(user=u, community=c, pk=1)\nd = {}.values()") == []


def test_views_and_api_read_through_selectors() -> None:
    offenders = {f: uses for f, uses in _offenders().items() if f not in NOT_YET}
    assert not offenders, "Read through the domain's selectors instead:\n" + "\n".join(
        f"{f}:{line} {what}" for f, uses in offenders.items() for line, what in uses
    )


def test_the_not_yet_list_has_no_stale_entries() -> None:
    offenders = _offenders()
    stale = sorted(f for f in NOT_YET if f not in offenders)
    assert not stale, f"These files are clean now or gone: remove them from NOT_YET: {stale}"
    assert _modules(), "no views or API modules found: the paths above are wrong"
