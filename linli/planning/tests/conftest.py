"""Fixtures shared by the planning tests."""

from __future__ import annotations

import pytest

from linli.planning.core import contract


@pytest.fixture(params=["chains folded", "graph as built"])
def either_search_graph(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with searches on the chain-contracted graph and on the network graph as built.

    Which one a network gets depends on its number of degree-2 nodes (see
    :func:`linli.planning.core.contract.for_search`); both must give the same answers.
    """
    folded = request.param == "chains folded"
    monkeypatch.setattr(contract, "MIN_INTERIOR_TO_CONTRACT", 0 if folded else 2**62)
    monkeypatch.setattr(contract, "MIN_INTERIOR_SHARE_TO_CONTRACT", 0.0)
    return str(request.param)


@pytest.fixture
def chains_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches always run on the chain-contracted graph, however small the network."""
    monkeypatch.setattr(contract, "MIN_INTERIOR_TO_CONTRACT", 0)
    monkeypatch.setattr(contract, "MIN_INTERIOR_SHARE_TO_CONTRACT", 0.0)
