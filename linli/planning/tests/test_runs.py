"""Planning runs from the platform's own records: inputs snapshotted, run in the background, reproducible."""

import datetime as dt

import pytest

from linli.audit.models import AuditEntry
from linli.core.errors import DomainError, NotAllowed
from linli.facilities.models import Facility
from linli.places.models import Building
from linli.planning import adapter, services
from linli.planning.models import PlanRun

from .conftest import add_facility

pytestmark = pytest.mark.django_db


def test_inputs_count_residents_by_age_band_per_building(community, elderly):
    rules = adapter.parse_rules_text(adapter.rules_path().read_text())
    inputs = adapter.collect_inputs(communities=[community], rules=rules, day=dt.date.today())
    [building] = inputs["buildings"]["features"]
    assert building["properties"]["pop_60_plus"] == 5 and building["properties"]["pop_0_3"] == 1
    assert inputs["communities"]["features"][0]["properties"]["code"] == "shibei"


def test_a_run_computes_coverage_index_gaps_and_sites_in_the_background(
    community, elderly, users, django_capture_on_commit_callbacks
):
    building = Building.objects.get(community=community)
    add_facility(community, "elderly_canteen", building.lng + 0.0015, building.lat, name="喜柿餐厅")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.plan_run_request(
            actor=users["social_worker"], community=community, siting_category="kindergarten", siting_k=1
        )
    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE, run.error
    assert run.progress_done == run.progress_total > 0
    result = run.result
    canteen = next(c for c in result["coverage"] if c["category"] == "elderly_canteen")
    assert canteen["served_residents"] == 5 and canteen["facilities"] == 1
    assert [row["community"] for row in result["index"]] == ["shibei"]
    assert result["siting"][0]["category"] == "kindergarten"
    assert AuditEntry.objects.filter(action="plan_run.request").count() == 1
    # The same saved inputs give the same result.
    again = adapter.run(
        inputs=run.inputs,
        rules_text=run.rules_text,
        network_file=adapter.network_path(),
        siting_category="kindergarten",
        siting_k=1,
    ).to_dict()
    assert again["coverage"] == result["coverage"] and again["index"] == result["index"]


def test_a_run_checks_the_day_asked_for_and_refuses_a_day_to_come(community, elderly, users):
    building = Building.objects.get(community=community)
    today = dt.date.today()
    opened = add_facility(community, "elderly_canteen", building.lng + 0.0015, building.lat, name="喜柿餐厅")
    Facility.objects.filter(pk=opened.pk).update(opened_on=today - dt.timedelta(days=10))
    before = services.plan_run_request(
        actor=users["community_admin"], community=community, as_of=today - dt.timedelta(days=40)
    )
    now = services.plan_run_request(actor=users["community_admin"], community=community)
    assert before.inputs["day"] == (today - dt.timedelta(days=40)).isoformat()
    assert now.inputs["day"] == today.isoformat()
    assert len(before.inputs["facilities"]["features"]) == len(now.inputs["facilities"]["features"]) - 1
    audited = AuditEntry.objects.filter(action="plan_run.request").order_by("pk")
    assert [entry.after["as_of"] for entry in audited] == [before.inputs["day"], now.inputs["day"]]
    with pytest.raises(DomainError, match="体检日期不能晚于今天") as refused:
        services.plan_run_request(
            actor=users["community_admin"], community=community, as_of=today + dt.timedelta(days=1)
        )
    assert refused.value.field == "as_of" and PlanRun.objects.count() == 2


def test_runs_are_refused_to_residents_and_other_communities_staff(community, other_community, users):
    before = PlanRun.objects.count()
    with pytest.raises(NotAllowed):
        services.plan_run_request(actor=users["resident"], community=community)
    with pytest.raises(NotAllowed):
        services.plan_run_request(actor=users["community_admin"], community=other_community)
    assert PlanRun.objects.count() == before


def test_a_facility_far_from_every_way_fails_the_run_with_its_name(
    community, elderly, users, django_capture_on_commit_callbacks
):
    add_facility(community, "elderly_canteen", 121.5, 30.285, name="远方食堂")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.plan_run_request(actor=users["community_admin"], community=community)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert "远方食堂" in run.error or f"f{Facility.objects.get(name='远方食堂').pk}" in run.error


def test_bad_rules_and_bad_requests_are_refused_with_the_item_named(community, elderly, users, settings, tmp_path):
    with pytest.raises(DomainError):
        services.plan_run_request(
            actor=users["community_admin"], community=community, siting_category="nope", siting_k=1
        )
    bad = tmp_path / "rules.toml"
    bad.write_text(adapter.rules_path().read_text().replace('code = "market"', 'code = "flea_market"', 1))
    settings.PLANNING_RULES_FILE = str(bad)
    with pytest.raises(DomainError, match="flea_market"):
        services.plan_run_request(actor=users["community_admin"], community=community)
    assert not PlanRun.objects.exists()


def test_candidate_sites_are_checked_and_audited(community, other_community, users):
    site = services.candidate_site_create(
        actor=users["community_admin"], community=community, name="闲置厂房", lat=30.286, lng=120.136, floor_area_m2=300
    )
    assert AuditEntry.objects.filter(action="candidate_site.create").exists()
    with pytest.raises(DomainError):
        services.candidate_site_create(
            actor=users["community_admin"], community=community, name="闲置厂房", lat=30.286, lng=120.136
        )
    theirs = Building.objects.get(community=other_community)
    with pytest.raises(DomainError):
        services.candidate_site_create(
            actor=users["community_admin"], community=community, name="别处", building=theirs
        )
    with pytest.raises(NotAllowed):
        services.candidate_site_create(actor=users["grid_steward"], community=community, name="x", lat=30.2, lng=120.1)
    services.candidate_site_withdraw(actor=users["community_admin"], site=site)
    site.refresh_from_db()
    assert not site.active


def test_the_pages_show_the_engines_messages_in_the_readers_language(
    community, elderly, users, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from linli.conftest import client_for

    # a failed run: the reason is kept with its parameters and shown in the reader's language
    add_facility(community, "elderly_canteen", 121.5, 30.285, name="远方食堂")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.plan_run_request(actor=users["community_admin"], community=community)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED and run.result["error"]["template"]
    with translation.override("zh-hans"):
        assert "离最近的步行道路" in run.error_message and "设施" in run.error_message
    with translation.override("en"):
        assert "m from the nearest walkable way" in run.error_message
    body = client_for(users["community_admin"]).get(f"/planning/communities/{community.code}/").content.decode()
    assert "离最近的步行道路" in body and "nearest walkable way" not in body
    # a misspelt key in the rules file: refused before the run, named with the nearest valid key, in Chinese
    bad = tmp_path / "rules.toml"
    bad.write_text(adapter.rules_path().read_text().replace("radius_m =", "raduis_m =", 1))
    settings.PLANNING_RULES_FILE = str(bad)
    with (
        translation.override("zh-hans"),
        pytest.raises(DomainError, match="未知的键“raduis_m”（是否应为“radius_m”？）"),
    ):
        services.plan_run_request(actor=users["community_admin"], community=community)


def test_every_engine_message_has_a_chinese_translation():
    """Each template the core builds a message from is in the planning catalogue (the core has no Django)."""
    import ast
    from pathlib import Path

    import polib

    import linli.planning.core as core

    app = Path(core.__file__).parent.parent
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(app / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    missing = []
    for source in sorted(Path(core.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Message", "_unknown") and node.args:
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue
                ids = [first.value]
                if node.func.id == "_unknown":
                    ids = [first.value + " (did you mean '%(near)s'?)", first.value + " (known: %(known)s)"]
                missing += [f"{source.name}: {i}" for i in ids if not catalogue.get(i)]
    for kind in ("building", "facility", "community centre", "candidate site", "circle", "age band", "age group"):
        if not catalogue.get(kind):
            missing.append(kind)
    assert missing == []
