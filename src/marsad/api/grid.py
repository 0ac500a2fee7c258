"""Grid clustering of event points for the map, so 100,000 events never reach the browser one by one.

Points are snapped to a global grid whose cell size follows the zoom; each non-empty cell becomes one
cluster with its count, its centroid, its dominant type and, when it holds one event, that event's id.
Cells are anchored to the globe, not the viewport, so clusters stay put while the user pans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from marsad.model.facts import EVENT_TYPES


def cell_degrees(zoom: int, cell_px: int = 56) -> float:
    """Cell size in degrees for a map zoom level (Web-Mercator tiles of 256 px)."""
    return max(cell_px * 360.0 / (256.0 * 2.0 ** max(0, min(zoom, 22))), 1e-5)


def clusters(idx: np.ndarray, *, lat: np.ndarray, lon: np.ndarray, type_ix: np.ndarray, ids: Sequence[str],
             zoom: int, max_cells: int = 4000) -> dict[str, Any]:
    """Clusters of the points at positions ``idx`` (which must all have coordinates)."""
    total = int(idx.size)
    cell = cell_degrees(zoom)
    if total == 0:
        return {"total": 0, "cell_deg": cell, "types": list(EVENT_TYPES), "clusters": []}
    la, lo, typ = lat[idx], lon[idx], type_ix[idx].astype(np.int64)
    gx = np.floor((lo + 180.0) / cell).astype(np.int64)
    gy = np.floor((la + 90.0) / cell).astype(np.int64)
    uniq, inv, counts = np.unique(gx * 10_000_000 + gy, return_inverse=True, return_counts=True)
    while uniq.size > max_cells:  # coarsen until the answer is small
        cell *= 2.0
        gx, gy = gx // 2, gy // 2
        uniq, inv, counts = np.unique(gx * 10_000_000 + gy, return_inverse=True, return_counts=True)
    k = uniq.size
    clat = np.bincount(inv, weights=la, minlength=k) / counts
    clon = np.bincount(inv, weights=lo, minlength=k) / counts
    ntypes = len(EVENT_TYPES)
    by_type = np.bincount(inv * ntypes + typ, minlength=k * ntypes).reshape(k, ntypes)
    dominant = by_type.argmax(axis=1)
    member = np.full(k, -1, dtype=np.int64)
    member[inv] = idx  # one member per cell; exact for single-event cells
    out = []
    for c in range(k):
        n = int(counts[c])
        item: dict[str, Any] = {"lat": round(float(clat[c]), 5), "lon": round(float(clon[c]), 5), "count": n,
                                "type": EVENT_TYPES[int(dominant[c])]}
        if n == 1:
            item["id"] = ids[int(member[c])]
        else:
            nz = np.flatnonzero(by_type[c])
            item["types"] = {EVENT_TYPES[int(t)]: int(by_type[c, t]) for t in nz}
        out.append(item)
    return {"total": total, "cell_deg": cell, "types": list(EVENT_TYPES), "clusters": out}
