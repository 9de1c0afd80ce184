import pytest

from linli.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_statement_page_and_workbook_for_staff_in_both_languages(community, users):
    for language, text in (("zh-hans", "经营报表"), ("en", "operating statement")):
        page = client_for(users["community_admin"], language).get(f"/company/{community.code}/statement/?month=2026-03")
        assert page.status_code == 200 and text in page.content.decode()
    book = client_for(users["street_admin"]).get(f"/company/{community.code}/statement.xlsx?month=2026-03")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert client_for(users["resident"]).get(f"/company/{community.code}/statement/").status_code == 404


def test_the_fund_page_is_public_and_the_partners_page_is_for_the_community(community, users):
    page = client_for(None).get(f"/fund/{community.code}/")
    assert page.status_code == 200 and "强社基金" in page.content.decode()
    api = client_for(None).get(f"/api/v1/fund/{community.code}/summary")
    assert api.status_code == 200 and api.json()["raised_fen"] == 0
    assert client_for(users["resident"]).get(f"/partners/{community.code}/").status_code == 200
    assert client_for(users["outsider"]).get(f"/partners/{community.code}/").status_code == 404
