"""The store: documents, mentions, facts, failures and clusters, in SQLite or PostgreSQL.

Open one and write extraction results into it::

    from marsad.store import open_store, EventFilter
    with open_store("obs.db") as store:               # None → ~/.local/share/marsad/marsad.db
        outcome = store.add(result, source="reports/a.txt")   # AddOutcome: stored | duplicate | revision
        for ev in store.events(EventFilter(actor="islamic_state", date_from="2017", min_sources=2)):
            print(ev.event.type, ev.doc_id, ev.sources, ev.evidence)

``open_store(url, *, schema=None) -> Store``: ``None``, a path, ``sqlite:///relative.db`` or
``sqlite:////abs/path.db`` → SQLite (WAL mode); ``postgresql://user@host:port/db`` → PostgreSQL via psycopg 3
(``schema`` puts the tables in their own schema). Both get the same schema through versioned, forward-only
migrations (``marsad.store.migrations``, table ``schema_version``), and the same test suite runs on both.

Writing (each call is one transaction; a process killed mid-batch loses at most the document it was writing):

* ``add(result, *, raw=None, source=None) -> AddOutcome``. Idempotent: a document whose text (content hash)
  is stored already is a ``duplicate`` and writes nothing. A changed text at the same URL (or, without a
  URL, the same document id from the same source) is a new ``revision``; older revisions are kept but no
  longer queried. The same id from two different sources (say ``1`` in two CSV files) is two documents.
  Near-duplicates (MinHash/LSH, ``marsad.store.dedup``) join the cluster of the document they resemble.
  Each asserted event is matched to a canonical event (same day, place and actors; same type or similar
  evidence): ``StoredEvent.sources`` counts the distinct clusters reporting it.
* ``has_content(content_hash) -> bool``: lets a batch skip extraction of documents already stored.
* ``add_failure(rejection, *, document=None)``: record a ``Rejection`` (M1xx code and reason), keyed by
  source and document id; a later success of the same document id resolves it. ``document`` (a readable
  document whose extraction failed) is kept so ``marsad retry`` can re-run it without its source.
* ``resolve_failure(failure_id)``.

Maintenance: ``check_counters(*, repair=False) -> CounterCheck`` compares each canonical event's ``n_reports``,
``n_sources`` and ``first_event_id`` (kept by deltas on every write, ``marsad.store.counters``) with a full
recount, and with ``repair=True`` rebuilds them (``marsad stats --check-counters`` or ``--repair-counters``).
``refresh_statistics(*, force=False) -> StatisticsRefresh`` runs ``ANALYZE`` on the tables that grew enough since
their last analysis (``marsad.store.stats``); the ingest paths call it at the end of every run, and
``marsad stats --analyse`` forces it.

Reading (frozen records, facts rebuilt with the model's ``from_dict``; superseded revisions are hidden):

* ``events(EventFilter(...)) -> list[StoredEvent]``, ``count_events(filter)``, ``event(fact_id)``, ``date_range()``;
  ``StoredEvent(id, event, doc_id, outlet, published, canonical_id, sources, url, evidence, sentence, added)``.
  Filters: ``date_from``/``date_to`` (inclusive ISO prefixes; the event date, else the publication date),
  ``actor`` (actor1 or actor2), ``type``, ``governorate`` (each one value or a tuple of values),
  ``place`` (id, English name or surface),
  ``min_sources``, ``bbox=(west, south, east, north)``, ``text`` (folded substring of the evidence sentence),
  ``doc_id``, ``distinct`` (one report per canonical event), ``include_suppressed``, ``newest_first``,
  ``limit``/``offset`` (``limit=None``: all).
* ``control_facts(FactFilter)``, ``sieges(...)``, ``quantities(...)``, ``claims(...)`` → ``StoredControl`` /
  ``StoredSiege`` / ``StoredQuantity`` / ``StoredClaim`` = ``(fact, FactContext)``; claims are the
  share-of-territory and area figures of each outlet.
* ``documents(DocumentFilter)``, ``document(doc_id_or_url) -> StoredDocument | None`` (current revision),
  ``result(doc_id) -> ExtractionResult | None`` (everything read in it, with the exact text),
  ``count_documents()``, ``document_facts() -> Iterator[DocumentFacts]`` (what the control layer reads).
* ``failures(include_resolved=False, code=None)`` → ``StoredFailure``; ``failure_payload(id)``.
* ``stats() -> StoreStats``; ``revision() -> str`` changes whenever stored data changes (a cache key).

A ``Store`` holds one connection guarded by a lock: share it between threads, but open one per process
(it is not picklable; give workers ``store.url``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from marsad.errors import StoreError
from marsad.ingest.base import Rejection
from marsad.model import Document, ExtractionResult
from marsad.store import query
from marsad.store.backend import Connection, connect, default_db_path, is_integrity_error, migrate
from marsad.store.counters import check_counters
from marsad.store.migrations import LATEST_VERSION
from marsad.store.records import (
    AddOutcome,
    CounterCheck,
    DocumentFacts,
    DocumentFilter,
    EventFilter,
    FactContext,
    FactFilter,
    StatisticsRefresh,
    StoredClaim,
    StoredControl,
    StoredDocument,
    StoredEvent,
    StoredFailure,
    StoredQuantity,
    StoredSiege,
    StoreStats,
)
from marsad.store.stats import StatisticsPolicy, refresh_statistics
from marsad.store.write import UPSERT_FAILURE, Prepared, add_prepared, failure_row, prepare

__all__ = [
    "LATEST_VERSION", "AddOutcome", "CounterCheck", "DocumentFacts", "DocumentFilter", "EventFilter", "FactContext",
    "FactFilter", "StatisticsPolicy", "StatisticsRefresh", "Store", "StoreStats", "StoredClaim", "StoredControl",
    "StoredDocument", "StoredEvent", "StoredFailure", "StoredQuantity", "StoredSiege", "default_db_path", "open_store",
]


class Store:
    """One observatory's data. Build it with ``open_store``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.schema_version = migrate(conn)

    @property
    def url(self) -> str:
        return self._conn.url

    @property
    def dialect(self) -> str:
        return self._conn.dialect

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Store is not picklable: open one per process from store.url")

    # --- writing ------------------------------------------------------------------------------------------

    def add(self, result: ExtractionResult, *, raw: bytes | None = None, source: str | None = None,
            prepared: Prepared | None = None) -> AddOutcome:
        """Store one document and its facts in one transaction (see the module docstring). ``prepared``: the
        rows of ``result`` computed already (``marsad.store.write.prepare``, e.g. on a worker, so that a
        single writer only writes)."""
        if prepared is None or prepared.result is not result:
            prepared = prepare(result)
        for attempt in range(2):
            try:
                with self._lock, self._conn.transaction(), self._conn.pipelined():
                    return add_prepared(self._conn, prepared, raw=raw, source=source)
            except Exception as exc:
                if attempt == 0 and is_integrity_error(exc):
                    continue  # another writer stored the same content meanwhile: now a duplicate
                if isinstance(exc, StoreError):
                    raise
                if is_integrity_error(exc):
                    raise StoreError(f"could not store {result.document.id!r}: {exc}") from exc
                raise
        raise StoreError(f"could not store {result.document.id!r}")  # pragma: no cover

    def has_content(self, content_hash: str) -> bool:
        """Whether a document with this text (``Document.content_hash``) is stored (any revision)."""
        with self._lock:
            return bool(self._conn.execute("SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)))

    def add_failure(self, rejection: Rejection, *, document: Document | None = None) -> None:
        with self._lock, self._conn.transaction():
            self._conn.execute(UPSERT_FAILURE, failure_row(rejection, document=document))

    def resolve_failure(self, failure_id: int) -> None:
        with self._lock, self._conn.transaction():
            self._conn.execute("UPDATE failures SET resolved = 1 WHERE id = ?", (failure_id,))

    def check_counters(self, *, repair: bool = False) -> CounterCheck:
        """Compare the corroboration counters with a full recount; ``repair`` rebuilds them if any is wrong."""
        with self._lock, self._conn.transaction():
            return check_counters(self._conn, repair=repair)

    def refresh_statistics(self, *, force: bool = False, policy: StatisticsPolicy | None = None) -> StatisticsRefresh:
        """``ANALYZE`` the tables that changed enough since their last analysis (``force``: every table with
        data), so the planner knows their sizes. Never call it inside a write: it runs its own statements."""
        with self._lock:
            return refresh_statistics(self._conn, policy or StatisticsPolicy(), force=force)

    # --- reading ------------------------------------------------------------------------------------------

    def events(self, filter: EventFilter | None = None) -> list[StoredEvent]:
        with self._lock:
            return query.events(self._conn, filter or EventFilter())

    def count_events(self, filter: EventFilter | None = None) -> int:
        with self._lock:
            return query.count_events(self._conn, filter or EventFilter())

    def date_range(self) -> tuple[str | None, str | None]:
        """The first and last event dates (ISO), or ``(None, None)`` for an empty store."""
        with self._lock:
            return query.date_range(self._conn)

    def event(self, fact_id: str) -> StoredEvent | None:
        with self._lock:
            return query.event_by_id(self._conn, fact_id)

    def control_facts(self, filter: FactFilter | None = None) -> list[StoredControl]:
        with self._lock:
            return query.control_facts(self._conn, filter or FactFilter())

    def sieges(self, filter: FactFilter | None = None) -> list[StoredSiege]:
        with self._lock:
            return query.sieges(self._conn, filter or FactFilter())

    def quantities(self, filter: FactFilter | None = None) -> list[StoredQuantity]:
        with self._lock:
            return query.quantities(self._conn, filter or FactFilter())

    def claims(self, filter: FactFilter | None = None) -> list[StoredClaim]:
        with self._lock:
            return query.claims(self._conn, filter or FactFilter())

    def documents(self, filter: DocumentFilter | None = None) -> list[StoredDocument]:
        with self._lock:
            return query.documents(self._conn, filter or DocumentFilter())

    def count_documents(self, *, include_superseded: bool = False) -> int:
        with self._lock:
            return query.count_documents(self._conn, include_superseded=include_superseded)

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._lock:
            return query.document(self._conn, doc_id)

    def result(self, doc_id: str) -> ExtractionResult | None:
        with self._lock:
            return query.result(self._conn, doc_id)

    def document_facts(self) -> Iterator[DocumentFacts]:
        with self._lock:
            items = list(query.document_facts(self._conn))
        return iter(items)

    def failures(self, *, include_resolved: bool = False, code: str | None = None, limit: int | None = None,
                 offset: int = 0) -> list[StoredFailure]:
        with self._lock:
            return query.failures(self._conn, include_resolved=include_resolved, code=code, limit=limit,
                                  offset=offset)

    def failure_payload(self, failure_id: int) -> Document | None:
        with self._lock:
            return query.failure_payload(self._conn, failure_id)

    def revision(self) -> str:
        with self._lock:
            d = self._conn.execute("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM documents")[0]
            f = self._conn.execute("SELECT COALESCE(MAX(last_seen), ''), COUNT(*), "
                                   "COALESCE(SUM(resolved), 0) FROM failures")[0]
        return f"{d[0]}.{d[1]}.{f[1]}.{f[2]}.{f[0]}"

    def stats(self) -> StoreStats:
        def one(sql: str) -> int:
            return int(self._conn.execute(sql)[0][0] or 0)

        cur = "JOIN documents d ON d.id = x.document_id WHERE d.is_current = 1 AND x.suppressed = 0"
        with self._lock:
            by_code = self._conn.execute("SELECT code, COUNT(*) FROM failures WHERE resolved = 0 GROUP BY code "
                                         "ORDER BY code")
            return StoreStats(
                backend=self.dialect,
                schema_version=self.schema_version,
                documents=one("SELECT COUNT(*) FROM documents WHERE is_current = 1"),
                revisions=one("SELECT COUNT(*) FROM documents WHERE is_current = 0"),
                clusters=one("SELECT COUNT(DISTINCT cluster_id) FROM documents WHERE is_current = 1"),
                near_duplicates=one("SELECT COUNT(*) FROM documents WHERE is_current = 1 "
                                    "AND near_duplicate_of IS NOT NULL"),
                events=one(f"SELECT COUNT(*) FROM events x {cur}"),
                canonical_events=one("SELECT COUNT(*) FROM canonical_events WHERE n_reports > 0"),
                corroborated_events=one("SELECT COUNT(*) FROM canonical_events WHERE n_sources > 1"),
                control_facts=one(f"SELECT COUNT(*) FROM control_facts x {cur}"),
                sieges=one(f"SELECT COUNT(*) FROM sieges x {cur}"),
                quantities=one(f"SELECT COUNT(*) FROM quantities x {cur}"),
                claims=one(f"SELECT COUNT(*) FROM claims x {cur}"),
                mentions=one("SELECT COUNT(*) FROM mentions x JOIN documents d ON d.id = x.document_id "
                             "WHERE d.is_current = 1"),
                failures_open=one("SELECT COUNT(*) FROM failures WHERE resolved = 0"),
                failures_resolved=one("SELECT COUNT(*) FROM failures WHERE resolved = 1"),
                failures_by_code=tuple((str(c), int(n)) for c, n in by_code),
            )


def open_store(url: str | Path | None = None, *, schema: str | None = None) -> Store:
    """Open (creating and migrating as needed) the store at ``url``; see the module docstring."""
    return Store(connect(url, schema=schema))
