"""Shortest distances from a set of start nodes, by the compiled kernel in ``_graph.pyx``.

``scipy.sparse.csgraph.dijkstra`` sets up a structure for every node of the
graph on each call, so a search that stays within a few hundred metres of its
sources still costs as much as the whole graph; the kernel only touches what
it reaches (plus the output arrays), and releases the GIL while it searches.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from ._graph import multi_source
from .geo import FloatArray, IntArray

NodeArray = npt.NDArray[np.integer[Any]]  # node ids, int32 or int64

_NO_ORIGIN = np.zeros(0, dtype=np.int32)


def kernel_arrays(graph: sparse.csr_array) -> tuple[NodeArray, NodeArray, FloatArray]:
    """The CSR arrays of ``graph`` in the kernel's types (int32 indices, float64 lengths), copied only if needed."""
    if graph.shape[0] >= 2**31 - 1 or graph.nnz >= 2**31 - 1:
        raise ValueError("graph too large for the search kernel (2**31 nodes or edges)")
    return (
        graph.indptr.astype(np.int32, copy=False),
        graph.indices.astype(np.int32, copy=False),
        graph.data.astype(np.float64, copy=False),
    )


def from_starts(
    graph: sparse.csr_array, starts: IntArray, *, limit: float = math.inf, with_origin: bool = False
) -> tuple[FloatArray, NodeArray | None]:
    """Distance of every node from the nearest start node (``inf`` beyond ``limit``).

    Every stored entry is a directed edge (explicit zeros included). With
    ``with_origin``, also the start node each node was reached from (-1: none).
    """
    indptr, indices, data = kernel_arrays(graph)
    n = graph.shape[0]
    dist: FloatArray = np.empty(n, dtype=np.float64)
    origin: NodeArray = np.empty(n, dtype=np.int32) if with_origin else _NO_ORIGIN
    multi_source(indptr, indices, data, np.asarray(starts, dtype=np.int32), float(limit), dist, origin)
    return dist, (origin if with_origin else None)
