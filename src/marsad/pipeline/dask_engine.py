"""The Dask engine: the same pure pipeline and tasks as ``marsad.pipeline.engines``, on dask.distributed.

Imported only for ``--engine dask`` (it needs ``pip install 'marsad[dask]'``).

* The cluster: ``--scheduler tcp://HOST:8786``, or a ``LocalCluster`` of ``--workers N`` processes with one
  thread each (``dashboard_address=":0"``: never a fixed port; Dask's profiler and monitors quietened,
  see ``QUIET_LOCAL_CLUSTER``).
* The pipeline is built once on the client and shipped once per worker inside a ``WorkerPlugin``: every
  worker, including one that joins later, unpickles it once at registration, and tasks look it up by the
  plugin's name. (A scattered future would not do: Dask's active memory manager drops "extra" replicas,
  and the pipeline would travel again.) Batches carry only documents and the small task object.
* Input: with ``run_sources`` on a local cluster (or ``--read workers`` on a cluster that shares our file
  system) the workers read their own slices of the input files (``marsad.ingest.slices``), as
  ``dask.bag.read_text`` does: a task carries a few numbers, and the client neither parses nor ships the
  documents. Items read on the client (stdin, URLs, ``run(items)``) are scattered as data and tasks refer
  to them, so no task message carries documents (see ``DaskEngine._submit``).
* Backpressure: at most ``in_flight`` batches are submitted at a time, waited on in submission order
  (``ordered``) or with ``as_completed``; finished futures are released at once.
* A batch lost with a worker (the worker died running it, or died holding its scattered data) runs once more
  by itself; lost again, its items become ``M000`` rejections through ``task.lost``. Any other error (a
  failing store, a bug in a task) stops the run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from marsad.errors import ConfigError
from marsad.ingest.slices import Slices
from marsad.pipeline.engines import (
    Batch,
    EngineBase,
    EngineOptions,
    Extract,
    Extractor,
    Task,
    lost_batch,
    pipeline_for,
    run_packed_batch,
    unpack_outputs,
)
from marsad.pipeline.ingest_engine import close_worker_stores
from marsad.settings import Settings

__all__ = ["DaskEngine", "PipelinePlugin"]

T = TypeVar("T")

#: Dask settings for the LocalCluster this engine starts (workers inherit them when they are spawned). Dask's
#: sampling profiler walks each worker's stack every 10 ms and its monitors poll /proc several times a second:
#: together ~4 % of a core per idle worker and ~5 % in the client, more while busy; off or slowed here, since
#: there is no dashboard to show them. A cluster of your own (``--scheduler``) keeps its own configuration.
QUIET_LOCAL_CLUSTER: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing-interval": "1s",
    "distributed.admin.low-level-log-length": 50,  # messages kept per stream for debugging (default 1,000)
}
log = logging.getLogger(__name__)
_SCATTER_TRIES = 5
_WORKER_LOSS = frozenset({"KilledWorker", "FutureCancelledError", "CancelledError", "CommClosedError"})


class PipelinePlugin(WorkerPlugin):
    """Carries one pipeline to every worker, once; closes the worker's store connections at teardown."""

    idempotent = True

    def __init__(self, pipeline: Extractor) -> None:
        self.pipeline = pipeline

    def teardown(self, worker: Any) -> None:
        close_worker_stores()


def run_plugin_batch(plugin_name: str, batch: Batch, task: Task[T]) -> Any:
    """One batch on a Dask worker, with the pipeline its plugin brought; its outputs packed (``pack_outputs``)."""
    plugin: PipelinePlugin = get_worker().plugins[plugin_name]  # type: ignore[assignment]
    return run_packed_batch(plugin.pipeline, batch, task)


class DaskEngine(EngineBase):
    """dask.distributed: ``scheduler`` address, or a LocalCluster of ``workers`` processes × 1 thread."""

    name = "dask"

    def __init__(self, settings: Settings, *, options: EngineOptions, pipeline: Extractor | None = None) -> None:
        self.settings = settings
        self.options = options
        self.parallelism = 1
        self._cluster: Any = None
        self.client: Any = None
        self.plugin_name = f"marsad-pipeline-{uuid.uuid4().hex[:12]}"
        self._submitted = 0
        try:
            if options.scheduler:
                try:
                    self.client = Client(options.scheduler, timeout="20s")
                except OSError as exc:
                    raise ConfigError(f"cannot reach the Dask scheduler at {options.scheduler}: {exc}",
                                      value=options.scheduler) from exc
            else:
                kw: dict[str, Any] = {"memory_limit": options.memory_limit} if options.memory_limit else {}
                with dask.config.set(QUIET_LOCAL_CLUSTER):
                    self._cluster = LocalCluster(n_workers=options.workers, threads_per_worker=1, processes=True,
                                                 dashboard_address=":0", silence_logs=logging.ERROR, **kw)
                    self.client = Client(self._cluster)
            self.client.wait_for_workers(1, timeout=60)
            self.parallelism = max(1, sum(self.client.nthreads().values()))
            pipe = pipeline if pipeline is not None else pipeline_for(settings)
            self.client.register_plugin(PipelinePlugin(pipe), name=self.plugin_name)
        except BaseException:
            self.close()
            raise

    @property
    def reads_on_workers(self) -> bool:
        """``--read workers``, or ``auto`` on a local cluster (its workers see this machine's files)."""
        return self.options.read == "workers" or (self.options.read == "auto" and self._cluster is not None)

    def _submit(self, batch: Batch, task: Task[Any]) -> tuple[Any, Any]:
        """Submit a batch's task. Slices go in the task (a few numbers); items are scattered first and the
        task refers to them: documents travel as data, straight to a worker, never inside a task message (Dask
        keeps the last 1,000 messages of each stream for debugging, which would hold up to 1,000 batches per
        worker in the scheduler and the client)."""
        self._submitted += 1
        key = f"marsad-batch-{os.getpid()}-{self.plugin_name[-12:]}-{self._submitted}"
        if isinstance(batch, Slices):
            return self.client.submit(run_plugin_batch, self.plugin_name, batch, task, key=key, pure=False), None
        for attempt in range(_SCATTER_TRIES):
            try:
                [data] = self.client.scatter([batch], hash=False)
                break
            except OSError as exc:  # (CommClosedError, StreamClosedError) the worker it went to has just died:
                if attempt + 1 == _SCATTER_TRIES:  # the scheduler drops it and the next try goes elsewhere
                    raise
                log.warning("marsad: scattering a batch failed (%s: %s); trying again", type(exc).__name__, exc)
                time.sleep(0.5 * (attempt + 1))
        return self.client.submit(run_plugin_batch, self.plugin_name, data, task, key=key, pure=False), data

    def _again(self, batch: Batch, task: Task[T]) -> list[T]:
        """A batch lost with its worker (it died, or took the batch's data with it) runs once more, by itself;
        lost again, its items become ``M000`` rejections."""
        fut, data = self._submit(batch, task)
        try:
            out: list[T] = unpack_outputs(task, fut.result())
        except Exception as exc:
            if type(exc).__name__ not in _WORKER_LOSS:
                raise
            out = lost_batch(task, batch, exc)
        fut.release()
        if data is not None:
            data.release()
        return out

    def run_batches(self, batches: Iterable[Batch], *, task: Task[T] | None = None) -> Iterator[T]:
        fn: Task[Any] = task or Extract()
        window = self.options.window(self.parallelism)
        sent: dict[str, tuple[Batch, Any]] = {}

        def submit(batch: Batch) -> Any:
            fut, data = self._submit(batch, fn)
            sent[fut.key] = (batch, data)
            return fut

        def collect(fut: Any) -> list[T]:
            batch, data = sent.pop(fut.key)
            try:
                out: list[T] = unpack_outputs(fn, fut.result())
            except Exception as exc:
                if type(exc).__name__ not in _WORKER_LOSS:
                    raise
                out = self._again(batch, fn)
            fut.release()
            if data is not None:
                data.release()
            return out

        if self.options.ordered:
            pending: deque[Any] = deque()
            for batch in batches:
                while len(pending) >= window:
                    yield from collect(pending.popleft())
                pending.append(submit(batch))
            while pending:
                yield from collect(pending.popleft())
            return
        ac = as_completed()
        for batch in batches:
            while ac.count() >= window:
                yield from collect(next(ac))
            ac.add(submit(batch))
        for fut in ac:
            yield from collect(fut)

    def run_on_workers(self, fn: Callable[[], Any]) -> None:
        """Run ``fn()`` once in every worker process (e.g. ``close_worker_stores``)."""
        self.client.run(fn)

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                if self._cluster is None:  # a shared cluster: take our pipeline back off its workers
                    self.client.unregister_worker_plugin(self.plugin_name)
            with contextlib.suppress(Exception):
                self.client.close()
            self.client = None
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
            self._cluster = None
