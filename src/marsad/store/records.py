"""Frozen records the store returns, and the filters it takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from marsad.model import ControlFact, Document, Event, Quantity, Siege
from marsad.model.base import Record
from marsad.model.facts import Claim

AddStatus = Literal["stored", "duplicate", "revision"]
BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class AddOutcome(Record):
    """What ``Store.add`` did with one document.

    ``status``: ``stored`` (new), ``duplicate`` (same content already stored: nothing written) or
    ``revision`` (same URL, or same id and source when there is no URL, with changed content: stored as
    a new revision that supersedes the old one). ``row_id`` is the store's row (of the existing row for a
    duplicate); ``cluster_id`` the near-duplicate cluster; ``near_duplicate_of`` the row it resembles.
    """

    status: AddStatus
    doc_id: str
    row_id: int
    revision: int = 1
    cluster_id: int | None = None
    near_duplicate_of: int | None = None
    events: int = 0
    control: int = 0
    sieges: int = 0
    quantities: int = 0


@dataclass(frozen=True, slots=True)
class FactContext(Record):
    """Where a stored fact comes from: its document and the exact evidence and sentence text."""

    fact_id: str
    doc_id: str
    row_id: int
    outlet: str | None
    url: str | None
    published: dt.date | None
    evidence: str
    sentence: str
    added: int


@dataclass(frozen=True, slots=True)
class StoredEvent(Record):
    """One reported event. ``canonical_id`` groups the reports of one event; ``sources`` counts the distinct
    (non near-duplicate) documents reporting it. ``id`` is a stable key (same on SQLite and PostgreSQL)."""

    id: str
    event: Event
    doc_id: str
    outlet: str | None
    published: dt.date | None
    canonical_id: int | None
    sources: int
    url: str | None = None
    evidence: str = ""
    sentence: str = ""
    added: int = 0


@dataclass(frozen=True, slots=True)
class StoredControl(Record):
    fact: ControlFact
    context: FactContext


@dataclass(frozen=True, slots=True)
class StoredSiege(Record):
    fact: Siege
    context: FactContext


@dataclass(frozen=True, slots=True)
class StoredQuantity(Record):
    fact: Quantity
    context: FactContext


@dataclass(frozen=True, slots=True)
class StoredClaim(Record):
    """A quantitative claim of a source (share of territory, area) derived from a stored quantity."""

    claim: Claim
    context: FactContext


@dataclass(frozen=True, slots=True)
class StoredDocument(Record):
    """A stored document (latest revision unless asked otherwise) and its bookkeeping."""

    document: Document
    row_id: int
    revision: int
    is_current: bool
    content_hash: str
    source: str | None
    cluster_id: int | None
    near_duplicate_of: int | None
    ingested_at: str
    n_events: int = 0


@dataclass(frozen=True, slots=True)
class DocumentFacts(Record):
    """All asserted facts of one current document (what the control layer reads)."""

    doc_id: str
    outlet: str | None
    published: dt.date | None
    title: str | None
    events: tuple[Event, ...] = ()
    control: tuple[ControlFact, ...] = ()
    sieges: tuple[Siege, ...] = ()
    quantities: tuple[Quantity, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredFailure(Record):
    """A source or document that could not be read or extracted, with its reason code."""

    id: int
    source: str
    doc_id: str | None
    code: str
    reason: str
    attempts: int
    resolved: bool
    first_seen: str
    last_seen: str
    has_payload: bool = False


@dataclass(frozen=True, slots=True)
class StoreStats(Record):
    backend: str
    schema_version: int
    documents: int
    revisions: int
    clusters: int
    near_duplicates: int
    events: int
    canonical_events: int
    corroborated_events: int
    control_facts: int
    sieges: int
    quantities: int
    claims: int
    mentions: int
    failures_open: int
    failures_resolved: int
    failures_by_code: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class CounterCheck(Record):
    """What ``Store.check_counters`` found. ``wrong`` canonical events had ``n_reports``, ``n_sources`` or
    ``first_event_id`` different from a full recount (``wrong_ids``: the first of them); ``wrong_source_rows``
    counts the per-cluster rows (``canonical_sources``) that differed; ``repaired``: they were rebuilt."""

    canonical_events: int
    wrong: int
    wrong_ids: tuple[int, ...]
    wrong_source_rows: int
    repaired: bool

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.wrong_source_rows


@dataclass(frozen=True, slots=True)
class StatisticsRefresh(Record):
    """What ``Store.refresh_statistics`` did: the tables it analysed (none: every table was fresh enough) out
    of the ``checked`` ones, and how long the check and the analyses took."""

    backend: str
    analysed: tuple[str, ...]
    checked: int
    seconds: float


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters for ``Store.events``. Dates are inclusive ISO prefixes (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``).

    ``actor``, ``type`` and ``governorate`` take one value or a tuple of values (any of them); ``actor``
    matches actor1 or actor2; ``place`` the place id, English name or Arabic surface; ``bbox`` is
    ``(west, south, east, north)``; ``text`` a folded substring of the evidence sentence; ``distinct`` keeps
    one report (the first stored) per canonical event; ``include_suppressed`` adds hypothetical, negated …
    statements; superseded revisions are never returned.
    """

    date_from: str | None = None
    date_to: str | None = None
    actor: str | tuple[str, ...] | None = None
    type: str | tuple[str, ...] | None = None
    governorate: str | tuple[str, ...] | None = None
    place: str | None = None
    min_sources: int = 1
    bbox: BBox | None = None
    text: str | None = None
    doc_id: str | None = None
    distinct: bool = False
    include_suppressed: bool = False
    newest_first: bool = False
    limit: int | None = 1000
    offset: int = 0


@dataclass(frozen=True, slots=True)
class FactFilter:
    """Filters for control facts, sieges, quantities and claims (the fields a table lacks are ignored:
    ``actor`` is the controller / besieger or besieged / subject; ``metric`` and ``status`` apply to
    quantities/claims and sieges)."""

    date_from: str | None = None
    date_to: str | None = None
    actor: str | tuple[str, ...] | None = None
    governorate: str | tuple[str, ...] | None = None
    place: str | None = None
    bbox: BBox | None = None
    text: str | None = None
    doc_id: str | None = None
    metric: str | None = None
    status: str | None = None
    include_suppressed: bool = False
    limit: int | None = 1000
    offset: int = 0


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    text: str | None = None
    source: str | None = None
    cluster_id: int | None = None
    include_superseded: bool = False
    limit: int | None = 100
    offset: int = 0
