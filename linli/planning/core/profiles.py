"""Walking profiles: how a walker weighs (or refuses) each kind of edge.

A profile gives every edge kind of :data:`.network.EDGE_KINDS` a factor >= 1: a
metre of that kind costs as much as ``factor`` metres of level walking, or it
cannot be used at all (``math.inf``). :func:`for_profile` gives the network whose
``edge_length`` holds those costs (refused edges left out, nodes unchanged), so
every computation (snapping, access, siting) runs on it unchanged and its
distances read as "metres of level walking". Factors are never below 1, so the
snapping index stays exact (its samples are at least as dense as on the plain
network) and no route is cheaper than its length.

The built-in profile :data:`STANDARD` weighs every kind 1: the network as it is
(today's results). Rules files add their own (``[[profiles]]``, see
``default_rules.toml``): an older walker who avoids steps where a ramp or an
elevator exists, a wheelchair user for whom steps without a ramp do not exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .network import EDGE_KINDS, LEVEL, WalkNetwork, _symmetric_csr


@dataclass(frozen=True)
class WalkProfile:
    code: str
    name_zh: str
    name_en: str
    factors: tuple[float, ...]  # per edge kind (EDGE_KINDS order), >= 1; inf: refused

    def __post_init__(self) -> None:
        if len(self.factors) != len(EDGE_KINDS):
            raise ValueError(f"a profile needs one factor per edge kind ({', '.join(EDGE_KINDS)})")
        if self.factors[LEVEL] != 1.0 or not all(f >= 1.0 for f in self.factors):
            raise ValueError("profile factors must be >= 1, and 1 for level walking")

    @property
    def is_plain(self) -> bool:
        """Every kind weighs 1: the network as it is."""
        return all(f == 1.0 for f in self.factors)

    def factor(self, kind: str) -> float:
        return self.factors[EDGE_KINDS.index(kind)]


STANDARD = WalkProfile("standard", "一般步行", "everyone (the network as it is)", (1.0,) * len(EDGE_KINDS))


def for_profile(network: WalkNetwork, profile: WalkProfile | None) -> WalkNetwork:
    """The network with edge costs of ``profile`` (the network itself for a plain profile; kept per network)."""
    if profile is None or profile.is_plain:
        return network
    cache: dict[WalkProfile, WalkNetwork] = network.__dict__.setdefault("_profiles", {})
    made = cache.get(profile)
    if made is None:
        factor = np.asarray(profile.factors, dtype=np.float64)[network.kinds()]
        keep = np.isfinite(factor)
        u, v = network.edge_u[keep], network.edge_v[keep]
        cost = network.edge_length[keep] * factor[keep]
        kinds = network.kinds()[keep]
        made = cache[profile] = replace(
            network,
            edge_u=u,
            edge_v=v,
            edge_length=cost,
            edge_kind=kinds,
            graph=_symmetric_csr(u, v, cost, network.n_nodes),
            profile=profile.code,
        )
    return made


def refused_length_m(network: WalkNetwork, profile: WalkProfile) -> float:
    """Length of the edges the profile cannot use."""
    f = np.asarray(profile.factors)[network.kinds()]
    return float(network.edge_length[~np.isfinite(f)].sum()) if math.inf in profile.factors else 0.0
