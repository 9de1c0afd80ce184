"""Stored links: only http(s) addresses pass, in models, forms, schemas and templates."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from linli.core.validators import is_web_url, web_url_validator
from linli.reports.models import Report

BAD = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,x",
    "vbscript:x",
    "//x.org",
]


@pytest.mark.parametrize("url", BAD)
def test_only_web_addresses_pass(url):
    assert not is_web_url(url)
    with pytest.raises(ValidationError):
        web_url_validator(url)
    assert Template("{% load linli_links %}{{ url|web_url }}").render(Context({"url": url})) == ""


def test_a_web_address_passes_and_renders():
    assert is_web_url("https://meet.example.org/a?b=1")
    assert (
        Template("{% load linli_links %}{{ url|web_url }}").render(Context({"url": "http://x.org/"})) == "http://x.org/"
    )


def test_every_stored_link_field_is_checked():
    for model, name in ((Report, "media_url"),):
        assert web_url_validator in model._meta.get_field(name).validators
