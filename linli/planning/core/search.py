"""Shortest distances from a set of start nodes, by the compiled kernel in ``_graph.pyx``.

``scipy.sparse.csgraph.dijkstra`` sets up a structure for every node of the
graph on each call and keeps its queue in a Fibonacci heap; the kernel only
touches what it reaches (plus the output arrays), keeps its queue in buckets
of distance, and releases the GIL while it searches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from ._graph import multi_source
from .geo import FloatArray, IntArray

NodeArray = npt.NDArray[np.integer[Any]]  # node ids, int32 or int64

_NO_ORIGIN = np.zeros(0, dtype=np.int32)
# buckets one eighth of the mean edge long: few nodes are queued twice, few buckets are empty (measured on
# the Hangzhou extract and the generated grids, between a quarter and a sixteenth of the mean)
_BUCKETS_PER_MEAN_EDGE = 8.0
_MAX_BUCKETS = 1_000_000


@dataclass(frozen=True)
class SearchGraph:
    """A CSR graph in the kernel's form (int32 indices, float64 lengths) and its bucket width."""

    indptr: NodeArray = field(repr=False)
    indices: NodeArray = field(repr=False)
    weights: FloatArray = field(repr=False)
    bucket_m: float
    max_weight_m: float

    @classmethod
    def of(cls, graph: sparse.csr_array) -> SearchGraph:
        """Wrap ``graph`` (its arrays are copied only if their types differ from the kernel's)."""
        if graph.shape[0] >= 2**31 - 1 or graph.nnz >= 2**31 - 1:
            raise ValueError("graph too large for the search kernel (2**31 nodes or edges)")
        w = graph.data.astype(np.float64, copy=False)
        if w.size and not (np.isfinite(w).all() and w.min() >= 0):
            raise ValueError("edge lengths must be finite and not negative")
        longest = float(w.max()) if w.size else 0.0
        mean = float(w.mean()) if w.size else 0.0
        bucket = mean / _BUCKETS_PER_MEAN_EDGE if mean > 0 else 1.0
        bucket = max(bucket, longest / _MAX_BUCKETS)
        return cls(
            indptr=graph.indptr.astype(np.int32, copy=False),
            indices=graph.indices.astype(np.int32, copy=False),
            weights=w,
            bucket_m=bucket,
            max_weight_m=longest,
        )

    @property
    def n_nodes(self) -> int:
        return int(self.indptr.shape[0] - 1)

    def from_starts(
        self, starts: IntArray, *, limit: float = math.inf, with_origin: bool = False
    ) -> tuple[FloatArray, NodeArray | None]:
        """Distance of every node from the nearest start node (``inf`` beyond ``limit``).

        Every stored entry is a directed edge (explicit zeros included). With
        ``with_origin``, also the start node each node was reached from (-1: none).
        """
        n = self.n_nodes
        dist: FloatArray = np.empty(n, dtype=np.float64)
        origin: NodeArray = np.empty(n, dtype=np.int32) if with_origin else _NO_ORIGIN
        multi_source(
            self.indptr, self.indices, self.weights, np.asarray(starts, dtype=np.int32), float(limit),
            dist, origin, self.bucket_m, self.max_weight_m,
        )  # fmt: skip
        return dist, (origin if with_origin else None)


def from_starts(
    graph: sparse.csr_array, starts: IntArray, *, limit: float = math.inf, with_origin: bool = False
) -> tuple[FloatArray, NodeArray | None]:
    """:meth:`SearchGraph.from_starts` on ``graph`` (wrap the graph once when searching it many times)."""
    return SearchGraph.of(graph).from_starts(starts, limit=limit, with_origin=with_origin)
