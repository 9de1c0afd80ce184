"""Walking distances from home to facilities. The walking network and its computation live in planning, a layer
above: it registers the function from its `AppConfig.ready`; without it (or without a network) there is none."""

from collections.abc import Callable, Sequence

Point = tuple[float, float]  # (lng, lat)
WalkingDistances = Callable[[Point, Sequence[Point]], list[float | None] | None]

_PROVIDER: list[WalkingDistances] = []


def walking_distances_register(provider: WalkingDistances) -> None:
    _PROVIDER[:] = [provider]


def walking_distances(origin: Point, points: Sequence[Point]) -> list[float | None] | None:
    """Metres walked from `origin` to each point (None: that point is off the network), or None for all when no
    walking network is loaded."""
    return _PROVIDER[0](origin, points) if _PROVIDER else None
