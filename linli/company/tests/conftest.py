from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _keep_the_language() -> Any:
    """Pages activate the request's language on this thread; put it back so later tests see their own."""
    from django.utils import translation

    language = translation.get_language()
    yield
    translation.activate(language) if language else translation.deactivate()
