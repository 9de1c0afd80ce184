"""Inputs that cannot mislead: each bad input is an error naming it (with a hint), or a warning kept in the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linli.planning.core import InputError, RulesError, SitingRequest, SnapError, load_rules, read_buildings, run_plan
from linli.planning.core.errors import Message

from .handmade import RULES_TOML, write_city


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _run(city: dict[str, Path], **kwargs: Any) -> Any:
    return run_plan(
        city["network"], city["facilities"], city["buildings"], city["rules"], city["communities"], **kwargs
    )


def _rules(tmp_path: Path, old: str, new: str) -> Path:
    assert old in RULES_TOML
    p = tmp_path / "rules.toml"
    p.write_text(RULES_TOML.replace(old, new, 1))
    return p


def test_a_facilities_file_with_no_features_is_an_error_not_an_index_of_zero(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    _edit(city["facilities"], lambda d: d.update(features=[]))
    with pytest.raises(InputError, match=r"facilities\.geojson: the file has no features"):
        _run(city)
    # where an empty register is legitimate (a new community on the pages) it is a warning kept in the result
    result = _run(city, allow_no_facilities=True).to_dict()
    assert "the facilities file has no features: every coverage and index is 0" in result["warnings"]


def test_categories_with_no_facility_are_named_in_a_warning(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    _edit(city["facilities"], lambda d: d.update(features=d["features"][:1]))  # the canteen only
    warnings = _run(city).to_dict()["warnings"]
    assert "no facility of 1 categories of the rules (kindergarten): their coverage is 0" in warnings


@pytest.mark.parametrize(
    ("rename", "message"),
    [
        # misspelt: the band would silently be 0 and *raise* the index; the nearest existing property is named
        (
            "pop_60plus",
            r"no building has the age-band property 'pop_60_plus' \(age band 'a60_plus' of the rules\); "
            r"the nearest property in the file is 'pop_60plus'",
        ),
        # nothing close: the properties the file has are listed
        ("elders", r"no building has the age-band property 'pop_60_plus' .*properties in the file: community, elders"),
    ],
)
def test_a_misnamed_age_band_property_is_an_error_naming_both(tmp_path: Path, rename: str, message: str) -> None:
    city = write_city(tmp_path)

    def change(d: dict[str, Any]) -> None:
        for f in d["features"]:
            f["properties"][rename] = f["properties"].pop("pop_60_plus")

    _edit(city["buildings"], change)
    with pytest.raises(InputError, match=message):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def test_a_building_missing_one_band_property_is_named(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    _edit(city["buildings"], lambda d: d["features"][2]["properties"].pop("pop_3_6"))
    with pytest.raises(InputError, match=r"building 'b3': the age-band property 'pop_3_6' is missing"):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def test_duplicate_building_ids_are_refused(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    _edit(city["buildings"], lambda d: d["features"][2]["properties"].update(id="b1"))
    with pytest.raises(InputError, match=r"building id 'b1' appears twice \(features #0 and #2\)"):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def test_an_unknown_top_level_rules_key_is_named_with_the_nearest_valid_one(tmp_path: Path) -> None:
    p = tmp_path / "rules.toml"
    p.write_text(RULES_TOML.replace("required_weight_factor = 2.0", "required_weigth_factor = 2.0"))
    with pytest.raises(
        RulesError, match=r"rules\.toml \(line 4\): unknown key 'required_weigth_factor' \(did you mean "
        r"'required_weight_factor'\?\)"
    ):  # fmt: skip
        load_rules(p)
    p.write_text("colour = 'blue'\n" + RULES_TOML)
    with pytest.raises(RulesError, match=r"unknown key 'colour' \(valid keys: age_bands, age_groups, categories"):
        load_rules(p)


def test_a_misspelt_key_is_reported_as_misspelt_not_as_the_right_key_missing(tmp_path: Path) -> None:
    p = _rules(tmp_path, "radius_m = 300", "raduis_m = 300")
    with pytest.raises(
        RulesError, match=r"category 'elderly_canteen': unknown key 'raduis_m' \(did you mean 'radius_m'\?\)"
    ):
        load_rules(p)
    p = _rules(tmp_path, 'circle = "min5"', 'circle = "min6"')
    with pytest.raises(RulesError, match=r"unknown circle 'min6' \(did you mean 'min5'\?\)"):
        load_rules(p)


@pytest.mark.parametrize("radius", ["0.3", "0", "-300", "50000"])
def test_a_radius_out_of_a_sensible_range_is_refused(tmp_path: Path, radius: str) -> None:
    p = _rules(tmp_path, "radius_m = 300", f"radius_m = {radius}")
    with pytest.raises(RulesError, match=r"category 'elderly_canteen': 'radius_m' must be between 50 and 5000"):
        load_rules(p)
    assert load_rules(_rules(tmp_path, "radius_m = 300", "radius_m = 50")).categories[0].radius_m == 50


def test_projected_metres_get_a_coordinate_system_hint(tmp_path: Path) -> None:
    city = write_city(tmp_path)

    def to_3857(d: dict[str, Any]) -> None:
        for f in d["features"]:
            lon, lat = f["geometry"]["coordinates"]
            f["geometry"]["coordinates"] = [lon * 111_319.49, lat * 124_000.0]

    _edit(city["buildings"], to_3857)
    with pytest.raises(
        InputError, match=r"building 'b1': coordinates \(13,375,.*\) are not longitude/latitude.*EPSG:3857"
    ):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def test_swapped_longitude_and_latitude_get_a_hint(tmp_path: Path) -> None:
    city = write_city(tmp_path)

    def swap(d: dict[str, Any]) -> None:
        for f in d["features"]:
            f["geometry"]["coordinates"] = f["geometry"]["coordinates"][::-1]

    _edit(city["buildings"], swap)  # (30.25, 120.15): the latitude is out of range
    with pytest.raises(
        InputError, match=r"building 'b1': latitude 120\.1.* out of range; are longitude and latitude swapped"
    ):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def test_points_thousands_of_km_away_get_a_coordinate_system_hint(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    _edit(city["facilities"], lambda d: d["features"][0]["geometry"].update(coordinates=[30.25, 60.0]))
    with pytest.raises(SnapError, match=r"facility 'canteen-1' is [\d,]+ m from .*check the coordinate system"):
        _run(city)


def test_a_bad_site_request_is_found_before_any_work(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    calls: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        calls.append(done)

    for request, message in [
        (SitingRequest("elderly_cantene", 1, city["candidates"]), r"unknown category 'elderly_cantene' \(did you mean "
                                                                    r"'elderly_canteen'\?\)"),
        (SitingRequest("elderly_canteen", 0, city["candidates"]), "between 1 and 100, got 0"),
        (SitingRequest("elderly_canteen", 1, tmp_path / "nope.geojson"), "candidates file .*nope.geojson.* does not"),
    ]:  # fmt: skip
        with pytest.raises(InputError, match=message):
            _run(city, siting=[request], progress=progress)
    assert calls == []  # nothing started


def test_the_progress_bar_is_weighted_and_never_goes_back(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    seen: list[tuple[int, int, str]] = []
    _run(city, siting=[SitingRequest("elderly_canteen", 1, city["candidates"])],
         progress=lambda d, t, m: seen.append((d, t, m)))  # fmt: skip
    done = [d for d, _t, _m in seen]
    assert done == sorted(done) and done[-1] == 100 and {t for _d, t, _m in seen} == {100}
    # loading the network (the slowest stage) starts near the beginning, not at 27/30
    load = next(d for d, _t, m in seen if m == "loading walking network")
    assert load <= 5
    # the searches (the slowest stage when the network is cached, as on the pages) take about half of the bar
    searches = [d for d, _t, m in seen if m.startswith("access to")]
    assert searches[0] <= 50 and searches[-1] >= 60
    assert all(isinstance(m, Message) for _d, _t, m in seen)


def test_the_dropped_pieces_warning_is_kept_in_the_result(tmp_path: Path) -> None:
    result = _run(write_city(tmp_path)).to_dict()
    assert result["warnings"][0].startswith("dropped 1 disconnected pieces of the walking network (2 nodes, 1 edges")
    detail = result["warning_details"][0]
    assert detail["template"].startswith("dropped %(components)s") and detail["params"]["components"] == 1


def test_a_file_in_another_encoding_is_named(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    city["buildings"].write_bytes(city["buildings"].read_text().replace("b1", "一号楼栋").encode("gb18030"))
    with pytest.raises(InputError, match=r"buildings\.geojson: not UTF-8 text"):
        read_buildings(city["buildings"], load_rules(city["rules"]))
