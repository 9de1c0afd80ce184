"""`linli plan` on files: the same engine, a progress bar, a clear error for bad input."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .handmade import write_city


def test_plan_command_writes_the_result_and_reports_progress(tmp_path):
    files = write_city(tmp_path)
    out, err = StringIO(), StringIO()
    call_command(
        "plan",
        network=str(files["network"]),
        buildings=str(files["buildings"]),
        facilities=str(files["facilities"]),
        communities=str(files["communities"]),
        rules=str(files["rules"]),
        site=[f"elderly_canteen:1:{files['candidates']}"],
        out=str(tmp_path / "result.json"),
        stdout=out,
        stderr=err,
    )
    result = json.loads((tmp_path / "result.json").read_text())
    assert {row["community"] for row in result["index"]} == {"C1", "C2"}
    assert result["siting"][0]["category"] == "elderly_canteen" and len(result["siting"][0]["selected"]) == 1
    assert result["inputs"]["network"]["sha256"]
    assert "supply index" in err.getvalue()


def test_plan_command_names_the_bad_item(tmp_path):
    files = write_city(tmp_path)
    bad_rules = tmp_path / "bad.toml"
    bad_rules.write_text(files["rules"].read_text().replace("distance_m = 300", "distance_m = -300", 1))
    with pytest.raises(CommandError, match=r"min5|-300|negative|radius|distance"):
        call_command(
            "plan",
            network=str(files["network"]),
            buildings=str(files["buildings"]),
            facilities=str(files["facilities"]),
            rules=str(bad_rules),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_plan_command_walks_as_a_profile_and_names_an_unknown_one(tmp_path):
    files = write_city(tmp_path)
    rules = files["rules"]
    rules.write_text(
        rules.read_text()
        + '\n[[profiles]]\ncode = "wheelchair"\nname_zh = "轮椅"\nname_en = "wheelchair"\nsteps = false\n'
    )
    args = {k: str(files[k]) for k in ("network", "buildings", "facilities", "communities", "rules")}
    call_command(
        "plan", **args, profile="wheelchair", out=str(tmp_path / "r.json"), stdout=StringIO(), stderr=StringIO()
    )
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["parameters"]["profile"] == "wheelchair" and result["network"]["profile"] == "wheelchair"
    assert {c["category"]: c["radius_min"] for c in result["coverage"]}
    with pytest.raises(CommandError, match="unknown walking profile 'skates'"):
        call_command("plan", **args, profile="skates", stdout=StringIO(), stderr=StringIO())
