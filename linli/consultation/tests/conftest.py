from typing import Any

import pytest

from linli.consultation import services

from .factories import resident_user


@pytest.fixture
def alice(community: Any) -> Any:
    return resident_user(community, owner=True, name="周丽君")


@pytest.fixture
def bob(community: Any) -> Any:
    return resident_user(community, name="陈志强")


@pytest.fixture
def staff(users: dict[str, Any]) -> Any:
    return users["social_worker"]


@pytest.fixture
def matter(community: Any, alice: Any) -> Any:
    return services.matter_raise(
        actor=alice,
        community=community,
        kind="urgent",
        title="3幢楼道灯坏了",
        body="三幢二单元楼道灯坏了两周，老人晚上上下楼很危险。",
    )


@pytest.fixture
def earned(monkeypatch: Any) -> list[dict[str, Any]]:
    """Captures the calls the points module would make to the ledger."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("linli.consultation.points._earn", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture(autouse=True)
def english_messages() -> Any:
    """Service tests match refusals by their English text; pages and the API choose by Accept-Language."""
    from django.utils import translation

    with translation.override("en"):
        yield
