from typing import Any

import pytest

from linli.facilities.tests.factories import make_facility


@pytest.fixture
def admin(users: dict[str, Any]) -> Any:
    return users["community_admin"]


@pytest.fixture
def school(community: Any) -> Any:
    return make_facility(community, "school", "culture_station", name="幸福学堂")
