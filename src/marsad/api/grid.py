"""Grid clustering of event points for the map, so 100,000 events never reach the browser one by one.

``PointIndex`` holds every located event as numpy columns (built once per store revision). A query
filters by date, type, actor, governorate, sources and viewport, snaps points to a global grid whose
cell size follows the zoom, and returns one cluster per non-empty cell: its count, its centroid, its
dominant type, and the event id when the cell holds a single event. Cells are anchored to the globe,
not the viewport, so clusters stay put while the user pans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from marsad.api.backend import EventQuery, PointRow
from marsad.model.facts import EVENT_TYPES


def _day_number(value: str | None, *, end: bool = False) -> int:
    """An ISO date prefix as a sortable integer ``YYYYMMDD``; a month or year prefix spans its period."""
    if not value:
        return 99999999 if end else 0
    digits = value.replace("-", "")
    if len(digits) == 4:
        digits += "1231" if end else "0101"
    elif len(digits) == 6:
        digits += "31" if end else "01"
    try:
        return int(digits[:8])
    except ValueError:
        return 99999999 if end else 0


@dataclass(frozen=True)
class PointIndex:
    ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    day_lo: np.ndarray  # first day the event may fall on (YYYYMMDD)
    day_hi: np.ndarray  # last day
    type_ix: np.ndarray
    actor1: np.ndarray
    actor2: np.ndarray
    gov: np.ndarray
    sources: np.ndarray
    actor_names: tuple[str, ...]
    gov_names: tuple[str, ...]

    @classmethod
    def build(cls, rows: Iterable[PointRow]) -> PointIndex:
        ids: list[str] = []
        lat: list[float] = []
        lon: list[float] = []
        lo: list[int] = []
        hi: list[int] = []
        typ: list[int] = []
        a1: list[int] = []
        a2: list[int] = []
        gv: list[int] = []
        src: list[int] = []
        type_ix = {t: i for i, t in enumerate(EVENT_TYPES)}
        actors: dict[str, int] = {"": 0}
        govs: dict[str, int] = {"": 0}
        for r in rows:
            ids.append(r.id)
            lat.append(r.lat)
            lon.append(r.lon)
            lo.append(_day_number(r.date))
            hi.append(_day_number(r.date, end=True))
            typ.append(type_ix.get(r.type, type_ix["other"]))
            a1.append(actors.setdefault(r.actor1 or "", len(actors)))
            a2.append(actors.setdefault(r.actor2 or "", len(actors)))
            gv.append(govs.setdefault((r.governorate or "").lower(), len(govs)))
            src.append(r.sources)
        return cls(ids=tuple(ids), lat=np.asarray(lat, dtype=np.float64), lon=np.asarray(lon, dtype=np.float64),
                   day_lo=np.asarray(lo, dtype=np.int64), day_hi=np.asarray(hi, dtype=np.int64),
                   type_ix=np.asarray(typ, dtype=np.int16), actor1=np.asarray(a1, dtype=np.int32),
                   actor2=np.asarray(a2, dtype=np.int32), gov=np.asarray(gv, dtype=np.int32),
                   sources=np.asarray(src, dtype=np.int32), actor_names=tuple(actors), gov_names=tuple(govs))

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, q: EventQuery) -> np.ndarray:
        m = np.ones(len(self.ids), dtype=bool)
        if q.date_from:
            m &= self.day_hi >= _day_number(q.date_from)
        if q.date_to:
            m &= self.day_lo <= _day_number(q.date_to, end=True)
        if q.types:
            wanted = [EVENT_TYPES.index(t) for t in q.types if t in EVENT_TYPES]
            m &= np.isin(self.type_ix, np.asarray(wanted, dtype=np.int16))
        if q.actors:
            codes = np.asarray([i for i, a in enumerate(self.actor_names) if a and a in q.actors], dtype=np.int32)
            m &= np.isin(self.actor1, codes) | np.isin(self.actor2, codes)
        if q.governorates:
            wanted_g = {g.lower() for g in q.governorates}
            codes = np.asarray([i for i, g in enumerate(self.gov_names) if g and g in wanted_g], dtype=np.int32)
            m &= np.isin(self.gov, codes)
        if q.min_sources > 1:
            m &= self.sources >= q.min_sources
        if q.bbox is not None:
            w, s, e, n = q.bbox
            m &= (self.lat >= s) & (self.lat <= n) & (self.lon >= w) & (self.lon <= e)
        return m

    def clusters(self, q: EventQuery, *, zoom: int, cell_px: int = 56, max_cells: int = 4000) -> dict[str, Any]:
        """Clusters of the matching points in ``q.bbox`` at map zoom ``zoom`` (Web-Mercator tiles of 256 px)."""
        m = self.mask(q)
        idx = np.flatnonzero(m)
        total = int(idx.size)
        cell = max(cell_px * 360.0 / (256.0 * 2.0 ** max(0, min(zoom, 22))), 1e-5)
        if total == 0:
            return {"total": 0, "cell_deg": cell, "types": list(EVENT_TYPES), "clusters": []}
        lat, lon, typ = self.lat[idx], self.lon[idx], self.type_ix[idx].astype(np.int64)
        gx = np.floor((lon + 180.0) / cell).astype(np.int64)
        gy = np.floor((lat + 90.0) / cell).astype(np.int64)
        key = gx * 10_000_000 + gy
        uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        while uniq.size > max_cells:  # coarsen until the answer is small
            cell *= 2.0
            gx, gy = gx // 2, gy // 2
            key = gx * 10_000_000 + gy
            uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        k = uniq.size
        clat = np.bincount(inv, weights=lat, minlength=k) / counts
        clon = np.bincount(inv, weights=lon, minlength=k) / counts
        ntypes = len(EVENT_TYPES)
        by_type = np.bincount(inv * ntypes + typ, minlength=k * ntypes).reshape(k, ntypes)
        dominant = by_type.argmax(axis=1)
        first = np.full(k, -1, dtype=np.int64)
        first[inv[::-1]] = idx[::-1]  # any member; exact for single-event cells
        out = []
        for c in range(k):
            n = int(counts[c])
            item: dict[str, Any] = {"lat": round(float(clat[c]), 5), "lon": round(float(clon[c]), 5), "count": n,
                                    "type": EVENT_TYPES[int(dominant[c])]}
            if n == 1:
                item["id"] = self.ids[int(first[c])]
            else:
                nz = np.flatnonzero(by_type[c])
                item["types"] = {EVENT_TYPES[int(t)]: int(by_type[c, t]) for t in nz}
            out.append(item)
        return {"total": total, "cell_deg": cell, "types": list(EVENT_TYPES), "clusters": out}
