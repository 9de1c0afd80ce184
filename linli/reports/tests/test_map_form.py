"""随手拍 from the map: a tap between the grids is routed, a missed pin falls back to the chosen building, buildings in
natural order, "my home" preselected, the photo and the answers kept when a submit is refused."""

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError
from linli.places.models import Building, Community, Grid
from linli.places.selectors import building_choices, natural_key
from linli.reports.models import Report
from linli.reports.services.intake import grid_at, report_locate

from .conftest import CENTRE, jpeg_with_gps
from .test_pages import form_data

LAT, LNG = CENTRE


def two_grids_with_a_gap(community: Community) -> tuple[Grid, Grid, Building]:
    """G1 is narrowed to the west half of the community, G2 drawn around a building in the east, a road between."""
    west = Grid.objects.get(community=community, code="G1")
    west.boundary = {
        "type": "Polygon",
        "coordinates": [[[LNG - 0.005, LAT - 0.005], [LNG + 0.0005, LAT - 0.005], [LNG + 0.0005, LAT + 0.005],
                         [LNG - 0.005, LAT + 0.005], [LNG - 0.005, LAT - 0.005]]],
    }  # fmt: skip
    west.save()
    east = Grid.objects.create(
        community=community,
        code="G2",
        name="东网格",
        boundary={
            "type": "Polygon",
            "coordinates": [[[LNG + 0.003, LAT - 0.005], [LNG + 0.005, LAT - 0.005], [LNG + 0.005, LAT + 0.005],
                             [LNG + 0.003, LAT + 0.005], [LNG + 0.003, LAT - 0.005]]],
        },
    )  # fmt: skip
    building = Building.objects.create(community=community, grid=east, name="12幢", lat=LAT, lng=LNG + 0.0035)
    return west, east, building


def test_a_tap_between_grids_inside_the_community_goes_to_the_nearest_buildings_grid(community: Community) -> None:
    west, east, _building = two_grids_with_a_gap(community)
    # the road between the grids: no outline holds it, the east grid's building is nearest
    assert grid_at(community=community, lng=LNG + 0.0026, lat=LAT) == east
    assert grid_at(community=community, lng=LNG + 0.0008, lat=LAT) == west  # nearer the west grid's 1幢
    assert grid_at(community=community, lng=LNG + 0.004, lat=LAT) == east  # inside an outline, as before
    assert grid_at(community=community, lng=LNG + 0.02, lat=LAT) is None  # outside the community
    location = report_locate(community=community, lat=LAT, lng=LNG + 0.0026)
    assert location.grid == east


def test_a_missed_pin_falls_back_to_the_building_chosen(community: Community) -> None:
    _west, east, building = two_grids_with_a_gap(community)
    location = report_locate(community=community, lat=LAT + 0.05, lng=LNG, building=building)
    assert location.grid == east and location.building == building and location.lat == building.lat
    try:
        report_locate(community=community, lat=LAT + 0.05, lng=LNG)
    except DomainError as exc:
        assert exc.code == "outside_grids"
    else:
        raise AssertionError("a point outside the community without a building must be refused")


def test_buildings_sort_naturally_and_the_form_lists_them_so(
    community: Community, category: Any, resident_user: Any
) -> None:
    assert sorted(["10幢", "2幢", "1幢", "11幢", "A区3幢"], key=natural_key) == ["1幢", "2幢", "10幢", "11幢", "A区3幢"]
    for name in ("10幢", "2幢", "11幢", "3幢"):
        Building.objects.create(community=community, name=name, lat=LAT, lng=LNG)
    names = [b.name for b in building_choices(community=community)]
    assert names[:4] == ["2幢", "3幢", "10幢", "11幢"]
    page = client_for(resident_user).get(f"/reports/{community.code}/new/").content.decode()
    listed = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page.split('name="building"')[1])
    assert listed[:4] == ["2幢", "3幢", "10幢", "11幢"]
    assert 'id="building-search"' in page


def test_my_home_is_preselected_and_drawn_on_the_map(community: Community, category: Any, make_user: Any) -> None:
    user = make_user()
    resident = make_resident(community, user=user)
    home = resident.household.building
    page = client_for(user).get(f"/reports/{community.code}/new/").content.decode()
    assert f'<option value="{home.pk}" selected>' in page
    assert f'class="bldg home" data-id="{home.pk}"' in page
    assert "我的家" in page and "（我的家）" in page


def test_a_refused_submit_keeps_the_photo_and_the_answers(
    community: Community, category: Any, steward: Any, resident_user: Any
) -> None:
    client = client_for(resident_user)
    photo = SimpleUploadedFile("lamp.jpg", jpeg_with_gps(), content_type="image/jpeg")
    refused = client.post(
        f"/reports/{community.code}/new/",
        {**form_data(category, lat=LAT + 0.05, **{"attribute[floor]": "1"}), "photos": [photo]},
    )
    assert refused.status_code == 400 and Report.objects.count() == 0
    html = refused.content.decode()
    assert 'data-testid="photos-kept"' in html and "网格" in html
    token = re.search(r'name="pending_photos" value="([^"]+)"', html).group(1)
    assert '"floor": ["1"]' in html  # the answers, for the script to fill in again
    assert "楼道灯坏了" in html  # the description stays in the form

    # someone else's session cannot use the token
    other = client_for(steward)
    other.post(f"/reports/{community.code}/new/", {**form_data(category), "pending_photos": token})
    assert Report.objects.get().photos.count() == 0
    Report.objects.all().delete()

    ok = client.post(f"/reports/{community.code}/new/", {**form_data(category), "pending_photos": token})
    report = Report.objects.get()
    assert ok.status_code == 302 and report.photos.count() == 1
    again = client.post(f"/reports/{community.code}/new/", {**form_data(category), "pending_photos": token})
    assert again.status_code == 302 and Report.objects.latest("pk").photos.count() == 0  # used once


def test_a_steward_of_another_grid_sees_why_there_are_no_actions(
    community: Community, category: Any, steward: Any, resident_user: Any, make_user: Any
) -> None:
    from linli.accounts.models import Role

    client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    report = Report.objects.get()
    other = make_user(Role.GRID_STEWARD, community, display_name="李强")
    Grid.objects.create(community=community, code="G9", name="西网格", steward=other)
    page = client_for(other).get(f"/reports/{community.code}/{report.pk}/").content.decode()
    assert 'data-testid="why-no-actions"' in page and "王芳" in page and report.grid.name in page
    assert 'id="handle"' not in page
    own = client_for(steward).get(f"/reports/{community.code}/{report.pk}/").content.decode()
    assert 'data-testid="why-no-actions"' not in own and 'id="handle"' in own


def test_photos_kept_for_a_submit_nobody_came_back_to_are_swept_after_a_day() -> None:
    import datetime as dt

    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.utils import timezone

    from linli.reports import pending
    from linli.reports.photos import photo_clean

    session = SessionStore()
    token = pending.pending_keep(session, [photo_clean(SimpleUploadedFile("a.jpg", jpeg_with_gps()))])
    assert pending.pending_count(session, token) == 1
    assert pending.pending_sweep() == 0  # fresh: kept
    assert pending.pending_sweep(now=timezone.now() + dt.timedelta(days=2)) >= 1
    assert pending.pending_take(session, token) == []
