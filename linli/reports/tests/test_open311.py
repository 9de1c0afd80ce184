"""Open311 GeoReport v2, each endpoint in XML and JSON, checked against the specification's own examples."""

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.reports import services
from linli.reports.models import ApiClient, Category, CategoryAttribute, Report

from .conftest import CENTRE

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

# The specification's examples (http://wiki.open311.org/GeoReport_v2), as documents.
SPEC_SERVICE_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
  <service_code>DMV66</service_code>
  <attributes>
    <attribute>
      <variable>true</variable>
      <code>WHISHETN</code>
      <datatype>singlevaluelist</datatype>
      <required>true</required>
      <datatype_description></datatype_description>
      <order>1</order>
      <description>What is the ticket/tag/DL number?</description>
      <values>
        <value><key>123</key><name>Ford</name></value>
        <value><key>124</key><name>Chrysler</name></value>
      </values>
    </attribute>
  </attributes>
</service_definition>"""
SPEC_SERVICE_DEFINITION_JSON = {
    "service_code": "DMV66",
    "attributes": [
        {
            "variable": True,
            "code": "WHISHETN",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": None,
            "order": 1,
            "description": "What is the ticket/tag/DL number?",
            "values": [{"key": 123, "name": "Ford"}, {"key": 124, "name": "Chrysler"}],
        }
    ],
}
SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services>
  <service>
    <service_code>001</service_code>
    <service_name>Cans left out 24x7</service_name>
    <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. \
Violators will be cited.</description>
    <metadata>true</metadata>
    <type>realtime</type>
    <keywords>lorem, ipsum, dolor</keywords>
    <group>sanitation</group>
  </service>
</services>"""
SPEC_REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def tree(xml: bytes | str) -> Any:
    """An XML document as nested (tag, text, children), whitespace ignored, to compare documents."""

    def walk(e: ET.Element) -> Any:
        return (e.tag, (e.text or "").strip(), [walk(c) for c in e])

    return walk(ET.fromstring(xml.encode() if isinstance(xml, str) else xml))


@pytest.fixture
def spec_services(community: Any, steward: Any) -> tuple[Category, Category]:
    cans = Category.objects.create(
        community=community,
        code="001",
        name="Cans left out 24x7",
        description="Garbage or recycling cans that have been left out for more than 24 hours after collection. "
        "Violators will be cited.",
        keywords="lorem, ipsum, dolor",
        group="sanitation",
        service_notice="The City will inspect and require the responsible party to correct within 24 hours",
    )
    CategoryAttribute.objects.create(category=cans, code="BINS", datatype="number", order=1, description="How many?")
    dmv = Category.objects.create(community=community, code="DMV66", name="DMV", order=1, open311_type="batch")
    CategoryAttribute.objects.create(
        category=dmv,
        code="WHISHETN",
        datatype="singlevaluelist",
        required=True,
        order=1,
        description="What is the ticket/tag/DL number?",
        values=[{"key": 123, "name": "Ford"}, {"key": 124, "name": "Chrysler"}],
    )
    return cans, dmv


def get(path: str, **params: Any) -> Any:
    return Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/open311/v2/{path}", params)


def post(path: str, data: dict[str, Any]) -> Any:
    """Error descriptions follow Accept-Language (Chinese by default); these tests read the English ones."""
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(f"/open311/v2/{path}", data)


def errors_of(response: Any, fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert isinstance(body, list) and body
        return body
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    found = []
    for error in root:
        assert error.tag == "error" and [c.tag for c in error] == ["code", "description"]
        found.append({"code": int(error.findtext("code") or 0), "description": error.findtext("description")})
    return found


def test_discovery_in_both_formats(db: Any) -> None:
    xml = get("discovery.xml")
    assert xml.status_code == 200 and xml["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(xml.content)
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None and endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    body = get("discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["endpoints"][0]["url"].endswith("/open311/v2") and W3C.match(body["changeset"])


def test_services_match_the_specification_example(spec_services: Any) -> None:
    xml = get("services.xml")
    assert xml.status_code == 200
    doc = tree(xml.content)
    assert doc[0] == "services"
    assert doc[2][0] == tree(SPEC_SERVICES_XML)[2][0]  # the example service, element for element
    assert doc[2][1][2][3] == ("metadata", "true", []) and doc[2][1][2][4] == ("type", "batch", [])
    body = get("services.json").json()
    assert body[0] == {
        "service_code": "001",
        "service_name": "Cans left out 24x7",
        "description": "Garbage or recycling cans that have been left out for more than 24 hours after collection. "
        "Violators will be cited.",
        "metadata": True,
        "type": "realtime",
        "keywords": "lorem, ipsum, dolor",
        "group": "sanitation",
    }


def test_service_definition_matches_the_specification_example(spec_services: Any) -> None:
    xml = get("services/DMV66.xml")
    assert xml.status_code == 200
    assert tree(xml.content) == tree(SPEC_SERVICE_DEFINITION_XML)
    assert get("services/DMV66.json").json() == SPEC_SERVICE_DEFINITION_JSON


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_a_request_form_encoded_with_attributes(spec_services: Any, api_key: str, fmt: str) -> None:
    response = post(
        f"requests.{fmt}",
        {
            "api_key": api_key,
            "service_code": "001",
            "lat": CENTRE[0],
            "long": CENTRE[1],
            "attribute[BINS]": "3",
            "description": "Two green bins by the gate since Monday",
            "first_name": "Li",
            "last_name": "Ming",
            "email": "li@example.com",
            "phone": "+86 139 1234 5678",
        },
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.source == "open311" and report.attributes == {"BINS": 3}
    assert report.guest_mobile == "13912345678" and report.reporter_name == "Li Ming"
    notice = "The City will inspect and require the responsible party to correct within 24 hours"
    if fmt == "json":
        assert response.json() == [{"service_request_id": report.pk, "service_notice": notice, "account_id": None}]
    else:
        assert tree(response.content) == (
            "service_requests",
            "",
            [
                (
                    "request",
                    "",
                    [
                        ("service_request_id", str(report.pk), []),
                        ("service_notice", notice, []),
                        ("account_id", "", []),
                    ],
                )
            ],
        )
        assert b"<account_id />" in response.content  # empty, as in the example


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_batch_services_answer_a_token_that_gives_the_request_id(spec_services: Any, api_key: str, fmt: str) -> None:
    response = post(
        f"requests.{fmt}",
        {"api_key": api_key, "service_code": "DMV66", "address_string": "市北社区1幢", "attribute[WHISHETN]": "123"},
    )
    assert response.status_code == 201
    report = Report.objects.get()
    if fmt == "json":
        body = response.json()
        assert body == [{"token": report.token, "service_notice": "", "account_id": None}]
    else:
        assert ET.fromstring(response.content).findtext("request/token") == report.token
        assert ET.fromstring(response.content).find("request/service_request_id") is None
    got = get(f"tokens/{report.token}.{fmt}")
    assert got.status_code == 200
    if fmt == "json":
        assert got.json() == [{"service_request_id": report.pk, "token": report.token}]
    else:
        assert tree(got.content) == (
            "service_requests",
            "",
            [("request", "", [("service_request_id", str(report.pk), []), ("token", report.token, [])])],
        )


def test_multivalue_attributes_and_address_id(community: Any, steward: Any, api_key: str) -> None:
    category = Category.objects.create(community=community, code="noise", name="噪音")
    CategoryAttribute.objects.create(
        category=category,
        code="src",
        datatype="multivaluelist",
        order=1,
        description="From",
        values=[{"key": "shop", "name": "商铺"}, {"key": "dance", "name": "广场舞"}],
    )
    building = community.buildings.get()
    response = Client().post(
        "/open311/v2/requests.json",
        f"api_key={api_key}&service_code=noise&address_id={building.pk}&attribute[src][]=shop&attribute[src][]=dance&description=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.attributes == {"src": ["shop", "dance"]} and report.building == building and report.grid is not None


def make_reports(community: Any, category: Any, now: dt.datetime, ages_days: list[float], **extra: Any) -> list[Report]:
    return [
        services.report_submit(
            actor=None,
            community=community,
            category=category,
            description=f"#{i}",
            lat=CENTRE[0],
            lng=CENTRE[1],
            source=Report.Source.OPEN311,
            now=now - dt.timedelta(days=age),
            **extra,
        )
        for i, age in enumerate(ages_days)
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_requests_with_defaults_and_every_filter(spec_services: Any, steward: Any, fmt: str) -> None:
    cans, dmv = spec_services
    now = dt.datetime.now(dt.UTC)
    old, recent, newest = make_reports(cans.community, cans, now, [120, 10, 1])
    (other,) = make_reports(cans.community, dmv, now, [2], attributes={"WHISHETN": ["124"]})
    services.report_accept(actor=steward, report=recent, now=now)
    services.report_resolve(actor=steward, report=recent, note="Cans taken in.", now=now)

    def ids(**params: Any) -> list[int]:
        response = get(f"requests.{fmt}", **params)
        assert response.status_code == 200, response.content
        if fmt == "json":
            body = response.json()
            assert isinstance(body, list)
            return [r["service_request_id"] for r in body]
        root = ET.fromstring(response.content)
        assert root.tag == "service_requests"
        return [int(r.findtext("service_request_id") or 0) for r in root.findall("request")]

    assert ids() == [newest.pk, other.pk, recent.pk]  # the last 90 days, newest first
    assert ids(service_code="001") == [newest.pk, recent.pk]
    assert ids(service_code="001,DMV66") == [newest.pk, other.pk, recent.pk]
    assert ids(status="closed") == [recent.pk]
    assert ids(status="open") == [newest.pk, other.pk]
    assert ids(status="open,closed") == [newest.pk, other.pk, recent.pk]
    start = (now - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - dt.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == [old.pk]
    assert ids(start_date=start) == [old.pk]  # 90 days from the start
    assert ids(end_date=end) == [old.pk]  # 90 days up to the end
    assert ids(service_request_id=f"{old.pk},{newest.pk}", service_code="DMV66") == [newest.pk, old.pk]  # overrides


def test_a_request_has_every_field_of_the_specification(spec_services: Any, steward: Any) -> None:
    cans, _ = spec_services
    (report,) = make_reports(cans.community, cans, dt.datetime.now(dt.UTC), [0])
    services.report_add_note(actor=steward, report=report, note="Inspector on the way.", public=True)
    body = get(f"requests/{report.pk}.json").json()
    assert len(body) == 1 and list(body[0]) == SPEC_REQUEST_FIELDS
    item = body[0]
    assert item["status"] == "open" and item["status_notes"] == "Inspector on the way."
    assert item["service_code"] == "001" and item["service_name"] == "Cans left out 24x7"
    assert item["lat"] == CENTRE[0] and item["long"] == CENTRE[1]
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[key]) and item[key].endswith("+08:00")
    xml = get(f"requests/{report.pk}.xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "service_requests" and [c.tag for c in root.find("request")] == SPEC_REQUEST_FIELDS  # type: ignore[union-attr]
    assert root.findtext("request/long") == str(CENTRE[1])


def test_get_requests_is_a_fixed_number_of_queries(spec_services: Any, steward: Any) -> None:
    cans, _ = spec_services
    make_reports(cans.community, cans, dt.datetime.now(dt.UTC), [1, 2, 3, 4, 5, 6])
    with CaptureQueriesContext(connection) as queries:
        assert len(get("requests.json").json()) == 6
    assert len(queries) <= 4  # communities, reports (+category, building), photos


# --- errors, each in the specification's form and with the right HTTP status ---------------------------


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_errors(spec_services: Any, api_key: str, fmt: str) -> None:
    location = {"lat": CENTRE[0], "long": CENTRE[1]}
    cases = [
        ({"service_code": "001", **location}, 403, "api_key"),
        ({"api_key": "wrong", "service_code": "001", **location}, 403, "Invalid api_key"),
        ({"api_key": api_key, **location}, 400, "service_code"),
        ({"api_key": api_key, "service_code": "NOPE", **location}, 404, "service_code"),
        ({"api_key": api_key, "service_code": "001"}, 400, "location"),
        ({"api_key": api_key, "service_code": "001", "lat": 31.9, "long": 121.0}, 400, ""),
        ({"api_key": api_key, "service_code": "001", "lat": "north", "long": 1}, 400, "lat"),
        ({"api_key": api_key, "service_code": "001", "description": "x" * 5000, **location}, 400, "4000"),
        ({"api_key": api_key, "service_code": "DMV66", **location}, 400, ""),
        ({"api_key": api_key, "service_code": "001", "media_url": "javascript:alert(1)", **location}, 400, "media_url"),
    ]
    for data, status, words in cases:
        response = post(f"requests.{fmt}", data)
        assert response.status_code == status, (data, response.content)
        (error,) = errors_of(response, fmt)
        assert error["code"] == status and words in error["description"]
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_errors(spec_services: Any, fmt: str) -> None:
    now = dt.datetime.now(dt.UTC)
    cases = [
        ("requests/999999", {}, 404),
        ("requests/abc", {}, 404),
        ("tokens/nope", {}, 404),
        ("services/NOPE", {}, 404),
        ("requests", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-15T00:00:00Z"}, 400),
        ("requests", {"start_date": "yesterday"}, 400),
        ("requests", {"status": "pending"}, 400),
        ("requests", {"service_request_id": "1;2"}, 400),
        ("requests", {"end_date": (now - dt.timedelta(days=1)).isoformat(), "start_date": now.isoformat()}, 400),
        ("requests", {"jurisdiction_id": "atlantis"}, 404),
        ("services", {"jurisdiction_id": "atlantis"}, 404),
        ("nothing/here", {}, 404),
    ]
    for path, params, status in cases:
        response = get(f"{path}.{fmt}", **params)
        assert response.status_code == status, (path, params, response.content)
        (error,) = errors_of(response, fmt)
        assert error["code"] == status and error["description"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction_is_required_where_several_communities_are_served(
    spec_services: Any, other_community: Any, api_key: str, fmt: str
) -> None:
    response = get(f"services.{fmt}")
    assert response.status_code == 400
    assert "jurisdiction_id" in errors_of(response, fmt)[0]["description"]
    assert get(f"services.{fmt}", jurisdiction_id="shibei").status_code == 200
    assert get(f"services.{fmt}", jurisdiction_id="limin").status_code == 200
    # A key belongs to one community: it may not create requests in another.
    response = post(
        f"requests.{fmt}",
        {"jurisdiction_id": "limin", "api_key": api_key, "service_code": "001", "address_string": "利民"},
    )
    assert response.status_code == 403


def test_revoked_keys_are_refused_and_keys_are_rate_limited(spec_services: Any, admin_user: Any) -> None:
    client, key = services.api_client_issue(
        actor=admin_user, community=spec_services[0].community, name="Hotline", requests_per_hour=2
    )
    data = {"api_key": key, "service_code": "001", "lat": CENTRE[0], "long": CENTRE[1]}
    assert post("requests.json", data).status_code == 201
    assert post("requests.json", data).status_code == 201
    limited = post("requests.json", data)
    assert limited.status_code == 429 and limited.json()[0]["code"] == 429
    services.api_client_revoke(actor=admin_user, client=client)
    assert post("requests.json", data).status_code == 403
    assert ApiClient.objects.get().last_used_at is not None


def test_error_descriptions_are_in_chinese_by_default(spec_services: Any) -> None:
    response = Client().get("/open311/v2/requests/999999.json")
    assert response.status_code == 404 and "未找到" in response.json()[0]["description"]


def test_wrong_methods_answer_405_in_the_error_form(spec_services: Any) -> None:
    response = Client().post("/open311/v2/services.xml")
    assert response.status_code == 405 and errors_of(response, "xml")[0]["code"] == 405


def test_openapi_document_describes_every_endpoint(db: Any) -> None:
    doc = Client().get("/open311/v2/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/open311/v2/discovery.{format}",
        "/open311/v2/services.{format}",
        "/open311/v2/services/{service_code}.{format}",
        "/open311/v2/requests.{format}",
        "/open311/v2/requests/{service_request_id}.{format}",
        "/open311/v2/tokens/{token}.{format}",
    }
    json.dumps(doc)
