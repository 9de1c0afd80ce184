"""Grids keep who stewarded them from when to when, so a past month's grid coverage reads that month's stewards."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.cockpit.queries.registry import run_query
from linli.conftest import client_for
from linli.places import services as place_services
from linli.places.models import Building, Grid, GridStewardship

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2026, m, 1) for m in range(2, 8)]  # February to July


def _on(monkeypatch, day):
    monkeypatch.setattr("linli.places.services.timezone.localdate", lambda: day)


def test_a_steward_from_march_to_may_and_another_from_june(community, users, make_user, monkeypatch):
    admin = users["community_admin"]
    grid = Grid.objects.get(community=community, code="G1")  # the fixture's one building is in it; no steward
    Building.objects.create(community=community, name="2幢", lat=30.285, lng=120.135)  # in no grid
    second = make_user(Role.GRID_STEWARD, community)

    _on(monkeypatch, dt.date(2026, 3, 10))
    place_services.grid_update(actor=admin, grid=grid, steward=users["grid_steward"])
    _on(monkeypatch, dt.date(2026, 5, 20))
    place_services.grid_update(actor=admin, grid=grid, steward=None)
    _on(monkeypatch, dt.date(2026, 6, 5))
    place_services.grid_update(actor=admin, grid=grid, steward=second)
    _on(monkeypatch, dt.date(2026, 6, 5))
    place_services.grid_update(actor=admin, grid=grid, name="红网格")  # not a change of steward
    monkeypatch.undo()

    rows = list(GridStewardship.objects.order_by("pk").values_list("steward", "started_on", "ended_on"))
    assert rows == [
        (users["grid_steward"].pk, dt.date(2026, 3, 10), dt.date(2026, 5, 20)),
        (second.pk, dt.date(2026, 6, 5), None),
    ]
    # two buildings, one in the grid: half covered while it had a steward on the month's last day
    assert [run_query("grid_coverage", community, m) for m in MONTHS] == [0.0, 50.0, 50.0, 0.0, 50.0, 50.0]
    assert AuditEntry.objects.filter(action="grid.update").count() == 4

    client = client_for(admin)
    listed = client.get("/api/v1/communities/shibei/grids/G1/stewardships").json()
    assert [(r["steward_id"], r["started_on"], r["ended_on"]) for r in listed] == [
        (second.pk, "2026-06-05", None),
        (users["grid_steward"].pk, "2026-03-10", "2026-05-20"),
    ]
    page = client.get("/places/communities/shibei/grids/G1/").content.decode()
    assert 'data-testid="stewardships"' in page and "2026-03-10" in page and "至今" in page


def test_a_steward_set_before_dates_were_kept_counts_until_changed(community, users, monkeypatch):
    grid = Grid.objects.get(community=community, code="G1")
    Grid.objects.filter(pk=grid.pk).update(steward=users["grid_steward"])  # as before the history was kept
    assert [run_query("grid_coverage", community, m) for m in MONTHS] == [100.0] * 6
    _on(monkeypatch, dt.date(2026, 4, 15))
    grid.refresh_from_db()
    place_services.grid_update(actor=users["community_admin"], grid=grid, steward=None)
    monkeypatch.undo()
    assert list(GridStewardship.objects.values_list("started_on", "ended_on")) == [(None, dt.date(2026, 4, 15))]
    assert [run_query("grid_coverage", community, m) for m in MONTHS] == [100.0, 100.0, 0.0, 0.0, 0.0, 0.0]


def test_revoking_the_role_ends_the_stewardship(community, users, monkeypatch):
    from linli.accounts.models import RoleAssignment

    grid = Grid.objects.get(community=community, code="G1")
    place_services.grid_update(actor=users["community_admin"], grid=grid, steward=users["grid_steward"])
    assignment = RoleAssignment.objects.get(user=users["grid_steward"], role=Role.GRID_STEWARD)
    place_services.staff_revoke(actor=users["community_admin"], community=community, assignment=assignment)
    stewardship = GridStewardship.objects.get()
    assert stewardship.ended_on is not None and Grid.objects.get(pk=grid.pk).steward is None


def test_a_past_month_counts_the_grids_buildings_were_in_then(community, users, make_user, monkeypatch):
    """Buildings moved between grids (dated, audited): a back-filled month counts the grids they were in then."""
    from linli.core.errors import DomainError
    from linli.places.models import GridMembership

    admin = users["community_admin"]
    stewarded = Grid.objects.get(community=community, code="G1")  # holds the fixture's one building
    place_services.grid_update(actor=admin, grid=stewarded, steward=users["grid_steward"], on=dt.date(2026, 1, 5))
    bare = place_services.grid_create(actor=admin, community=community, code="G9", name="无人网格")
    second = Building.objects.create(community=community, name="2幢", lat=30.285, lng=120.135)  # in no grid yet
    first = Building.objects.get(community=community, grid=stewarded)

    # the second building joins the stewarded grid from 10 March (recorded late, on 20 April)
    _on(monkeypatch, dt.date(2026, 4, 20))
    place_services.buildings_assign_grid(
        actor=admin, community=community, grid=stewarded, building_ids=[second.pk], on=dt.date(2026, 3, 10)
    )
    # the first moves to the grid without a steward on 12 May, and is out of every grid from 3 July
    _on(monkeypatch, dt.date(2026, 5, 12))
    place_services.buildings_assign_grid(actor=admin, community=community, grid=bare, building_ids=[first.pk])
    _on(monkeypatch, dt.date(2026, 7, 3))
    place_services.buildings_assign_grid(actor=admin, community=community, grid=None, building_ids=[first.pk])
    # a move cannot take effect before the building's last move, nor after today
    with pytest.raises(DomainError) as before_start:
        place_services.buildings_assign_grid(
            actor=admin, community=community, grid=bare, building_ids=[second.pk], on=dt.date(2026, 3, 1)
        )
    assert before_start.value.code == "before_start"
    with pytest.raises(DomainError) as future:
        place_services.buildings_assign_grid(
            actor=admin, community=community, grid=bare, building_ids=[second.pk], on=dt.date(2026, 7, 4)
        )
    assert future.value.code == "future_date"
    monkeypatch.undo()

    rows = list(
        GridMembership.objects.order_by("building", "pk").values_list("building", "grid", "started_on", "ended_on")
    )
    assert rows == [
        (first.pk, stewarded.pk, None, dt.date(2026, 5, 12)),  # there before the dates were kept
        (first.pk, bare.pk, dt.date(2026, 5, 12), dt.date(2026, 7, 3)),
        (second.pk, stewarded.pk, dt.date(2026, 3, 10), None),
    ]
    # Feb: 1 of 2 buildings in a stewarded grid; Mar–Apr: both; May–Jun: the second only; Jul: the second only
    assert [run_query("grid_coverage", community, m) for m in MONTHS] == [50.0, 100.0, 100.0, 50.0, 50.0, 50.0]
    assert Building.objects.get(pk=first.pk).grid is None
    moves = AuditEntry.objects.filter(action="grid.assign_buildings").order_by("pk")
    assert [m.after["on"] for m in moves] == ["2026-03-10", "2026-05-12", "2026-07-03"]


def test_the_api_dates_moves_and_stewards(community, users):
    from linli.places.models import GridMembership

    client = client_for(users["community_admin"])
    building = Building.objects.create(community=community, name="2幢", lat=30.285, lng=120.135)
    moved = client.post(
        "/api/v1/communities/shibei/grids/G1/buildings",
        {"building_ids": [building.pk], "on": "2026-02-03"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json() == {"moved": 1}
    assert GridMembership.objects.get(building=building).started_on == dt.date(2026, 2, 3)
    patched = client.patch(
        "/api/v1/communities/shibei/grids/G1",
        {"steward_id": users["grid_steward"].pk, "on": "2026-02-10"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert GridStewardship.objects.get().started_on == dt.date(2026, 2, 10)
    future = client.patch(
        "/api/v1/communities/shibei/grids/G1", {"steward_id": None, "on": "2999-01-01"}, content_type="application/json"
    )
    assert future.status_code == 400 and GridStewardship.objects.get().ended_on is None
