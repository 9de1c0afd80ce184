"""Shared helpers for the planning-core tests (no Django, no database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
HANGZHOU_REL = Path("data") / "osm" / "hangzhou-2015" / "hangzhou_china.osm.pbf"


def hangzhou_pbf() -> Path | None:
    """The Hangzhou extract: ``<repo>/../shared/...`` (or $LINLI_SHARED_DIR/...)."""
    candidates = []
    if os.environ.get("LINLI_SHARED_DIR"):
        candidates.append(Path(os.environ["LINLI_SHARED_DIR"]) / HANGZHOU_REL)
    candidates.append((REPO_ROOT / ".." / "shared").resolve() / HANGZHOU_REL)
    for c in candidates:
        if c.is_file():
            return c
    return None


@pytest.fixture(scope="session")
def hangzhou_path() -> Path:
    p = hangzhou_pbf()
    if p is None:
        pytest.skip(f"Hangzhou OSM extract not found at {(REPO_ROOT / '..' / 'shared').resolve() / HANGZHOU_REL}")
    return p
