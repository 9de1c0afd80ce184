"""A list's GET filters: read through one helper that gives the cleaned values or refuses an unreadable one with a
message in the user's language (never a silent drop, never a server error)."""

from typing import Any

import pytest
from django import forms
from django.utils import translation

from linli.conftest import client_for
from linli.core.errors import DomainError
from linli.core.filters import cleaned_filters

pytestmark = pytest.mark.django_db


class Filters(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(label="Status", choices=[("", ""), ("open", "Open")], required=False)


def test_no_filter_chosen_and_good_filters_are_cleaned() -> None:
    assert cleaned_filters(Filters(None)) == {}
    assert cleaned_filters(Filters({"q": "  路灯 ", "status": "open", "page": "2"})) == {"q": "路灯", "status": "open"}


def test_an_unknown_choice_is_refused_naming_the_field() -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        cleaned_filters(Filters({"status": "bogus"}))
    assert refused.value.code == "invalid_filter" and refused.value.field == "status"
    assert str(refused.value.message).startswith("Status: Select a valid choice.")


@pytest.mark.parametrize(("language", "words"), [("en", "NUL character"), ("zh-hans", "NUL 字符")])
def test_a_nul_is_refused_with_the_site_wide_message(language: str, words: str) -> None:
    with translation.override(language), pytest.raises(DomainError) as refused:
        cleaned_filters(Filters({"q": "a\x00b", "status": "bogus"}))
    assert refused.value.code == "nul_character" and words in str(refused.value.message)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/consultation/shibei/", "status=bogus"),
        ("/consultation/shibei/", "kind=bogus"),
        ("/consultation/shibei/", "q=%00"),
        ("/mediation/shibei/", "q=%00"),
        ("/people/shibei/residents/", "q=%00"),
        ("/people/shibei/residents/", "building=999999"),
    ],
)
def test_list_pages_refuse_an_unreadable_filter_with_a_message(users: Any, path: str, query: str) -> None:
    r = client_for(users["community_admin"], "en").get(f"{path}?{query}")
    assert r.status_code == 400, (path, query)
    assert b"NUL character" in r.content or b"Select a valid choice" in r.content, (path, query)


def test_list_pages_still_filter(users: Any) -> None:
    c = client_for(users["community_admin"], "en")
    for url in ("/consultation/shibei/?q=路灯&status=raised&kind=urgent&page=1", "/mediation/shibei/?q=堆物"):
        assert c.get(url).status_code == 200, url
