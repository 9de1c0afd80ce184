"""Out-of-range or malformed dates, months and years in pages and API calls: a 400 with a message, never a 500."""

import pytest

from linli.conftest import client_for
from linli.core.errors import DomainError
from linli.core.parsing import JSONRefused, json_loads_strict, parse_date, parse_month, parse_year

pytestmark = pytest.mark.django_db

RANGE = "Choose a date between the years 1900 and 2100."
DATE = "Enter a date as YYYY-MM-DD."
MONTH = "Enter a month as YYYY-MM."


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/canteen/shibei/counter/?date=99999-01-01", DATE),
        ("/canteen/shibei/counter/?date=0001-01-01", RANGE),
        ("/canteen/shibei/counter/?date=9999-12-31", RANGE),
        ("/canteen/shibei/statement/?month=2026-13", MONTH),
        ("/canteen/shibei/statement/?month=99999-01", MONTH),
        ("/courses/shibei/attendance/?date=0001-01-01", RANGE),
        ("/courses/shibei/attendance/?date=9999-12-31", RANGE),
        ("/company/shibei/statement/?month=2026-13", MONTH),
        ("/company/shibei/statement.xlsx?month=2026-13", MONTH),
        ("/company/shibei/statement.xlsx?month=0-1", RANGE),
        ("/ledger/c/shibei/?year=99999", "Enter a year such as 2026."),
        ("/ledger/c/shibei/?year=9999", RANGE),
        ("/services/shibei/day/?date=0001-01-01", RANGE),
        ("/services/shibei/day/?date=9999-12-31", RANGE),
        ("/services/shibei/day/?date=2026-02-30", DATE),
    ],
)
def test_pages_answer_400_with_a_message(community, users, path, message):
    response = client_for(users["community_admin"], "en").get(path)
    assert response.status_code == 400, path
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/communities/shibei/canteen/orders?date=0001-01-01", RANGE),
        ("/api/v1/communities/shibei/canteen/orders?date=9999-12-31", RANGE),
        ("/api/v1/communities/shibei/day-sheet?date=0001-01-01", RANGE),
        ("/api/v1/communities/shibei/day-sheet?date=9999-12-31", RANGE),
        ("/api/v1/communities/shibei/canteen/statements/economic_cooperative/2026-13", MONTH),
        ("/api/v1/communities/shibei/canteen/statements/economic_cooperative/99999-01", MONTH),
    ],
)
def test_api_answers_400_with_a_message(community, users, path, message):
    response = client_for(users["community_admin"], "en").get(path)
    assert response.status_code == 400, path
    assert response.json()["error"]["message"] == message


def test_a_good_date_and_month_still_work(community, users):
    client = client_for(users["community_admin"], "en")
    assert client.get("/canteen/shibei/counter/?date=2026-05-04").status_code == 200
    assert client.get("/canteen/shibei/counter/").status_code == 200
    assert client.get("/canteen/shibei/statement/?month=2026-5").status_code == 200
    assert client.get("/api/v1/communities/shibei/day-sheet?date=2026-05-04").status_code == 200


def test_the_parsers():
    import datetime as dt

    today = dt.date(2026, 5, 4)
    assert parse_date("", default=today) == today and parse_date("2026-01-31") == dt.date(2026, 1, 31)
    assert parse_month("2026-05") == (2026, 5) and parse_month(None, default=(2026, 1)) == (2026, 1)
    assert parse_year("2026") == 2026
    for call in (
        lambda: parse_date("0001-01-01"),
        lambda: parse_date("x"),
        lambda: parse_month("2026-0"),
        lambda: parse_month("２０２６-01"),
        lambda: parse_year("-1"),
        lambda: parse_year("1e9"),
    ):
        with pytest.raises(DomainError):
            call()


@pytest.mark.parametrize(
    "text", ["[" * 200_000 + "]" * 200_000, "[NaN]", "[Infinity]", "[-Infinity]", "[1e400]", b"\xff\xfe["]
)
def test_json_that_no_one_would_send_is_refused(text):
    with pytest.raises(JSONRefused):
        json_loads_strict(text)


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", f"/services/shibei/day/?facility={HUGE}", None),
        ("get", "/services/shibei/day/?facility=%C2%B2", None),  # "²" is a digit to str.isdigit, not to int()
        ("get", f"/consultation/shibei/votes/new/?matter={HUGE}", None),
        ("get", "/consultation/shibei/votes/new/?matter=abc", None),
        ("get", f"/reports/shibei/nearby/?category={HUGE}&lat=30.28&lng=120.13", None),
        ("post", "/consultation/shibei/matters/{matter}/tasks/new/", {"decision": HUGE}),
        ("post", "/consultation/shibei/matters/{matter}/tasks/update/", {"task": "1x"}),
    ],
)
def test_a_row_id_that_is_not_one_is_a_404(community, users, method, path, data):
    from linli.consultation import services

    matter = services.matter_raise(
        actor=users["social_worker"],
        community=community,
        kind="urgent",
        title="楼道灯坏了",
        body="三幢二单元楼道灯坏了。",
    )
    client = client_for(users["community_admin"], "en")
    url = path.format(matter=matter.pk)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404, url
