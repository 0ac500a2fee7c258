"""Engines: run the same pure pipeline over a stream of items, in this process, on local processes or on Dask.

::

    from marsad.pipeline.engines import EngineOptions, open_engine
    with open_engine(EngineOptions(engine="dask", workers=2), settings=settings) as engine:
        for outcome in engine.run_sources(["corpus.jsonl", "reports/"]):
            ...                                  # a Processed or a Rejection, exactly as runner.run_items

Three engines, one contract (``Engine.run(items, task=...)`` and ``Engine.run_sources(paths, task=...)``: one
output per input item, the same on every engine):

* ``serial``  (``--engine local``, ``--jobs 1``): ``runner.run_items`` in this process;
* ``process`` (``--engine local --jobs N``): a ``ProcessPoolExecutor`` (forkserver); each process builds the
  pipeline once, in the pool's initializer (``pipeline_for(settings)``, cached per process); tasks carry
  only the small, hashable ``Settings``;
* ``dask``    (``--engine dask``, ``marsad.pipeline.dask_engine``): a dask.distributed ``Client`` on
  ``--scheduler tcp://HOST:8786`` or on a ``LocalCluster`` of ``--workers N`` processes with one thread each.
  The pipeline is built once on the client and shipped once per worker in a ``WorkerPlugin``; tasks look
  it up by name, so it is never pickled per document.

Inputs stream in bounded batches (at most ``batch_size`` items: 64 on local processes, 256 on Dask, whose
per-task cost is higher; the first batches are smaller, 8, 16, 32 ..., so that a small input is still
spread over every worker) and at most ``in_flight`` batches are out at once,
so memory stays bounded on the client and on every worker however large the input. Reader rejections
travel with their batch and pass through the task like documents, so every engine reports failures the
same way.

Who reads: ``run(items)`` takes items read by the caller and ships them. ``run_sources(paths)`` on the process
pool and on a local Dask cluster (``reads_on_workers``; ``--read``) lets each worker read its own slices of
the input (``marsad.ingest.slices``: byte ranges of JSONL files, whole files), so the client cuts the files
and writes the results, and no document crosses a process boundary on the way in. A batch's outputs come
back as one object (``pack_outputs``: ``JsonLines`` puts every line of a batch in one buffer). Both matter
on few cores, where the client and the workers' event loops share the CPU with extraction.

A *task* (``Task``: picklable, ``task(pipeline, item) -> T``) is what runs on the worker for each item:
``Extract`` (the default) gives ``runner.Outcome``; ``JsonLines`` gives the finished output line of
``marsad extract``, so the client only writes; ``marsad.pipeline.ingest_engine`` runs ``marsad ingest`` on an
engine (``StoreWrite``: PostgreSQL written from the workers, each with its own connection;
``ExtractForWriter``: SQLite, written by the client alone). If a worker dies, the items of its batch go
through ``task.lost`` on the client as ``M000`` rejections and the run goes on.

Order: ``ordered=True`` (the default) yields outputs in input order (a bounded window of futures waited on
in submission order); ``ordered=False`` yields batches as they complete (``as_completed``). The outputs are
the same either way, order aside.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar

import orjson

from marsad.errors import ConfigError
from marsad.ingest.base import Item, Rejection
from marsad.ingest.readers import read_sources
from marsad.ingest.slices import ReadOptions, Slices, plan_reads
from marsad.model import Document, ExtractionResult
from marsad.pipeline.runner import Outcome, Processed, prefetched, process_one
from marsad.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from marsad.pipeline.core import Pipeline
    from marsad.pipeline.dask_engine import DaskEngine

__all__ = [
    "DEFAULT_BATCH_SIZE", "Batch", "Emitted", "EmittedBatch", "Engine", "EngineBase", "EngineOptions", "Extract",
    "JsonLines", "Outputs", "ProcessEngine", "ReadOptions", "SerialEngine", "Task", "batch_items", "gc_paused",
    "lost_batch", "lost_rejection", "open_engine", "pack_outputs", "pipeline_for", "run_batch", "run_packed_batch",
    "unpack_outputs"
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
EngineName = Literal["local", "dask"]
ReadOn = Literal["auto", "client", "workers"]
Batch = list[Item] | Slices  # items read on the client, or slices of files that the worker reads itself
Extractor = Callable[[Document], ExtractionResult]

DEFAULT_BATCH_SIZE = {"serial": 64, "process": 64, "dask": 256}
FIRST_BATCH_SIZE = 8
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    """How to run. ``engine``: ``local`` (``jobs`` processes; 1 = this process) or ``dask`` (``scheduler``
    address, else a LocalCluster of ``workers`` processes). ``in_flight`` 0 = 3 batches per worker."""

    engine: EngineName = "local"
    jobs: int = 1
    scheduler: str | None = None
    workers: int = 2
    batch_size: int | None = None  # None: DEFAULT_BATCH_SIZE of the engine
    in_flight: int = 0
    ordered: bool = True
    memory_limit: str | None = None  # per LocalCluster worker, e.g. "1GiB"; None = Dask's default
    read: ReadOn = "auto"  # who reads input files in run_sources (auto: workers when they share our files)

    def __post_init__(self) -> None:
        if self.engine not in ("local", "dask"):
            raise ConfigError(f"--engine must be local or dask, got {self.engine!r}", value=self.engine)
        for name in ("jobs", "workers", "batch_size"):
            value = getattr(self, name)
            if name == "batch_size" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be a positive integer, got {value!r}",
                                  value=value)
        if self.read not in ("auto", "client", "workers"):
            raise ConfigError(f"--read must be auto, client or workers, got {self.read!r}", value=self.read)
        if self.in_flight < 0:
            raise ConfigError(f"in_flight must be >= 0, got {self.in_flight!r}", value=self.in_flight)
        if self.scheduler is not None and "://" not in self.scheduler:
            raise ConfigError(f"--scheduler must be an address like tcp://HOST:8786, got {self.scheduler!r}",
                              value=self.scheduler)

    @property
    def parallel(self) -> bool:
        """Whether these options ask for more than this process (``--jobs N`` or ``--engine dask``)."""
        return self.engine == "dask" or self.jobs > 1

    def batch_sizes(self, engine: str) -> Iterator[int]:
        """The size of each batch in turn for ``engine``: doubling from ``FIRST_BATCH_SIZE`` to the batch size."""
        size = self.batch_size or DEFAULT_BATCH_SIZE.get(engine, 64)
        step = min(FIRST_BATCH_SIZE, size)
        while True:
            yield step
            step = min(step * 2, size)

    def batches(self, items: Iterable[T], engine: str) -> Iterator[list[T]]:
        """``items`` in batches for ``engine`` (sizes from ``batch_sizes``)."""
        it, sizes = iter(items), self.batch_sizes(engine)
        while chunk := list(islice(it, next(sizes))):
            yield chunk

    def window(self, parallelism: int) -> int:
        return self.in_flight or 3 * max(parallelism, 1)


# --------------------------------------------------------------------------------------------------------------
# Tasks: what runs on the worker for each item (module-level classes, so they pickle by reference)


class Task(Protocol[T_co]):
    """What runs on the worker for each item. A task may also define ``pack(outputs)`` (on the worker) and
    ``unpack(packed)`` (on the client): how a batch's outputs travel (``JsonLines``: one buffer). Without them a
    batch travels as one ``Outputs`` object."""

    def __call__(self, pipeline: Extractor, item: Item, /) -> T_co: ...

    def lost(self, item: Item, rejection: Rejection, /) -> T_co:
        """The output for an item whose worker died (runs on the client)."""
        ...


@dataclass(frozen=True, slots=True)
class Outputs:
    """A batch's outputs as one object on the wire: Dask serialises a list item by item (a frame and a header
    each), a cost paid on the worker's event loop and on the client for every document."""

    items: tuple[Any, ...]


def pack_outputs(task: Task[T], outputs: list[T]) -> Any:
    """On the worker: how a batch's outputs travel (``task.pack``, else ``Outputs``)."""
    pack = getattr(task, "pack", None)
    return pack(outputs) if pack is not None else Outputs(tuple(outputs))


def unpack_outputs(task: Task[T], packed: Any) -> list[T]:
    """On the client: a batch's outputs back from ``pack_outputs``."""
    if isinstance(packed, Outputs):
        return list(packed.items)
    out: list[T] = task.unpack(packed)  # type: ignore[attr-defined]
    return out


@dataclass(frozen=True)
class Extract:
    """The default task: a ``Processed`` result, or the ``Rejection`` (reader's or extraction's)."""

    prefetch: ClassVar[bool] = True  # it extracts every item: run_batch may compute a batch at once

    def __call__(self, pipeline: Extractor, item: Item) -> Outcome:
        return item if isinstance(item, Rejection) else process_one(pipeline, item)

    def lost(self, item: Item, rejection: Rejection) -> Outcome:
        return rejection


@dataclass(frozen=True, slots=True)
class Emitted:
    """One output line of ``marsad extract`` (``data``: UTF-8 JSON, no newline; ``line``: the same as text) and
    the rejection it reports, if any."""

    data: bytes
    rejection: Rejection | None = None
    warnings: tuple[str, ...] = ()  # the document's warnings (also in the line), for the client to report
    doc_id: str | None = None

    @property
    def line(self) -> str:
        return self.data.decode("utf-8")


@dataclass(frozen=True, slots=True)
class EmittedBatch:
    """A batch of ``Emitted`` as it travels back from a worker: every line in one buffer (``data``, each line
    ended by a newline at ``ends[i]``) rather than one object per line, which Dask would serialise one by one."""

    data: bytes
    ends: tuple[int, ...]
    rejections: tuple[Rejection | None, ...]
    warnings: tuple[tuple[str, ...], ...]
    doc_ids: tuple[str | None, ...]


@dataclass(frozen=True)
class JsonLines:
    """The ``marsad extract`` task: an item → its JSON line, made on the worker."""

    include_suppressed: bool = False
    prefetch: ClassVar[bool] = True

    def emit(self, outcome: Outcome) -> Emitted:
        # orjson: compact UTF-8 JSON, four times faster than ``json.dumps`` on our ~12 KB lines (it was a
        # twentieth of the time per article), with the same values; kept as bytes to the file.
        if isinstance(outcome, Processed):
            obj = outcome.result.to_prediction(include_suppressed=self.include_suppressed)
            return Emitted(orjson.dumps(obj), warnings=outcome.result.warnings, doc_id=outcome.result.document.id)
        return Emitted(orjson.dumps(outcome.to_dict()), outcome, doc_id=outcome.doc_id)

    def __call__(self, pipeline: Extractor, item: Item) -> Emitted:
        return self.emit(Extract()(pipeline, item))

    def lost(self, item: Item, rejection: Rejection) -> Emitted:
        return self.emit(rejection)

    def pack(self, outputs: list[Emitted]) -> EmittedBatch:
        data = b"\n".join(e.data for e in outputs) + b"\n"
        ends, end = [], -1
        for e in outputs:
            end += len(e.data) + 1
            ends.append(end)
        return EmittedBatch(data, tuple(ends), tuple(e.rejection for e in outputs),
                            tuple(e.warnings for e in outputs), tuple(e.doc_id for e in outputs))

    def unpack(self, packed: EmittedBatch) -> list[Emitted]:
        out, start, data = [], 0, packed.data
        for end, rejection, warnings, doc_id in zip(packed.ends, packed.rejections, packed.warnings,
                                                    packed.doc_ids, strict=True):
            out.append(Emitted(data[start:end], rejection, warnings, doc_id))
            start = end + 1
        return out


def lost_rejection(item: Item, exc: BaseException) -> Rejection:
    """The ``M000`` rejection standing for an item whose worker died (a reader's rejection stays itself)."""
    if isinstance(item, Rejection):
        return item
    return Rejection(source=str(item.meta.get("source") or item.id), doc_id=item.id, code="M000",
                     reason=f"worker failed while processing this batch ({type(exc).__name__}: {exc}); "
                     "please report it")


def batch_items(batch: Batch) -> list[Item]:
    """The items of a batch: as sent, or read from its slices (on the worker, or on the client for ``lost``)."""
    return batch.items() if isinstance(batch, Slices) else batch


def lost_batch(task: Task[T], batch: Batch, exc: BaseException) -> list[T]:
    items = batch_items(batch)
    log.warning("marsad: a batch of %d items was lost (%s: %s)", len(items), type(exc).__name__, exc)
    return [task.lost(item, lost_rejection(item, exc)) for item in items]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a batch. Extraction makes no reference cycles (callgrind and
    ``gc.callbacks``: a collection during a run frees nothing), yet the collector walked every young object
    again and again: 2.3 % of the instructions per article. Cycles made meanwhile (an exception's traceback,
    say) wait for the next collection after the batch."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_batch(pipeline: Extractor, batch: Batch, task: Task[T]) -> list[T]:
    """One batch on a worker (reading its slices first, if it is ``Slices``). A task that extracts every item
    (``prefetch``) gets the batch's results computed stage by stage (``Pipeline.pipe``), the same, faster."""
    with gc_paused():
        items = batch_items(batch)
        if getattr(task, "prefetch", False):
            pipeline = prefetched(pipeline, items)
        return [task(pipeline, item) for item in items]


def run_packed_batch(pipeline: Extractor, batch: Batch, task: Task[T]) -> Any:
    """``run_batch`` on a worker of another process, its outputs packed for the way back (``pack_outputs``)."""
    return pack_outputs(task, run_batch(pipeline, batch, task))


@cache
def pipeline_for(settings: Settings) -> Pipeline:
    """The pipeline for ``settings``, built once per process (the ``ProcessEngine`` initializer warms it)."""
    from marsad.pipeline.core import build_pipeline

    return build_pipeline(settings)


def _warm(settings: Settings) -> None:
    pipeline_for(settings)


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _run_batch_cached(settings: Settings, batch: Batch, task: Task[T]) -> Any:
    return run_packed_batch(pipeline_for(settings), batch, task)


# --------------------------------------------------------------------------------------------------------------
# Engines


class Engine(Protocol):
    name: str
    parallelism: int
    options: EngineOptions

    @property
    def reads_on_workers(self) -> bool: ...

    def run(self, items: Iterable[Item], *, task: Task[T] | None = None) -> Iterator[T]: ...

    def run_batches(self, batches: Iterable[Batch], *, task: Task[T] | None = None) -> Iterator[T]: ...

    def run_sources(self, sources: Iterable[str | Path], *, task: Task[T] | None = None,
                    read: ReadOptions | None = None,
                    client_read: Callable[[str], Iterable[Item]] | None = None) -> Iterator[T]: ...

    def close(self) -> None: ...


class EngineBase:
    """What every engine shares: ``run`` and ``run_sources`` in terms of the engine's ``run_batches``."""

    name = "base"
    parallelism = 1
    options: EngineOptions

    @property
    def reads_on_workers(self) -> bool:
        """Whether ``run_sources`` lets the workers read the input files (``Slices``) instead of this process."""
        return False

    def run_batches(self, batches: Iterable[Batch], *, task: Task[T] | None = None) -> Iterator[T]:
        raise NotImplementedError

    def run(self, items: Iterable[Item], *, task: Task[T] | None = None) -> Iterator[T]:
        """One output per item, in order (unless ``options.ordered`` is false)."""
        return self.run_batches(self.options.batches(items, self.name), task=task)

    def run_sources(self, sources: Iterable[str | Path], *, task: Task[T] | None = None,
                    read: ReadOptions | None = None,
                    client_read: Callable[[str], Iterable[Item]] | None = None) -> Iterator[T]:
        """``run(read_sources(sources))``, the same outputs; on engines that ``reads_on_workers``, the client
        only cuts the files into slices and each worker reads its own (``marsad.ingest.slices``).
        ``client_read`` reads what is not a local file or folder (``-``, URLs); default ``read_sources``."""
        read = read or ReadOptions()
        if self.reads_on_workers:
            plan = plan_reads(sources, read, self.options.batch_sizes(self.name), client_read=client_read)
            return self.run_batches(plan, task=task)
        if client_read is not None:
            items: Iterable[Item] = (item for src in sources for item in client_read(str(src)))
        else:
            items = read_sources(sources, text_column=read.text_column, max_bytes=read.max_bytes,
                                 recursive=read.recursive)
        return self.run(items, task=task)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release."""


class SerialEngine(EngineBase):
    """This process, in input order: exactly ``runner.run_items`` with the default task. Tasks that extract
    every item run in batches (``Pipeline.pipe``, stage by stage); with ``batch_size=1``, item by item."""

    name = "serial"

    def __init__(self, settings: Settings, *, pipeline: Extractor | None = None,
                 options: EngineOptions | None = None) -> None:
        self.settings = settings
        self.options = options or EngineOptions()
        self._pipeline = pipeline

    @property
    def pipeline(self) -> Extractor:
        if self._pipeline is None:
            self._pipeline = pipeline_for(self.settings)
        return self._pipeline

    def run(self, items: Iterable[Item], *, task: Task[T] | None = None) -> Iterator[T]:
        fn: Task[Any] = task or Extract()
        if not getattr(fn, "prefetch", False):  # item by item: nothing to gain from batches
            pipeline = self.pipeline
            return (fn(pipeline, item) for item in items)
        return self.run_batches(self.options.batches(items, self.name), task=fn)

    def run_batches(self, batches: Iterable[Batch], *, task: Task[T] | None = None) -> Iterator[T]:
        fn: Task[Any] = task or Extract()
        pipeline = self.pipeline
        for batch in batches:
            yield from run_batch(pipeline, batch, fn)


_Entry = tuple["Future[Any]", Batch, ProcessPoolExecutor]  # a batch in flight, and its pool


class ProcessEngine(EngineBase):
    """``jobs`` local processes; the pipeline is built once per process by the pool's initializer."""

    name = "process"

    def __init__(self, settings: Settings, *, options: EngineOptions) -> None:
        self.settings = settings
        self.options = options
        self.parallelism = options.jobs
        self._pool: ProcessPoolExecutor | None = None

    @property
    def reads_on_workers(self) -> bool:
        return self.options.read != "client"  # processes of this machine see its files

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: children start clean (no inherited threads, locks or sockets) and build their pipeline.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["marsad.pipeline.engines"])  # imported once, in the fork server
            self._pool = ProcessPoolExecutor(max_workers=self.options.jobs, mp_context=ctx, initializer=_warm,
                                             initargs=(self.settings,))
        return self._pool

    def start(self) -> None:
        """Start every process now and wait until each has built its pipeline (else they start on first use)."""
        pool = self._executor()
        seen: set[int] = set()
        while len(seen) < self.options.jobs:
            seen.update(f.result() for f in [pool.submit(_pid_after, 0.05) for _ in range(self.options.jobs)])

    def _broken(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:  # a process of this pool died: the pool is unusable; the next submit starts one
            pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _alone(self, batch: Batch, task: Task[T]) -> list[T]:
        """Run one batch by itself in a fresh pool: after a crash, the batches that were in flight run again
        one at a time, so only the batch that kills its process is lost."""
        pool = self._executor()
        try:
            return unpack_outputs(task, pool.submit(_run_batch_cached, self.settings, batch, task).result())
        except BrokenProcessPool as exc:
            self._broken(pool)
            return lost_batch(task, batch, exc)

    def run_batches(self, batches: Iterable[Batch], *, task: Task[T] | None = None) -> Iterator[T]:
        fn: Task[Any] = task or Extract()
        window = self.options.window(self.parallelism)
        pending: deque[_Entry] = deque()

        def collect(entry: _Entry) -> list[T]:
            fut, batch, pool = entry
            try:
                return unpack_outputs(fn, fut.result())
            except (BrokenProcessPool, CancelledError):  # (cancelled: by the shutdown of a pool found broken)
                self._broken(pool)
                return self._alone(batch, fn)

        def next_done() -> _Entry:
            if not self.options.ordered:
                wait([e[0] for e in pending], return_when=FIRST_COMPLETED)
                for i, entry in enumerate(pending):
                    if entry[0].done():
                        del pending[i]
                        return entry
            return pending.popleft()

        for batch in batches:
            while len(pending) >= window:
                yield from collect(next_done())
            pool = self._executor()
            try:
                fut = pool.submit(_run_batch_cached, self.settings, batch, fn)
            except BrokenProcessPool:  # a process died since the last collect: the batch goes to a fresh pool
                self._broken(pool)
                pool = self._executor()
                fut = pool.submit(_run_batch_cached, self.settings, batch, fn)
            pending.append((fut, batch, pool))
        while pending:
            yield from collect(next_done())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def open_engine(options: EngineOptions | None = None, *, settings: Settings | None = None,
                pipeline: Extractor | None = None) -> SerialEngine | ProcessEngine | DaskEngine:
    """The engine ``options`` ask for. Use it as a context manager: ``close`` shuts pools and clusters down.

    ``pipeline`` (serial and Dask only) replaces ``pipeline_for(settings)``, e.g. one built with injected
    resources; the process engine always builds its own from ``settings`` in each process.
    """
    options = options or EngineOptions()
    settings = settings or Settings()
    if options.engine == "dask":
        try:
            from marsad.pipeline.dask_engine import DaskEngine
        except ImportError as exc:
            raise ConfigError("--engine dask needs dask.distributed: pip install 'marsad[dask]'") from exc
        return DaskEngine(settings, options=options, pipeline=pipeline)
    if options.jobs > 1:
        if pipeline is not None:
            raise ConfigError("the process engine builds its pipeline from settings; do not pass one")
        return ProcessEngine(settings, options=options)
    return SerialEngine(settings, pipeline=pipeline, options=options)
