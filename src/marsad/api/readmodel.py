"""An in-memory read model of every stored event, rebuilt per store revision, for fast reads.

The event list, one event, the map's clusters and the date range are answered from numpy columns and
pre-serialised JSON instead of SQL, so read endpoints stay fast on a 100,000-event store. The filters
mean exactly what the store's ``EventFilter`` means (ISO-prefix date bounds on the event date, else the
publication date; actor on either side; case-blind governorate; inclusive bbox; folded substring of the
evidence sentence; minimum sources); the order is the store's, newest first. ``ReadModel`` builds it in a
background thread when the revision changes; until it is ready, callers use the backend directly.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from marsad.api.backend import EventQuery
from marsad.api.grid import clusters
from marsad.export.jsonl import event_json
from marsad.export.records import ExportEvent
from marsad.model.facts import EVENT_TYPES

log = logging.getLogger("marsad.api")


@dataclass(frozen=True)
class EventIndex:
    revision: str
    ids: tuple[str, ...]
    positions: dict[str, int]
    blobs: tuple[bytes, ...]  # each event's JSON (as /api/events/{id} answers)
    dates: np.ndarray  # COALESCE(event date, published) as text, "" when neither
    type_ix: np.ndarray
    actor1: np.ndarray
    actor2: np.ndarray
    actor_names: tuple[str, ...]
    gov: np.ndarray
    gov_names: tuple[str, ...]
    lat: np.ndarray  # NaN when unlocated
    lon: np.ndarray
    sources: np.ndarray
    doc_rows: dict[str, np.ndarray]
    search: tuple[str, ...]  # folded evidence sentences
    build_seconds: float = 0.0

    @classmethod
    def build(cls, revision: str, events: Iterable[ExportEvent]) -> EventIndex:
        """From all events in the store's order (oldest first)."""
        from marsad.normalize import fold_text

        t0 = time.perf_counter()
        ids: list[str] = []
        blobs: list[bytes] = []
        dates: list[str] = []
        typ: list[int] = []
        a1: list[int] = []
        a2: list[int] = []
        gv: list[int] = []
        lat: list[float] = []
        lon: list[float] = []
        src: list[int] = []
        search: list[str] = []
        docs: dict[str, list[int]] = {}
        type_ix = {t: i for i, t in enumerate(EVENT_TYPES)}
        actors: dict[str, int] = {"": 0}
        govs: dict[str, int] = {"": 0}
        for i, e in enumerate(events):
            ev = e.event
            pl = ev.place
            ids.append(e.id)
            blobs.append(json.dumps(event_json(e), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            dates.append(ev.date or e.published or "")
            typ.append(type_ix.get(ev.type, type_ix["other"]))
            a1.append(actors.setdefault(ev.actor1 or "", len(actors)))
            a2.append(actors.setdefault(ev.actor2 or "", len(actors)))
            gv.append(govs.setdefault(((pl.governorate if pl else None) or "").lower(), len(govs)))
            located = pl is not None and pl.lat is not None and pl.lon is not None
            lat.append(float(pl.lat) if located else np.nan)  # type: ignore[arg-type, union-attr]
            lon.append(float(pl.lon) if located else np.nan)  # type: ignore[arg-type, union-attr]
            src.append(e.sources)
            search.append(fold_text(e.sentence or e.evidence))
            docs.setdefault(e.doc_id, []).append(i)
        return cls(
            revision=revision, ids=tuple(ids), positions={k: i for i, k in enumerate(ids)}, blobs=tuple(blobs),
            dates=np.asarray(dates, dtype="U10") if dates else np.zeros(0, dtype="U10"),
            type_ix=np.asarray(typ, dtype=np.int16), actor1=np.asarray(a1, dtype=np.int32),
            actor2=np.asarray(a2, dtype=np.int32), actor_names=tuple(actors), gov=np.asarray(gv, dtype=np.int32),
            gov_names=tuple(govs), lat=np.asarray(lat, dtype=np.float64), lon=np.asarray(lon, dtype=np.float64),
            sources=np.asarray(src, dtype=np.int32),
            doc_rows={k: np.asarray(v, dtype=np.int64) for k, v in docs.items()}, search=tuple(search),
            build_seconds=time.perf_counter() - t0)

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, q: EventQuery) -> np.ndarray:
        m = np.ones(len(self.ids), dtype=bool)
        if q.date_from:
            m &= (self.dates != "") & (self.dates >= q.date_from)
        if q.date_to:
            m &= (self.dates != "") & (self.dates <= q.date_to + "~")
        if q.types:
            m &= np.isin(self.type_ix, [EVENT_TYPES.index(t) for t in q.types if t in EVENT_TYPES])
        if q.actors:
            codes = [i for i, a in enumerate(self.actor_names) if a and a in q.actors]
            m &= np.isin(self.actor1, codes) | np.isin(self.actor2, codes)
        if q.governorates:
            wanted = {g.lower() for g in q.governorates}
            m &= np.isin(self.gov, [i for i, g in enumerate(self.gov_names) if g and g in wanted])
        if q.min_sources > 1:
            m &= self.sources >= q.min_sources
        if q.bbox is not None:
            w, s, e, n = q.bbox
            with np.errstate(invalid="ignore"):
                m &= (self.lon >= w) & (self.lon <= e) & (self.lat >= s) & (self.lat <= n)
        if q.doc_id is not None:
            only = np.zeros(len(self.ids), dtype=bool)
            only[self.doc_rows.get(q.doc_id, np.zeros(0, dtype=np.int64))] = True
            m &= only
        if q.text:
            from marsad.normalize import fold_text

            needle = fold_text(q.text)
            for i in np.flatnonzero(m):
                if needle not in self.search[i]:
                    m[i] = False
        return m

    def page(self, q: EventQuery) -> tuple[list[bytes], int]:
        """One page, newest first, as JSON blobs; and the total."""
        hits = np.flatnonzero(self.mask(q))[::-1]
        chosen = hits[q.offset:q.offset + q.limit]
        return [self.blobs[int(i)] for i in chosen], int(hits.size)

    def blob(self, event_id: str) -> bytes | None:
        i = self.positions.get(event_id)
        return None if i is None else self.blobs[i]

    def clusters(self, q: EventQuery, *, zoom: int, max_cells: int) -> dict[str, Any]:
        idx = np.flatnonzero(self.mask(q) & ~np.isnan(self.lat))
        return clusters(idx, lat=self.lat, lon=self.lon, type_ix=self.type_ix, ids=self.ids, zoom=zoom,
                        max_cells=max_cells)

    def date_range(self) -> tuple[str | None, str | None]:
        dated = self.dates[self.dates != ""].tolist()
        if not dated:
            return None, None
        return min(dated), max(dated)

    def governorates(self) -> list[str]:
        return [g for g in self.gov_names if g]


class ReadModel:
    """Holds the current ``EventIndex`` and rebuilds it in the background when the revision moves on."""

    def __init__(self, load: Callable[[], Iterable[ExportEvent]], revision: Callable[[], str]) -> None:
        self._load = load
        self._revision = revision
        self._lock = threading.Lock()
        self._index: EventIndex | None = None
        self._building: str | None = None
        self._done = threading.Condition(self._lock)

    def current(self) -> EventIndex | None:
        """The index for the current revision, or ``None`` (a rebuild is then started)."""
        rev = self._revision()
        with self._lock:
            if self._index is not None and self._index.revision == rev:
                return self._index
            if self._building != rev:
                self._building = rev
                threading.Thread(target=self._build, args=(rev,), name="marsad-readmodel", daemon=True).start()
        return None

    def wait(self, timeout: float = 300.0) -> EventIndex | None:
        """The index for the current revision, building it if needed (blocks up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            index = self.current()
            if index is not None:
                return index
            with self._lock:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._done.wait(timeout=min(remaining, 1.0))

    def _build(self, rev: str) -> None:
        try:
            index = EventIndex.build(rev, self._load())
        except Exception:  # the slow path keeps answering; the next request retries
            log.exception("building the read model failed")
            with self._lock:
                self._building = None
                self._done.notify_all()
            return
        log.info("read model: %d events indexed in %.1f s (revision %s)", len(index), index.build_seconds, rev)
        with self._lock:
            if self._index is None or self._building == rev:
                self._index = index
            if self._building == rev:
                self._building = None
            self._done.notify_all()
