"""The real ``Backend``: ``marsad.store`` for documents and events, ``marsad.control`` for control.

``StoreBackend(store, pipeline=..., control=..., registry=...)``: ``pipeline`` is a callable
``Document -> ExtractionResult`` (``build_pipeline()`` by default, built on first use); ``control`` is a
``ControlPort`` (shares, GeoJSON, sieges, sites, claims for a date), by default the store-revision-cached
one from ``marsad.api.control_port``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from marsad.api.backend import (
    ActorView,
    DocumentSummary,
    DocumentView,
    EventQuery,
    IngestOutcome,
    Page,
)
from marsad.errors import MarsadError
from marsad.export.records import ExportEvent
from marsad.model import Document, ExtractionResult


class ControlPort(Protocol):
    def shares(self, day: dt.date) -> list[dict[str, Any]]: ...

    def geojson(self, day: dt.date) -> dict[str, Any]: ...

    def sieges(self, day: dt.date | None) -> list[dict[str, Any]]: ...

    def sites(self, day: dt.date | None) -> list[dict[str, Any]]: ...

    def claims(self) -> list[dict[str, Any]]: ...

    def boundaries(self) -> dict[str, Any] | None: ...


def export_event(se: Any) -> ExportEvent:
    """A store ``StoredEvent`` as the exports and the API read it."""
    return ExportEvent(id=se.id, event=se.event, doc_id=se.doc_id, evidence=se.evidence, sentence=se.sentence,
                       url=se.url, outlet=se.outlet, published=se.published.isoformat() if se.published else None,
                       sources=se.sources, added=se.added)


class StoreBackend:
    """Implements ``marsad.api.backend.Backend`` over an open ``marsad.store.Store``."""

    def __init__(self, store: Any, *, pipeline: Callable[[Document], ExtractionResult] | None = None,
                 control: ControlPort | None = None, registry: Any = None) -> None:
        self.store = store
        self._pipeline = pipeline
        self._control = control
        self._registry = registry
        self._lock = threading.Lock()

    # --- lazily built resources ---------------------------------------------------------------------------

    def pipeline(self) -> Callable[[Document], ExtractionResult]:
        with self._lock:
            if self._pipeline is None:
                from marsad.pipeline.core import build_pipeline

                self._pipeline = build_pipeline(actor_registry=self.registry())
            return self._pipeline

    def registry(self) -> Any:
        if self._registry is None:
            from marsad.recognize.actors_registry import ActorRegistry

            self._registry = ActorRegistry.load()
        return self._registry

    def control(self) -> ControlPort:
        with self._lock:
            if self._control is None:
                from marsad.api.control_port import StoreControl

                self._control = StoreControl(self.store)
            return self._control

    # --- writes -------------------------------------------------------------------------------------------

    def ingest(self, docs: Sequence[Document]) -> list[IngestOutcome]:
        pipeline = self.pipeline()
        out: list[IngestOutcome] = []
        for doc in docs:
            try:
                result = pipeline(doc)
            except MarsadError as exc:
                out.append(IngestOutcome(doc.id, "rejected", error=exc.to_dict()))
                self._record_failure(exc, doc)
                continue
            added = self.store.add(result, source="api")
            status = "duplicate" if added.status == "duplicate" else "added"
            out.append(IngestOutcome(added.doc_id, status, events=added.events, control=added.control,
                                     sieges=added.sieges))
        if any(o.status == "added" for o in out):  # the server may be the store's only writer: keep its
            from marsad.ingest.run import Statistics  # planner statistics fresh (a catalog read unless due)

            Statistics(self.store).refresh()
        return out

    def _record_failure(self, exc: MarsadError, doc: Document) -> None:
        from marsad.ingest.base import Rejection

        self.store.add_failure(Rejection.from_error(exc, source="api", doc_id=doc.id), document=doc)

    # --- reads --------------------------------------------------------------------------------------------

    def revision(self) -> str:
        return str(self.store.revision())

    def counts(self) -> dict[str, int]:
        s = self.store.stats()
        return {"documents": s.documents, "events": s.events, "canonical_events": s.canonical_events,
                "control_facts": s.control_facts, "sieges": s.sieges, "claims": s.claims,
                "failures_open": s.failures_open}

    def documents(self, *, limit: int, offset: int) -> Page[DocumentSummary]:
        from marsad.store import DocumentFilter

        rows = self.store.documents(DocumentFilter(limit=limit, offset=offset))
        items = tuple(DocumentSummary(
            id=r.document.id, url=r.document.url, outlet=r.document.outlet,
            published=r.document.published.isoformat() if r.document.published else None, title=r.document.title,
            chars=len(r.document.text), events=r.n_events) for r in rows)
        return Page(items, self.store.count_documents(), limit, offset)

    def document(self, doc_id: str) -> DocumentView | None:
        stored = self.store.document(doc_id)
        if stored is None:
            return None
        result = self.store.result(stored.document.id)
        facts = result.to_prediction() if result is not None else {}
        return DocumentView(stored.document, facts)

    def _filters(self, q: EventQuery) -> tuple[Any, Callable[[ExportEvent], bool] | None]:
        """The store filter for ``q``, and a Python check for the multi-valued parts the store cannot take."""
        from marsad.store import EventFilter

        multi = len(q.actors) > 1 or len(q.types) > 1 or len(q.governorates) > 1
        f = EventFilter(date_from=q.date_from, date_to=q.date_to,
                        actor=q.actors[0] if len(q.actors) == 1 else None,
                        type=q.types[0] if len(q.types) == 1 else None,
                        governorate=q.governorates[0] if len(q.governorates) == 1 else None,
                        min_sources=q.min_sources, bbox=q.bbox, text=q.text, doc_id=q.doc_id, limit=None)
        if not multi:
            return f, None
        actors, types, govs = set(q.actors), set(q.types), {g.lower() for g in q.governorates}

        def check(e: ExportEvent) -> bool:
            ev = e.event
            if len(actors) > 1 and not ({ev.actor1, ev.actor2} & actors):
                return False
            if len(types) > 1 and ev.type not in types:
                return False
            gov = (ev.place.governorate or "").lower() if ev.place else ""
            return not (len(govs) > 1 and gov not in govs)

        return f, check

    def events(self, query: EventQuery) -> Page[ExportEvent]:
        """Newest first: the store orders oldest first, so the page is read from the end and reversed."""
        f, check = self._filters(query)
        if check is not None:
            hits = list(self.iter_events(query))
            hits.reverse()
            return Page(tuple(hits[query.offset:query.offset + query.limit]), len(hits), query.limit, query.offset)
        total = int(self.store.count_events(f))
        end = max(0, total - query.offset)
        start = max(0, end - query.limit)
        rows = self.store.events(replace(f, limit=end - start, offset=start)) if end > start else []
        items = tuple(export_event(r) for r in reversed(rows))
        return Page(items, total, query.limit, query.offset)

    def event(self, event_id: str) -> ExportEvent | None:
        se = self.store.event(event_id)
        return export_event(se) if se is not None else None

    def iter_events(self, query: EventQuery) -> Iterator[ExportEvent]:
        """One query (the store sorts the whole match set for any page, so paging would cost more)."""
        f, check = self._filters(query)
        for r in self.store.events(replace(f, limit=None, offset=0)):
            e = export_event(r)
            if check is None or check(e):
                yield e

    def all_events(self) -> Iterator[ExportEvent]:
        """Every event, oldest first, read on a store connection of its own: the long read (about 20 s for
        100,000 events) then does not hold the shared connection's lock while requests wait on it."""
        from marsad.store import EventFilter, open_store

        try:
            own = open_store(self.store.url)
        except MarsadError:
            own = None
        try:
            rows = (own or self.store).events(EventFilter(limit=None))
        finally:
            if own is not None:
                own.close()
        for r in rows:
            yield export_event(r)

    def date_range(self) -> tuple[str | None, str | None]:
        from marsad.store import EventFilter

        total = int(self.store.count_events(EventFilter()))
        if total == 0:
            return None, None
        first = self.store.events(EventFilter(limit=1))
        last = self.store.events(EventFilter(limit=1, offset=total - 1))

        def day(se: Any) -> str | None:
            return se.event.date or (se.published.isoformat() if se.published else None)

        return day(first[0]), day(last[0])

    # --- control ------------------------------------------------------------------------------------------

    def shares(self, day: dt.date) -> list[dict[str, Any]]:
        return self.control().shares(day)

    def control_geojson(self, day: dt.date) -> dict[str, Any]:
        return self.control().geojson(day)

    def sieges(self, day: dt.date | None) -> list[dict[str, Any]]:
        return self.control().sieges(day)

    def sites(self, day: dt.date | None) -> list[dict[str, Any]]:
        return self.control().sites(day)

    def claims(self) -> list[dict[str, Any]]:
        return self.control().claims()

    def boundaries(self) -> dict[str, Any] | None:
        return self.control().boundaries()

    # --- actors -------------------------------------------------------------------------------------------

    def actors(self) -> list[ActorView]:
        reg = self.registry()
        out = []
        for actor_id in reg.core_ids():
            info = reg.get(actor_id)
            if info is not None:
                out.append(ActorView(actor_id, info.name_en, info.name_ar))
        return out

    def actor_lookup(self) -> Any:
        return self.registry()
