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
        lang="en",
        stdout=out,
        stderr=err,
    )
    result = json.loads((tmp_path / "result.json").read_text())
    assert {row["community"] for row in result["index"]} == {"C1", "C2"}
    assert result["siting"][0]["category"] == "elderly_canteen" and len(result["siting"][0]["selected"]) == 1
    assert result["inputs"]["network"]["sha256"]
    assert "supply index" in err.getvalue()
    # both communities of the hand-made city are under the default line of 70 (26.79 and 57.14)
    assert "C1: supply index 26.79, under-supplied" in err.getvalue()
    assert "C2: supply index 57.14, under-supplied" in err.getvalue()


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
        call_command("plan", **args, profile="skates", lang="en", stdout=StringIO(), stderr=StringIO())


def _plan(files, **options):
    out, err = StringIO(), StringIO()
    args = {
        "network": str(files["network"]),
        "buildings": str(files["buildings"]),
        "facilities": str(files["facilities"]),
        "communities": str(files["communities"]),
        "rules": str(files["rules"]),
        **options,
    }
    call_command("plan", stdout=out, stderr=err, **args)
    return out.getvalue(), err.getvalue()


def test_plan_prints_the_dropped_pieces_warning_in_the_chosen_language(tmp_path):
    files = write_city(tmp_path)
    _out, err = _plan(files, out=str(tmp_path / "r.json"), lang="en")
    assert "Warning: dropped 1 disconnected pieces of the walking network" in err
    assert "100% done" in err  # the bar ends full, in per cent
    _out, err = _plan(files, out=str(tmp_path / "r.json"), lang="zh-hans")
    assert "注意：步行路网中有 1 块与主网不连通，已舍去" in err and "已写入" in _out
    assert json.loads((tmp_path / "r.json").read_text())["warnings"][0].startswith("dropped 1")


def test_plan_finds_a_bad_out_folder_and_site_before_any_work(tmp_path):
    files = write_city(tmp_path)
    with pytest.raises(CommandError, match=r"--out: folder .*missing.* does not exist") as caught:
        _plan(files, out=str(tmp_path / "missing" / "r.json"), lang="en")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match=r"K must be a whole number between 1 and 100, not 'three'"):
        _plan(files, site=[f"elderly_canteen:three:{files['candidates']}"], lang="en")
    with pytest.raises(CommandError, match=r"unknown category 'kindergarden' \(did you mean 'kindergarten'\?\)"):
        _plan(files, site=[f"kindergarden:1:{files['candidates']}"], lang="en")


def test_plan_errors_are_in_the_chosen_language(tmp_path):
    files = write_city(tmp_path)
    (tmp_path / "rules.toml").write_text(files["rules"].read_text().replace("radius_m = 300", "radius_m = 0.3", 1))
    with pytest.raises(CommandError, match=r"“radius_m”须在 50 到 5000 之间，实际为 0.3") as caught:
        _plan(files, lang="zh-hans")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match=r"'radius_m' must be between 50 and 5000, got 0.3"):
        _plan(files, lang="en")


def test_linli_plan_never_shows_a_traceback(tmp_path):
    """From the real command line: a message and exit code 2, for an option error and for a file error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    files = write_city(tmp_path)
    linli = str(Path(sys.executable).with_name("linli"))
    base = [linli, "plan", "--network", str(files["network"]), "--buildings",
            str(files["buildings"]), "--facilities", str(files["facilities"]), "--lang", "en", "--rules",
            str(files["rules"])]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    bad_site = subprocess.run(
        [*base, "--site", f"elderly_canteen:three:{files['candidates']}"], capture_output=True, text=True, env=env
    )
    assert bad_site.returncode == 2 and "Traceback" not in bad_site.stderr
    assert "K must be a whole number" in bad_site.stderr
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    empty = subprocess.run(
        [*base[:7], str(tmp_path / "empty.geojson"), *base[8:]], capture_output=True, text=True, env=env
    )
    assert empty.returncode == 2 and "Traceback" not in empty.stderr
    assert "empty.geojson: the file has no features" in empty.stderr
