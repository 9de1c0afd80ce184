"""Siting a composite facility (a 民生坊): one MCLP over (category, building) rows of every member category.

A hand-built street where the composite's best site is neither category's best: elders live at the west end,
small children at the east end, and a building in the middle has some of each::

    x:      0 ------------- 600 ------------- 1200 ------- 2000
    elders: 10               7                  0
    kids:    0               7                 10
    sites:  west            mid               east

Alone, the canteen (elders) is best at the west (10 > 7) and the kindergarten (kids) at the east (10 > 7); a hub
providing both covers 14 from the middle, more than 10 from either end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linli.planning.core import RulesError, SitingRequest, load_rules, parse_rules, run_plan, run_siting, siting_dict
from linli.planning.core.rules import DEFAULT_RULES_PATH

from .handmade import RULES_TOML, feature_collection, lonlat, point_feature

HUB = """
[[composites]]
code = "hub"
name_zh = "民生坊（综合）"
name_en = "Hub (composite)"
categories = ["elderly_canteen", "kindergarten"]
"""


def _street(d: Path) -> dict[str, Path]:
    files = {
        "network": feature_collection([{"type": "Feature", "properties": {"highway": "residential"},
                         "geometry": {"type": "LineString",
                                      "coordinates": [lonlat(x, 0) for x in (0, 600, 1200, 2000)]}}]),
        "buildings": feature_collection([
            point_feature(0, 10, {"id": "west", "community": "C", "pop_60_plus": 10, "pop_3_6": 0}),
            point_feature(600, 10, {"id": "mid", "community": "C", "pop_60_plus": 7, "pop_3_6": 7}),
            point_feature(1200, 10, {"id": "east", "community": "C", "pop_60_plus": 0, "pop_3_6": 10}),
            point_feature(2000, 10, {"id": "far", "community": "C", "pop_60_plus": 0, "pop_3_6": 0}),
        ]),
        # one facility of each category, at the far end: nobody above is within 300 m of it
        "facilities": feature_collection([point_feature(2000, 5, {"id": "f-canteen", "category": "elderly_canteen"}),
                           point_feature(2000, -5, {"id": "f-kg", "category": "kindergarten"})]),
        "candidates": feature_collection([point_feature(x, -5, {"id": sid, "category": "candidate"})
                           for sid, x in (("s-west", 0), ("s-mid", 600), ("s-east", 1200))]),
    }  # fmt: skip
    out = {}
    for name, data in files.items():
        out[name] = d / f"{name}.geojson"
        out[name].write_text(json.dumps(data), encoding="utf-8")
    out["rules"] = d / "rules.toml"
    out["rules"].write_text(RULES_TOML + HUB, encoding="utf-8")
    return out


def _site(files: dict[str, Path], code: str, k: int) -> dict[str, Any]:
    res = run_plan(
        files["network"], files["facilities"], files["buildings"], files["rules"],
        siting=[SitingRequest(code, k, files["candidates"])],
    )  # fmt: skip
    return res.to_dict()["siting"][0]


def test_composite_best_site_is_neither_categorys_best(tmp_path: Path) -> None:
    files = _street(tmp_path)
    canteen, kg, hub = (_site(files, c, 1) for c in ("elderly_canteen", "kindergarten", "hub"))
    assert canteen["selected"] == ["s-west"] and canteen["newly_covered"] == 10
    assert kg["selected"] == ["s-east"] and kg["newly_covered"] == 10
    assert hub["selected"] == ["s-mid"]
    assert hub["newly_covered"] == 14  # 7 elders + 7 children, each by its own category
    assert hub["uncovered_before"] == 17 + 17
    assert hub["composite"] is True and not canteen["composite"]
    assert hub["categories"] == ["elderly_canteen", "kindergarten"]
    assert hub["optimal"] and hub["gap"] == 0
    assert [(m["category"], m["uncovered_before"], m["newly_covered"]) for m in hub["members"]] == [
        ("elderly_canteen", 17, 7),
        ("kindergarten", 17, 7),
    ]
    assert canteen["categories"] == ["elderly_canteen"]


def test_composite_two_sites_and_set_cover(tmp_path: Path) -> None:
    files = _street(tmp_path)
    hub = _site(files, "hub", 2)
    # west + east cover 10 + 10 + 0; west + mid 10 + 14; mid + east 14 + 10: 24 either way, never 20
    assert hub["newly_covered"] == 24 and len(hub["selected"]) == 2 and "s-mid" in hub["selected"]
    # covering every (category, building) pair in need takes all three sites
    assert sorted(hub["set_cover"]) == ["s-east", "s-mid", "s-west"] and hub["not_coverable"] == []


def test_composite_radius_is_each_members_own(tmp_path: Path) -> None:
    files = _street(tmp_path)
    # a kindergarten radius of 700 m: the middle site now reaches the children at 1200 as well
    text = RULES_TOML.replace("radius_m = 300\nrequired = true", "radius_m = 700\nrequired = true") + HUB
    files["rules"].write_text(text, encoding="utf-8")
    hub = _site(files, "hub", 1)
    assert hub["selected"] == ["s-mid"] and hub["newly_covered"] == 7 + 17
    assert [m["radius_m"] for m in hub["members"]] == [300, 700]


def _parse(extra: str) -> Exception:
    import tomllib

    with pytest.raises(RulesError) as exc:
        parse_rules(tomllib.loads(RULES_TOML + extra), name="r.toml", text=RULES_TOML + extra)
    return exc.value


def test_rules_refuse_bad_composites() -> None:
    msg = str(_parse(HUB.replace('"kindergarten"]', '"kindergarden"]')))
    assert "kindergarden" in msg and "did you mean 'kindergarten'" in msg
    assert "'categories' must be a non-empty list" in str(_parse(HUB.replace('["elderly_canteen", "kindergarten"]',
                                                                              "[]")))  # fmt: skip
    assert "listed twice" in str(_parse(HUB.replace('"kindergarten"]', '"elderly_canteen"]')))
    assert "already a category" in str(_parse(HUB.replace('code = "hub"', 'code = "kindergarten"')))
    assert "did you mean 'categories'" in str(_parse(HUB.replace("categories =", "categorys =")))
    assert "did you mean 'composites'" in str(_parse(HUB.replace("[[composites]]", "[[composite]]")))


def test_default_rules_have_a_minsheng_hub() -> None:
    rules = load_rules(DEFAULT_RULES_PATH)
    hub = rules.composite("minsheng_hub")
    assert hub is not None and hub.name_zh.startswith("民生坊")
    assert set(hub.categories) <= set(rules.category_codes) and len(hub.categories) >= 4
    assert rules.siting_codes[-1] == "minsheng_hub"
    assert [m.code for m in rules.members("minsheng_hub")] == list(hub.categories)
    assert [m.code for m in rules.members("childcare")] == ["childcare"]


def test_unknown_siting_code_named_before_any_work(tmp_path: Path) -> None:
    files = _street(tmp_path)
    with pytest.raises(Exception, match="did you mean 'hub'"):
        run_plan(files["network"], files["facilities"], files["buildings"], files["rules"],
                 siting=[SitingRequest("hubb", 1, files["candidates"])])  # fmt: skip


def test_each_chosen_site_says_what_it_adds_and_siting_alone_agrees(tmp_path: Path) -> None:
    files = _street(tmp_path)
    hub = _site(files, "hub", 2)
    first, second = hub["per_site"]
    # the middle site first (7 elders + 7 children), then an end site adding its 10 of one kind
    assert first == {"site": "s-mid", "newly_covered": {"elderly_canteen": 7, "kindergarten": 7}}
    assert second["site"] in {"s-west", "s-east"} and sum(second["newly_covered"].values()) == 10
    for member in hub["members"]:
        assert (
            first["newly_covered"][member["category"]] + second["newly_covered"][member["category"]]
            == member["newly_covered"]
        )
    # the same selection without the health check before it (a city graded community by community)
    alone = run_siting(
        files["network"], files["facilities"], files["buildings"], SitingRequest("hub", 2, files["candidates"]),
        rules=load_rules(files["rules"]),
    )  # fmt: skip
    assert siting_dict(alone) == hub
