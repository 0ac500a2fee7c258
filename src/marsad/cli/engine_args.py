"""Command-line options shared by ``marsad extract`` and ``marsad ingest``: which engine runs extraction."""

from __future__ import annotations

import argparse

from marsad.errors import ConfigError
from marsad.pipeline.engines import EngineName, EngineOptions


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("engine", "where extraction runs (the same results on every engine, order aside)")
    g.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine (--jobs processes); dask: a dask.distributed cluster")
    g.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="local engine: N worker processes (default 1: this process)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="dask engine: an existing scheduler, e.g. tcp://HOST:8786 (default: start a local cluster)")
    g.add_argument("--workers", type=int, default=2, metavar="N",
                   help="dask engine without --scheduler: a local cluster of N processes, 1 thread each (default 2)")
    g.add_argument("--batch-size", type=int, default=None, metavar="N",
                   help="at most N documents per batch (default 64 in this process and on local processes, "
                        "256 on dask)")
    g.add_argument("--read", choices=("auto", "client", "workers"), default="auto",
                   help="who reads input files on a parallel engine: workers (each its own slices; they must see "
                        "the files at the same paths), client (this process reads and sends the documents), "
                        "auto (default: workers, except on a --scheduler cluster)")
    g.add_argument("--unordered", action="store_true",
                   help="write outputs as batches complete instead of in input order")


def engine_options_from_args(args: argparse.Namespace) -> EngineOptions:
    engine: EngineName = getattr(args, "engine", None) or "local"
    if engine == "local" and getattr(args, "scheduler", None):
        raise ConfigError("--scheduler needs --engine dask")
    return EngineOptions(engine=engine, jobs=getattr(args, "jobs", 1), scheduler=getattr(args, "scheduler", None),
                         workers=getattr(args, "workers", 2),
                         batch_size=getattr(args, "batch_size", None),
                         ordered=not getattr(args, "unordered", False), read=getattr(args, "read", None) or "auto")
