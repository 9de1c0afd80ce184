"""Classes of categories (the Ningbo method): rules validation, coverage per class, the under-supplied line and the
city's summary, on the hand-made city (see handmade.py and the hand computation in test_core_coverage.py).

With a third category, primary_school (pre-school children here, weight 1, not required, no facility anywhere),
in class "education" beside the kindergarten, and the canteen alone in "elderly_care" (w' = weight × 2 if required):

  C1: canteen 10/16 = 0.625, kindergarten 0/6, primary 0/6
      elderly_care = 0.625;  education = (4·0 + 1·0) / 5 = 0
      index = 100 · (3·0.625 + 4·0 + 1·0) / 8 = 23.4375
  C2: canteen 0/8, kindergarten 5/5, primary 0/5
      elderly_care = 0;      education = (4·1 + 1·0) / 5 = 0.8
      index = 100 · (3·0 + 4·1 + 1·0) / 8 = 50
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linli.planning.core import (
    RulesError,
    analyse,
    city_summary,
    community_row,
    load_network,
    load_rules,
    read_buildings,
    read_communities,
    read_facilities,
    run_plan,
)

from .handmade import RULES_TOML, write_city

CLASSES = """
[[classes]]
code = "elderly_care"
name_zh = "养老"
name_en = "Elderly care"

[[classes]]
code = "education"
name_zh = "教育"
name_en = "Education"
"""

PRIMARY = """
[[categories]]
code = "primary_school"
name_zh = "小学"
name_en = "Primary school"
circle = "min5"
radius_m = 300
required = false
age_group = "preschool"
class = "education"
weight = 1
source = "test"
"""


def classed_rules(threshold: str = "") -> str:
    text = RULES_TOML.replace('weight = 3\nsource = "test"', 'weight = 3\nclass = "elderly_care"\nsource = "test"')
    text = text.replace('weight = 2\nsource = "test"', 'weight = 2\nclass = "education"\nsource = "test"')
    if threshold:
        text = text.replace("required_weight_factor = 2.0", f"required_weight_factor = 2.0\n{threshold}")
    return text + CLASSES + PRIMARY


def write_rules(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_classes_are_read_and_every_category_names_one(tmp_path: Path) -> None:
    rules = load_rules(write_rules(tmp_path, classed_rules()))
    assert [k.code for k in rules.classes] == ["elderly_care", "education"]
    assert [c.code for c in rules.categories_of("education")] == ["kindergarten", "primary_school"]
    assert rules.under_supplied_below == 70 and rules.under_supplied(69.99) and not rules.under_supplied(70)
    assert rules.under_supplied(None) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('weight = 2\nclass = "education"', 'weight = 2\nclas = "education"',
         r"category 'kindergarten': unknown key 'clas' \(did you mean 'class'\?\)"),
        ('weight = 2\nclass = "education"', 'weight = 2\nclass = "educaton"',
         r"category 'kindergarten': unknown class 'educaton' \(did you mean 'education'\?\)"),
        ('weight = 2\nclass = "education"', 'weight = 2\nclass = "transport"',
         r"unknown class 'transport' \(known: education, elderly_care\)"),
        ('weight = 2\nclass = "education"', "weight = 2",
         r"category 'kindergarten': 'class' is missing: the rules grade categories in \[\[classes\]\]"),
        ('name_en = "Education"\n', 'name_en = "Education"\nnmae_zh = "x"\n',
         r"class 'education': unknown key 'nmae_zh' \(did you mean 'name_zh'\?\)"),
        ("[[classes]]\ncode = \"education\"", "[[clases]]\ncode = \"education\"",
         r"unknown key 'clases' \(did you mean 'classes'\?\)"),
        ("required_weight_factor = 2.0", "required_weight_factor = 2.0\nunder_supplied_below = 170",
         r"under_supplied_below: must be a number above 0 and at most 100, got 170"),
        ("required_weight_factor = 2.0", "required_weight_factor = 2.0\nunder_suplied_below = 60",
         r"unknown key 'under_suplied_below' \(did you mean 'under_supplied_below'\?\)"),
    ],
)  # fmt: skip
def test_a_wrong_class_is_named_with_the_nearest_valid_one(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = classed_rules()
    assert old in text
    with pytest.raises(RulesError, match=message):
        load_rules(write_rules(tmp_path, text.replace(old, new, 1)))


def test_a_class_with_no_category_and_a_class_without_classes_are_refused(tmp_path: Path) -> None:
    empty = classed_rules() + '\n[[classes]]\ncode = "sport"\nname_zh = "体育"\nname_en = "Sport"\n'
    with pytest.raises(RulesError, match=r"class 'sport': no category of the rules is in this class"):
        load_rules(write_rules(tmp_path, empty))
    without = RULES_TOML.replace('weight = 2\nsource = "test"', 'weight = 2\nclass = "education"\nsource = "test"')
    with pytest.raises(RulesError, match=r"category 'kindergarten': 'class' needs a list \[\[classes\]\]"):
        load_rules(write_rules(tmp_path, without))


def test_a_category_of_weight_0_may_stand_outside_the_classes_and_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    outside = PRIMARY.replace('code = "primary_school"', 'code = "bus_stop"').replace('class = "education"\n', "")
    with pytest.raises(RulesError, match=r"category 'bus_stop': 'class' is missing"):
        load_rules(write_rules(tmp_path, classed_rules() + outside))
    text = classed_rules() + outside.replace("weight = 1", "weight = 0")
    assert load_rules(write_rules(tmp_path, text)).category("bus_stop").facility_class == ""
    without, with_it = _analysis(tmp_path, classed_rules()), _analysis(tmp_path, text)
    assert "bus_stop" in {c.category for c in with_it.coverage}
    assert [(s.index, s.class_shares) for s in with_it.index] == [(s.index, s.class_shares) for s in without.index]


def _analysis(tmp_path: Path, rules_text: str):  # type: ignore[no-untyped-def]
    city = write_city(tmp_path)
    rules = load_rules(write_rules(tmp_path, rules_text))
    return analyse(
        load_network(city["network"]),
        rules,
        read_buildings(city["buildings"], rules),
        read_facilities(city["facilities"], rules, allow_empty=True),
        read_communities(city["communities"]),
    )


def test_coverage_per_class_and_the_under_supplied_flag_by_hand(tmp_path: Path) -> None:
    a = _analysis(tmp_path, classed_rules())
    idx = {s.community: s for s in a.index}
    assert idx["C1"].class_shares == pytest.approx({"elderly_care": 0.625, "education": 0.0})
    assert idx["C2"].class_shares == pytest.approx({"elderly_care": 0.0, "education": 0.8})
    assert idx["C1"].index == pytest.approx(100 * 3 * 0.625 / 8) and idx["C2"].index == pytest.approx(50)
    assert idx["C1"].under_supplied is True and idx["C2"].under_supplied is True
    # the line is the rules': at 40, C2 (50) is no longer under-supplied, C1 (23.4) still is
    a = _analysis(tmp_path, classed_rules("under_supplied_below = 40"))
    assert [(s.community, s.under_supplied) for s in a.index] == [("C1", True), ("C2", False)]


def test_the_city_summary_adds_up_the_communities_rows(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    rules_path = write_rules(tmp_path, classed_rules("under_supplied_below = 40"))
    rules = load_rules(rules_path)
    result = json.loads(
        run_plan(city["network"], city["facilities"], city["buildings"], rules_path, city["communities"]).to_json()
    )
    assert result["index"][1]["classes"] == {"elderly_care": 0.0, "education": 0.8}
    assert result["index"][1]["under_supplied"] is False
    rows = [community_row(result, "C1"), community_row(result, "C2")]
    assert rows[0]["items"]["elderly_canteen"] == {
        "served": 16.0, "covered": 10.0, "within_radius": True, "centre_distance_m": pytest.approx(205, abs=0.05),
    }  # fmt: skip
    assert rows[1]["gaps"] == 2  # b3: canteen and primary school
    s = city_summary(rules, rows)
    assert (s.communities, s.with_index, s.under_supplied, s.threshold) == (2, 2, 1, 40)
    assert s.mean_index == pytest.approx((100 * 3 * 0.625 / 8 + 50) / 2, abs=0.01)  # indices kept to 2 places
    care, education = s.classes
    assert care.mean_share == pytest.approx((0.625 + 0) / 2) and education.mean_share == pytest.approx(0.4)
    kg, primary = education.items
    # the kindergarten's centre distance is within 300 m of both centres (170 m, 120 m); 5 of 11 children covered
    assert (kg.communities_within_radius, kg.community_share, kg.resident_share) == (2, 1.0, pytest.approx(5 / 11))
    assert (primary.communities_within_radius, primary.resident_share) == (0, 0.0)
    (canteen,) = care.items
    assert (canteen.communities_within_radius, canteen.community_share) == (1, 0.5)


def test_the_default_rules_are_the_ningbo_seven_classes_of_twenty_items() -> None:
    rules = load_rules()
    assert [k.name_zh for k in rules.classes] == ["社区治理", "教育", "养老", "卫生", "文化", "商业", "体育"]
    graded = [c for c in rules.categories if c.facility_class]
    assert len(graded) == 20 and all(rules.categories_of(k.code) for k in rules.classes)
    # the bus stop (the cockpit's 交通 indicator) is reported for its coverage only, outside the index
    [outside] = [c for c in rules.categories if not c.facility_class]
    assert (outside.code, outside.weight, outside.radius_m, outside.required) == ("bus_stop", 0, 300, False)
    assert rules.under_supplied_below == 70
    # the 一老一小 items the survey counts
    assert {"after_school_class", "childcare", "elderly_canteen"} <= set(rules.category_codes)
    assert rules.category("after_school_class").facility_class == "education"
    assert rules.category("elderly_canteen").facility_class == "elderly_care"
