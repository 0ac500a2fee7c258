"""Ingest on an engine: ``marsad ingest --jobs N`` / ``--engine dask``. PostgreSQL is written from the workers,
each through its own connection (``StoreWrite``); SQLite by the client alone, the workers extracting and
preparing the rows (``ExtractForWriter``). The same outcomes, per document, as the serial ingest
(``marsad.ingest.run.ingest``).

::

    from marsad.pipeline.engines import EngineOptions
    from marsad.pipeline.ingest_engine import ingest_on_engine
    summary = ingest_on_engine(["corpus.jsonl"], store, options=EngineOptions(engine="dask", workers=2))
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from marsad.errors import MarsadError
from marsad.ingest.base import Item, Rejection
from marsad.ingest.slices import ReadOptions
from marsad.model import Document, ExtractionResult
from marsad.pipeline.engines import EngineOptions, Extractor, ProcessEngine, SerialEngine, open_engine
from marsad.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from marsad.ingest.fetch import FetchOptions
    from marsad.ingest.run import IngestSummary, ItemOutcome
    from marsad.pipeline.dask_engine import DaskEngine
    from marsad.store import Store
    from marsad.store.write import Prepared

__all__ = ["ExtractForWriter", "Extracted", "StoreWrite", "close_worker_stores", "ingest_items", "ingest_on_engine",
           "ingest_sources", "worker_stores"]

class _StoreCache:
    """The store connections of one process, opened on first use (one per URL and schema)."""

    def __init__(self) -> None:
        self._stores: dict[tuple[str, str | None], Store] = {}
        from multiprocessing import util

        util.Finalize(self, _StoreCache.close, args=(self,), exitpriority=10)  # process-pool workers' exit

    def get(self, url: str, schema: str | None) -> Store:
        store = self._stores.get((url, schema))
        if store is None:
            from marsad.store import open_store

            store = self._stores[(url, schema)] = open_store(url, schema=schema)
        return store

    def close(self) -> None:
        while self._stores:
            _, store = self._stores.popitem()
            with contextlib.suppress(Exception):
                store.close()


@cache
def worker_stores() -> _StoreCache:
    """This process's store connections (Dask workers and pool processes each open their own)."""
    return _StoreCache()


def close_worker_stores() -> None:
    worker_stores().close()


@dataclass(frozen=True)
class StoreWrite:
    """Ingest task for PostgreSQL: ``marsad.ingest.run.process`` on the worker, through its own connection."""

    url: str
    schema: str | None = None

    def __call__(self, pipeline: Extractor, item: Item) -> ItemOutcome:
        from marsad.ingest.run import process

        return process(item, worker_stores().get(self.url, self.schema), pipeline)

    def lost(self, item: Item, rejection: Rejection) -> ItemOutcome:
        from marsad.ingest.run import ItemOutcome

        store = worker_stores().get(self.url, self.schema)  # on the client
        store.add_failure(rejection, document=item if isinstance(item, Document) else None)
        return ItemOutcome(rejection.doc_id, rejection.source, "failed", rejection.code, rejection.reason)


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a worker sends the single (SQLite) writer: the item and its result, or the error it raised."""

    item: Item
    result: ExtractionResult | None = None
    error: tuple[str, str, str] | None = None  # (code or "", exception type name, message)
    prepared: Prepared | None = None  # the store rows of ``result``, computed on the worker

    def replay(self, doc: Document) -> ExtractionResult:
        """The extractor ``process`` calls on the client: gives the worker's result, or raises its error again."""
        if self.error is not None:
            code, type_name, message = self.error
            if code:
                exc = MarsadError(message)
                exc.code = code
                raise exc
            raise type(type_name, (Exception,), {})(message)
        assert self.result is not None
        return self.result


@dataclass(frozen=True)
class ExtractForWriter:
    """Ingest task for SQLite: extract on the worker, and compute the rows to store (``prepare``: MinHash
    signature, fact and mention rows, 1.7 ms per article); the client only writes (``Extracted.replay``)."""

    prefetch: ClassVar[bool] = True

    def __call__(self, pipeline: Extractor, item: Item) -> Extracted:
        from marsad.store.write import prepare

        if isinstance(item, Rejection):
            return Extracted(item)
        try:
            result = pipeline(item)
        except MarsadError as exc:
            return Extracted(item, error=(exc.code, type(exc).__name__, exc.message))
        except Exception as exc:
            return Extracted(item, error=("", type(exc).__name__, str(exc)))
        try:
            prepared = prepare(result)
        except Exception:  # the writer prepares it again and reports the error exactly as a serial ingest
            prepared = None
        return Extracted(item, result, prepared=prepared)

    def lost(self, item: Item, rejection: Rejection) -> Extracted:
        if isinstance(item, Rejection):
            return Extracted(item)
        return Extracted(item, error=(rejection.code, "MarsadError", rejection.reason))


def _store_address(store: Store) -> tuple[str, str | None]:
    schema = getattr(store, "schema", None) or getattr(getattr(store, "_conn", None), "schema", None)
    return store.url, schema


def ingest_items(items: Iterable[Item], store: Store, engine: SerialEngine | ProcessEngine | DaskEngine, *,
                 on_item: Callable[[ItemOutcome], None] | None = None) -> IngestSummary:
    """``marsad.ingest.run.ingest`` on an engine: same outcomes, per document, as the serial ingest.

    Serial: ``process`` in this process. PostgreSQL on processes or Dask: ``process`` on the workers, each
    through its own connection (``StoreWrite``). SQLite on processes or Dask: one writer, this process; the
    workers only extract, documents already stored are skipped before they are sent. Planner statistics
    are refreshed here, on the client, never on the workers (``marsad.ingest.run.Statistics``).
    """
    return _ingest(items, store, engine, on_item=on_item)


def _ingest(items: Iterable[Item], store: Store, engine: SerialEngine | ProcessEngine | DaskEngine, *,
            on_item: Callable[[ItemOutcome], None] | None,
            on_workers: Callable[[StoreWrite], Iterator[ItemOutcome]] | None = None) -> IngestSummary:
    """``ingest_items``; ``on_workers(task)``, if given, runs the PostgreSQL task instead of ``engine.run(items)``
    (``ingest_on_engine``: the workers read the input themselves)."""
    from marsad.ingest.run import ItemOutcome, Statistics, _Tally, process

    tally = _Tally()
    statistics = Statistics(store)

    def emit(outcome: ItemOutcome) -> None:
        tally.add(outcome)
        statistics.add(outcome)
        if on_item is not None:
            on_item(outcome)

    if isinstance(engine, SerialEngine):
        for item in items:
            emit(process(item, store, engine.pipeline))
        statistics.refresh()
        return tally.summary()
    if store.dialect == "postgresql":
        url, schema = _store_address(store)
        task = StoreWrite(url, schema)
        try:
            for outcome in (on_workers(task) if on_workers is not None else engine.run(items, task=task)):
                emit(outcome)
        finally:
            if engine.name == "dask":
                with contextlib.suppress(Exception):
                    engine.run_on_workers(close_worker_stores)  # type: ignore[union-attr]
            close_worker_stores()
        statistics.refresh()
        return tally.summary()

    def fresh(stream: Iterable[Item]) -> Iterator[Item]:
        for item in stream:
            if isinstance(item, Document) and store.has_content(item.content_hash):
                emit(ItemOutcome(item.id, str(item.meta.get("source") or item.id), "duplicate"))
            else:
                yield item

    for ex in engine.run(fresh(items), task=ExtractForWriter()):
        emit(process(ex.item, store, ex.replay, prepared=ex.prepared))
    statistics.refresh()
    return tally.summary()


def ingest_on_engine(sources: Iterable[str | Path], store: Store, *, options: EngineOptions,
                     settings: Settings | None = None, pipeline: Extractor | None = None,
                     text_column: str | None = None, max_bytes: int | None = None, recursive: bool = True,
                     fetch_options: FetchOptions | None = None,
                     on_item: Callable[[ItemOutcome], None] | None = None) -> IngestSummary:
    """``marsad.ingest.run.ingest`` with ``options`` (``--engine``, ``--jobs`` ...): same arguments, same summary.

    ``pipeline`` (optional) is used by the serial and Dask engines; the process engine builds its own from
    ``settings`` in each process.
    """
    from marsad.ingest.readers import DEFAULT_MAX_BYTES

    read = ReadOptions(text_column=text_column, max_bytes=max_bytes or DEFAULT_MAX_BYTES, recursive=recursive)
    with open_engine(options, settings=settings, pipeline=None if options.jobs > 1 and options.engine == "local"
                     else pipeline) as engine:
        return ingest_sources(sources, store, engine, read=read, fetch_options=fetch_options, on_item=on_item)


def ingest_sources(sources: Iterable[str | Path], store: Store, engine: SerialEngine | ProcessEngine | DaskEngine,
                   *, read: ReadOptions | None = None, fetch_options: FetchOptions | None = None,
                   on_item: Callable[[ItemOutcome], None] | None = None) -> IngestSummary:
    """``ingest_items`` of files, folders, ``-``, URLs and feeds, on an open engine. With PostgreSQL, on an
    engine that ``reads_on_workers``, the workers read the files themselves (``run_sources``)."""
    from marsad.ingest.run import iter_items

    opts = read or ReadOptions()

    def client_read(src: str | Path) -> Iterator[Item]:
        return iter_items([src], text_column=opts.text_column, max_bytes=opts.max_bytes, recursive=opts.recursive,
                          fetch_options=fetch_options)

    names = list(sources)
    items = (item for src in names for item in client_read(src))

    def on_workers(task: StoreWrite) -> Iterator[ItemOutcome]:
        return engine.run_sources(names, task=task, read=opts, client_read=client_read)

    return _ingest(items, store, engine, on_item=on_item, on_workers=on_workers)
