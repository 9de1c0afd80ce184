"""The indicator file and the evaluation: bad lines named, scores computed by hand."""

import pytest

from linli.cockpit.evaluation import evaluate, indicator_score
from linli.cockpit.framework import DEFAULT_FILE, FrameworkError, parse_framework
from linli.cockpit.queries import registry

SMALL = """
name = "test"
[evaluation]
leading = 85
basic = 70

[[indicators]]
code = "a"
scenario = "health"
name_zh = "甲"
name_en = "A"
source = "computed"
query = "residents"
target = 10
weight = 1

[[indicators]]
code = "b"
scenario = "health"
name_zh = "乙"
name_en = "B"
source = "entered"
target = 4
weight = 3

[[indicators]]
code = "c"
scenario = "governance"
name_zh = "丙"
name_en = "C"
source = "entered"
target = 2
weight = 1
higher_is_better = false
"""


def test_the_default_file_loads_with_every_query_known():
    framework = parse_framework(DEFAULT_FILE.read_text(), "default.toml", set(registry.QUERIES))
    assert {i.scenario for i in framework.indicators} >= {"health", "education", "services", "governance"}


def test_scores_by_hand():
    framework = parse_framework(SMALL, known_queries=set(registry.QUERIES))
    result = evaluate(framework, {"a": 5, "b": 4, "c": 4})
    # a: 5/10 → 50; b: 4/4 → 100; c: lower is better, 2/4 → 50
    assert [s.score for s in result.scores] == [50.0, 100.0, 50.0]
    assert result.scenarios["health"] == round((50 * 1 + 100 * 3) / 4, 2) == 87.5
    assert result.scenarios["governance"] == 50.0 and result.scenarios["education"] is None
    assert result.overall == round((50 + 300 + 50) / 5, 2) == 80.0
    assert result.level == "basic" and result.next_level == "leading" and result.points_to_next == 5.0
    assert [s.indicator.code for s in result.missing] == ["a", "c"]
    assert indicator_score(framework.get("a"), None) == 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('scenario = "governance"', 'scenario = "sport"'), "line 26: indicator 'c' has an unknown scenario 'sport'"),
        (('query = "residents"', 'query = "no_such_query"'), "line 7: indicator 'a' uses an unknown query"),
        (("target = 4", 'target = "many"'), "line 17: indicator 'b': target and weight must be numbers"),
        (("weight = 3", "weight = -3"), "line 17: indicator 'b': weight must be positive"),
        (('code = "b"', 'code = "a"'), "line 17: indicator 'a' appears twice"),
        (('name_en = "C"\n', ""), "line 26: indicator 'c' lacks name_en"),
        (("leading = 85", "leading = 60"), "basic ≤ leading"),
    ],
)
def test_bad_input_in_the_file_names_the_line(change, message):
    with pytest.raises(FrameworkError) as exc:
        parse_framework(SMALL.replace(*change), "city.toml", set(registry.QUERIES))
    assert message in str(exc.value)
    assert str(exc.value).startswith("city.toml")


def test_broken_toml_names_the_line():
    with pytest.raises(FrameworkError, match="line"):
        parse_framework(SMALL + "\n[[indicators]\n", "city.toml")


def test_the_citys_own_file_is_read_and_its_bad_line_named(settings, tmp_path):
    from linli.cockpit.framework import load_framework

    own = tmp_path / "hangzhou.toml"
    own.write_text(SMALL, encoding="utf-8")
    settings.COCKPIT_INDICATORS_FILE = str(own)
    assert [i.code for i in load_framework().indicators] == ["a", "b", "c"]
    own.write_text(SMALL.replace('query = "residents"', 'query = "residents_on_mars"'), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"^hangzhou.toml line 7: indicator 'a' uses an unknown query"):
        load_framework()


def test_the_file_is_parsed_once_until_it_changes(settings, tmp_path):
    from linli.cockpit.framework import load_framework

    own = tmp_path / "hangzhou.toml"
    own.write_text(SMALL, encoding="utf-8")
    settings.COCKPIT_INDICATORS_FILE = str(own)
    first = load_framework()
    assert load_framework() is first
    own.write_text(SMALL.replace('name_en = "A"', 'name_en = "Alpha"'), encoding="utf-8")
    edited = load_framework()
    assert edited is not first and edited.get("a").name_en == "Alpha"
    settings.COCKPIT_INDICATORS_FILE = str(DEFAULT_FILE)
    assert load_framework().name != "test"
