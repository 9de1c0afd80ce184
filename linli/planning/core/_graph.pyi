from typing import Any

import numpy as np
import numpy.typing as npt

def multi_source(
    indptr: npt.NDArray[np.integer[Any]],
    indices: npt.NDArray[np.integer[Any]],
    weights: npt.NDArray[np.float64],
    starts: npt.NDArray[np.integer[Any]],
    limit: float,
    dist: npt.NDArray[np.float64],
    origin: npt.NDArray[np.integer[Any]],
    bucket: float,
    max_weight: float,
) -> int: ...
def symmetric_csr(
    u: npt.NDArray[np.integer[Any]], v: npt.NDArray[np.integer[Any]], w: npt.NDArray[np.float64], n: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.float64]]: ...
def components(
    u: npt.NDArray[np.integer[Any]], v: npt.NDArray[np.integer[Any]], n: int
) -> tuple[int, npt.NDArray[np.int32]]: ...
def segment_lengths(
    u: npt.NDArray[np.integer[Any]],
    v: npt.NDArray[np.integer[Any]],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]: ...
def visible_pairs_mask(
    px: npt.NDArray[np.float64],
    py: npt.NDArray[np.float64],
    ax: npt.NDArray[np.float64],
    ay: npt.NDArray[np.float64],
    bx: npt.NDArray[np.float64],
    by: npt.NDArray[np.float64],
    vx: npt.NDArray[np.float64],
    vy: npt.NDArray[np.float64],
    eps: float,
) -> npt.NDArray[np.bool_]: ...
