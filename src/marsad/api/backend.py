"""What the API reads and writes, behind one protocol: ``Backend``.

The HTTP layer never touches the store or the control layer directly; it calls a ``Backend``. The real
one (``marsad.api.store_backend.StoreBackend``) adapts ``marsad.store`` and ``marsad.control``; tests
substitute an in-memory one. Records crossing this seam are frozen dataclasses; control-layer answers
are already JSON-shaped (``to_dict`` of the control records), because the API only passes them on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from marsad.export.records import ExportEvent
from marsad.model import Document

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters for events. Dates are ISO prefixes (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), inclusive.

    ``bbox`` is ``(west, south, east, north)`` in degrees. ``text`` matches the evidence sentence
    (Arabic, folded the store's way). ``min_sources`` keeps events reported by at least that many sources.
    """

    date_from: str | None = None
    date_to: str | None = None
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    governorates: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    min_sources: int = 1
    doc_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        nxt = self.offset + len(self.items)
        return nxt if nxt < self.total and self.items else None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: str
    url: str | None
    outlet: str | None
    published: str | None
    title: str | None
    chars: int
    events: int = 0


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One stored document: its text and what marsad read in it (the prediction JSON shape)."""

    document: Document
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    doc_id: str
    status: str  # "added" | "duplicate" | "rejected"
    events: int = 0
    control: int = 0
    sieges: int = 0
    error: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ActorView:
    id: str
    name_en: str
    name_ar: str = ""


class Backend(Protocol):
    """The API's view of marsad's data. Every method is synchronous and thread-safe."""

    def revision(self) -> str:
        """Changes whenever stored data changes (cache key)."""
        ...

    def counts(self) -> dict[str, int]: ...

    def ingest(self, docs: Sequence[Document]) -> list[IngestOutcome]: ...

    def documents(self, *, limit: int, offset: int) -> Page[DocumentSummary]: ...

    def document(self, doc_id: str) -> DocumentView | None: ...

    def events(self, query: EventQuery) -> Page[ExportEvent]: ...

    def event(self, event_id: str) -> ExportEvent | None: ...

    def iter_events(self, query: EventQuery) -> Iterator[ExportEvent]:
        """All matching events, oldest first (``limit``/``offset`` ignored): exports and the read model."""
        ...

    def all_events(self) -> Iterator[ExportEvent]:
        """Every event, oldest first, for the read model (may read on a connection of its own)."""
        ...

    def date_range(self) -> tuple[str | None, str | None]: ...

    def shares(self, day: dt.date) -> list[dict[str, Any]]: ...

    def control_geojson(self, day: dt.date) -> dict[str, Any]: ...

    def sieges(self, day: dt.date | None) -> list[dict[str, Any]]: ...

    def sites(self, day: dt.date | None) -> list[dict[str, Any]]: ...

    def claims(self) -> list[dict[str, Any]]: ...

    def boundaries(self) -> dict[str, Any] | None: ...

    def actors(self) -> list[ActorView]: ...

    def actor_lookup(self) -> Any:
        """The actor registry used by the exports (``marsad.export.records.ActorLookup``), or ``None``."""
        ...
