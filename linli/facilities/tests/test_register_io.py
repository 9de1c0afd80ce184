import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.core.errors import NotAllowed
from linli.core.tests.accessibility import file_text, raw_text_problems
from linli.facilities import register_io
from linli.facilities.models import Facility

from .factories import make_facility

pytestmark = pytest.mark.django_db


def workbook_with(rows):
    wb = load_workbook(io.BytesIO(register_io.register_xlsx(community=None)))  # the empty template
    ws = wb["设施台账"]
    headers = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(code, name="喜柿汇", building=None):
    return {
        "编号": code,
        "名称": name,
        "类别": "邻里中心",
        "性质": "普惠性",
        "层级": "中心",
        "所在楼栋": building,
        "建筑面积(㎡)": 800,
        "开放时间": "每天 08:00-20:00",
        "容量(人)": 60,
    }


def test_the_template_has_chinese_headers_and_lists_the_categories_by_name(community):
    content = register_io.register_xlsx(community=community)
    wb = load_workbook(io.BytesIO(content))
    assert [c.value for c in wb["设施台账"][1]][:5] == ["编号", "名称", "类别", "场景", "性质"]
    names = [r[0] for r in wb["类别"].iter_rows(min_row=2, values_only=True)]
    assert "社区服务站" in names and "社区食堂/老年食堂" in names
    text = file_text(content, "spreadsheetml") or ""
    assert raw_text_problems(text, chinese=True) == [], text


def test_an_import_adds_and_updates_by_code(community, users):
    building = community.buildings.first().name
    make_facility(community, code="H1", name="旧名")
    content = workbook_with([good_row("H1", "喜柿天地", building), good_row("C1", "喜柿汇一", building)])
    result = register_io.register_import_xlsx(actor=users["community_admin"], community=community, content=content)
    assert (result.created, result.updated) == (1, 1)
    h1 = Facility.objects.get(code="H1")
    assert (h1.name, h1.tier, h1.category.code, h1.scenario) == (
        "喜柿天地",
        "centre",
        "neighbourhood_centre",
        "neighbourhood",
    )
    assert h1.lat == community.buildings.first().lat


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(community, users):
    building = community.buildings.first().name
    bad = good_row("C2", "喜柿汇二", building)
    bad["容量(人)"] = "很多"
    content = workbook_with([good_row("C1", "喜柿汇一", building), bad, good_row("C3", "喜柿汇三", building)])
    audit_before = AuditEntry.objects.count()
    with pytest.raises(register_io.RegisterImportError) as exc:
        register_io.register_import_xlsx(actor=users["community_admin"], community=community, content=content)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "容量(人)")]
    assert "3" in str(exc.value.message) and "容量(人)" in str(exc.value.message)
    assert Facility.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_every_problem_is_reported_not_just_the_first(community, users):
    rows = [
        {**good_row("X1"), "类别": "火箭发射场"},
        {**good_row("X2"), "所在楼栋": "不存在的楼"},
        {**good_row("X1")},
    ]
    with pytest.raises(register_io.RegisterImportError) as exc:
        register_io.register_import_xlsx(
            actor=users["community_admin"], community=community, content=workbook_with(rows)
        )
    assert {(e.row, e.column) for e in exc.value.errors} >= {(2, "类别"), (3, "所在楼栋"), (4, "编号")}


def test_only_register_managers_import(community, users):
    with pytest.raises(NotAllowed):
        register_io.register_import_xlsx(actor=users["resident"], community=community, content=workbook_with([]))


def test_geojson_round_trip(community, other_community, users):
    make_facility(community, code="H1", shared=True).shared_with.add(other_community)
    doc = register_io.register_geojson(facilities=Facility.objects.all())
    feature = doc["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["category"] == "livelihood_hub"
    assert feature["properties"]["shared_with"] == ["limin"]
    Facility.objects.all().delete()
    result = register_io.register_import_geojson(
        actor=users["community_admin"], community=community, content=json.dumps(doc).encode()
    )
    assert result.created == 1
    assert list(Facility.objects.get(code="H1").shared_with.values_list("code", flat=True)) == ["limin"]


def test_the_register_writes_formula_names_as_text_and_reads_them_back(community, users):
    payload = '=HYPERLINK("http://x","y")'
    make_facility(community, code="F1", name=payload)
    content = register_io.register_xlsx(community=community, facilities=Facility.objects.filter(code="F1"))
    ws = load_workbook(io.BytesIO(content))["设施台账"]
    name = ws.cell(2, [c.value for c in ws[1]].index("名称") + 1)
    assert (name.data_type, name.value) == ("s", "'" + payload)
    register_io.register_import_xlsx(actor=users["community_admin"], community=community, content=content)
    assert Facility.objects.get(code="F1").name == payload  # the round trip keeps the name as it was typed


def _point(lng, lat="30.28"):
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"编号": "G1", "名称": "喜柿",'
        ' "类别": "邻里中心", "性质": "普惠性", "层级": "中心"}, "geometry": {"type": "Point", "coordinates": ['
        f"{lng}, {lat}]}}}}]}}"
    ).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type": "FeatureCollection", "features": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply"),
        (_point("NaN"), "NaN"),
        (_point("Infinity"), "Infinity"),
        (_point("120.1", "-Infinity"), "Infinity"),
        (_point("1e400"), "1e400"),
    ],
)
def test_a_geojson_nested_too_deep_or_with_non_finite_numbers_is_refused(community, users, content, message):
    client = client_for(users["community_admin"], "en")
    api = client.post(
        "/api/v1/communities/shibei/facilities/import",
        {"file": SimpleUploadedFile("bad.geojson", content, content_type="application/geo+json")},
    )
    assert api.status_code == 400, api.content
    assert message in api.json()["error"]["message"]
    page = client.post("/services/shibei/manage/", {"file": SimpleUploadedFile("bad.geojson", content)})
    assert page.status_code == 200 and message in page.content.decode()
    assert not Facility.objects.exists()


def test_a_non_finite_number_in_a_workbook_is_refused(community, users):
    content = workbook_with([{**good_row("N1"), "经度": "nan"}])
    with pytest.raises(register_io.RegisterImportError):
        register_io.register_import_xlsx(actor=users["community_admin"], community=community, content=content)
    assert not Facility.objects.exists()


def test_an_import_larger_than_10_mb_is_refused_by_the_api(community, users):
    big = SimpleUploadedFile("big.geojson", b" " * (10 * 1024 * 1024 + 1))
    response = client_for(users["community_admin"], "en").post(
        "/api/v1/communities/shibei/facilities/import", {"file": big}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The file is larger than 10 MB."
