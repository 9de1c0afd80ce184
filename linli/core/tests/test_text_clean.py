"""`text_clean`: the one check of a service's text argument (volunteering, partners, fund, company)."""

import pytest

from linli.core.errors import DomainError
from linli.core.validators import text_clean


def test_strips_and_keeps_what_fits() -> None:
    assert text_clean("  茶话会 ", "title", 3) == "茶话会"


def test_required_and_empty_is_refused_on_its_field() -> None:
    for value in ("", "   ", None, 5):
        with pytest.raises(DomainError) as caught:
            text_clean(value, "title", 10)
        assert caught.value.code == "required" and caught.value.field == "title"


def test_optional_may_be_empty() -> None:
    assert text_clean(None, "note", 10, required=False) == ""


def test_too_long_is_refused_with_the_limit() -> None:
    with pytest.raises(DomainError) as caught:
        text_clean("x" * 11, "note", 10, required=False)
    assert caught.value.code == "too_long" and caught.value.field == "note" and "10" in str(caught.value.message)
