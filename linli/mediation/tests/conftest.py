from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Any:
    """The tests match messages by their English text."""
    with translation.override("en"):
        yield
