"""Ingest: sources → documents → the pipeline → the store, one document per transaction.

``ingest(sources, store)`` reads files, folders, ``-``, URLs and feed URLs, extracts each document with the
default pipeline (or the one given), stores the result and records every rejection in the store's failures
table. A document whose text is already stored is skipped before extraction, so re-running a batch (for
instance after the process was killed) costs little and changes nothing. ``retry(store)`` re-reads the
sources of open failures (or re-extracts the kept document) and resolves those that now succeed. Both keep
the store's planner statistics fresh (``Store.refresh_statistics``) at the end of the run and every
``marsad.store.stats.CHECK_EVERY`` documents written during it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from marsad.errors import MarsadError
from marsad.ingest.base import Item, Rejection
from marsad.ingest.fetch import FetchOptions, is_url, read_url
from marsad.ingest.readers import DEFAULT_MAX_BYTES, read_sources
from marsad.model import Document, ExtractionResult
from marsad.model.base import Record

if TYPE_CHECKING:
    from marsad.store import Store
    from marsad.store.write import Prepared

log = logging.getLogger("marsad.ingest")
Status = Literal["stored", "revision", "duplicate", "failed"]
Extractor = Callable[[Document], ExtractionResult]


@dataclass(frozen=True, slots=True)
class ItemOutcome(Record):
    """What happened to one document or rejection."""

    doc_id: str | None
    source: str
    status: Status
    code: str | None = None
    reason: str | None = None
    events: int = 0
    near_duplicate: bool = False


@dataclass(frozen=True, slots=True)
class IngestSummary(Record):
    seen: int = 0
    stored: int = 0
    revisions: int = 0
    duplicates: int = 0
    failed: int = 0
    near_duplicates: int = 0
    events: int = 0
    seconds: float = 0.0
    resolved: int = 0
    failures_by_code: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    def line(self) -> str:
        """The one-line human summary printed at the end of ``marsad ingest``."""
        codes = ", ".join(f"{c}: {n}" for c, n in self.failures_by_code)
        out = (f"{self.seen} documents: {self.stored} stored, {self.revisions} revisions, {self.duplicates} "
               f"duplicates, {self.failed} failures{f' ({codes})' if codes else ''}; {self.events} events, "
               f"{self.near_duplicates} near-duplicates; {self.seconds:.1f} s")
        return out + (f"; {self.resolved} failures resolved" if self.resolved else "")


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.start = time.perf_counter()

    def add(self, o: ItemOutcome) -> None:
        self.counts["seen"] = self.counts.get("seen", 0) + 1
        self.counts[o.status] = self.counts.get(o.status, 0) + 1
        self.counts["events"] = self.counts.get("events", 0) + o.events
        self.counts["near"] = self.counts.get("near", 0) + int(o.near_duplicate)
        if o.code and o.status == "failed":
            self.codes[o.code] = self.codes.get(o.code, 0) + 1

    def summary(self, *, resolved: int = 0) -> IngestSummary:
        c = self.counts.get
        return IngestSummary(seen=c("seen", 0), stored=c("stored", 0), revisions=c("revision", 0),
                             duplicates=c("duplicate", 0), failed=c("failed", 0), near_duplicates=c("near", 0),
                             events=c("events", 0), seconds=round(time.perf_counter() - self.start, 3),
                             resolved=resolved, failures_by_code=tuple(sorted(self.codes.items())))


class Statistics:
    """Keeps the planner statistics of ``store`` fresh during and after a run, from the process driving it:
    a check every ``every`` documents written, and one at the end (cheap when nothing is due). A failed
    check is logged, never raised: every document is stored by then."""

    def __init__(self, store: Store, *, every: int | None = None) -> None:
        from marsad.store.stats import CHECK_EVERY

        self.store = store
        self.every = every or CHECK_EVERY
        self.written = 0

    def add(self, o: ItemOutcome) -> None:
        if o.status in ("stored", "revision"):
            self.written += 1
            if self.written % self.every == 0:
                self.refresh()

    def refresh(self) -> None:
        try:
            done = self.store.refresh_statistics()
        except MarsadError as exc:
            log.warning("could not refresh the store's planner statistics: %s", exc)
            return
        if done.analysed:
            log.info("analysed %s in %.2f s", ", ".join(done.analysed), done.seconds)


def iter_items(sources: Iterable[str | Path], *, text_column: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               recursive: bool = True, fetch_options: FetchOptions | None = None) -> Iterator[Item]:
    """Documents and rejections from files, folders, ``-``, URLs and feed URLs, in order."""
    opts = fetch_options or FetchOptions(max_bytes=max_bytes)
    for src in sources:
        if isinstance(src, str) and is_url(src):
            yield from read_url(src, opts)
        else:
            yield from read_sources([src], text_column=text_column, max_bytes=max_bytes, recursive=recursive)


def _default_extractor() -> Extractor:
    import marsad

    return marsad.default_pipeline()


def process(item: Item, store: Store, extractor: Extractor, *, prepared: Prepared | None = None) -> ItemOutcome:
    """Store one document (or record one rejection). Never raises for a bad document. ``prepared``: the store
    rows of what ``extractor`` gives, if computed already (a worker did it for the single writer)."""
    if isinstance(item, Rejection):
        store.add_failure(item)
        return ItemOutcome(item.doc_id, item.source, "failed", item.code, item.reason)
    doc = item
    source = str(doc.meta.get("source") or doc.id)
    if store.has_content(doc.content_hash):
        return ItemOutcome(doc.id, source, "duplicate")
    try:
        result = extractor(doc)
    except MarsadError as exc:
        rej = Rejection.from_error(exc, source=source, doc_id=doc.id)
        store.add_failure(rej, document=doc)
        return ItemOutcome(doc.id, source, "failed", rej.code, rej.reason)
    except Exception as exc:  # a bug in a stage must not stop a batch: keep the document for `marsad retry`
        rej = Rejection(source, doc.id, "M000", f"internal error in extraction: {type(exc).__name__}: {exc}")
        store.add_failure(rej, document=doc)
        return ItemOutcome(doc.id, source, "failed", rej.code, rej.reason)
    outcome = store.add(result, source=source, prepared=prepared)
    return ItemOutcome(doc.id, source, outcome.status, events=outcome.events,
                       near_duplicate=outcome.near_duplicate_of is not None and outcome.status != "duplicate")


def ingest(sources: Iterable[str | Path], store: Store, *, pipeline: Extractor | None = None,
           text_column: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, recursive: bool = True,
           fetch_options: FetchOptions | None = None,
           on_item: Callable[[ItemOutcome], None] | None = None) -> IngestSummary:
    """Ingest every source into ``store``; returns the counts (see the module docstring)."""
    extractor = pipeline or _default_extractor()
    tally = _Tally()
    statistics = Statistics(store)
    for item in iter_items(sources, text_column=text_column, max_bytes=max_bytes, recursive=recursive,
                           fetch_options=fetch_options):
        outcome = process(item, store, extractor)
        tally.add(outcome)
        statistics.add(outcome)
        if on_item is not None:
            on_item(outcome)
    statistics.refresh()
    return tally.summary()


def retry(store: Store, *, pipeline: Extractor | None = None, text_column: str | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES, fetch_options: FetchOptions | None = None,
          on_item: Callable[[ItemOutcome], None] | None = None) -> IngestSummary:
    """Retry every open failure: re-extract a kept document, else re-read its source.

    A failure is resolved when its document is now stored, or when its source, read again, no longer
    yields that rejection (the bad record was fixed or removed).
    """
    extractor = pipeline or _default_extractor()
    tally = _Tally()
    open_failures = store.failures()
    before = {f.id for f in open_failures}
    by_source: dict[str, list[int]] = {}
    for f in open_failures:
        doc = store.failure_payload(f.id) if f.has_payload else None
        if doc is not None:
            outcome = process(doc, store, extractor)
            if outcome.status != "failed":
                store.resolve_failure(f.id)
            tally.add(outcome)
            if on_item is not None:
                on_item(outcome)
        else:
            by_source.setdefault(f.source, []).append(f.id)
    for source, ids in by_source.items():
        if not is_url(source) and not Path(source).exists():
            continue  # stdin, the API, or a file since removed: nothing to re-read; the failure stays open
        seen_again: set[tuple[str, str]] = set()
        for item in iter_items([source], text_column=text_column, max_bytes=max_bytes, fetch_options=fetch_options):
            if isinstance(item, Rejection):
                seen_again.add((item.source, item.doc_id or ""))
            outcome = process(item, store, extractor)
            tally.add(outcome)
            if on_item is not None:
                on_item(outcome)
        for f in store.failures():
            if f.id in ids and (f.source, f.doc_id or "") not in seen_again:
                store.resolve_failure(f.id)
    still_open = {f.id for f in store.failures()}
    Statistics(store).refresh()
    return tally.summary(resolved=len(before - still_open))
