"""Benchmark: the store's event reads on an existing store, as ``marsad events`` and the API run them.

    .venv/bin/python bench/bench_store_queries.py --db 'postgresql://postgres@127.0.0.1:5432/test?schema=NAME'

Reads only (run ``marsad stats --analyse --db ...`` between two runs to compare a store without planner
statistics with the same store analysed). Each measure is run ``--repeat`` times; the best and the worst are
printed with the rows they returned, as JSON lines:

* ``count``, ``count_distinct``: ``Store.count_events`` without and with ``distinct``;
* ``cli_events_distinct``: ``marsad events --distinct --json --limit N`` in this process (output discarded);
* ``api_events``, ``api_events_min_sources2``: one ``GET /api/events`` (a page of 50, newest first) answered by
  the store, as the API does while its in-memory read model is (re)building; the API has no ``distinct``;
* ``api_read_model``: building that read model from every stored event (what the API does once per revision).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), max(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=1_000_000, help="--limit of `marsad events`")
    ap.add_argument("--only", default="", help="comma-separated measures (default: all)")
    args = ap.parse_args()

    import httpx

    from marsad.api import create_app
    from marsad.api.readmodel import EventIndex
    from marsad.api.store_backend import StoreBackend
    from marsad.cli.main import main as cli
    from marsad.store import EventFilter, open_store

    store = open_store(args.db)
    backend = StoreBackend(store)
    app = create_app(backend, web=False)
    app.state.marsad.read.current = lambda: None  # every request is answered by the store (no read model)

    async def get(path: str) -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            r = await client.get(path)
            r.raise_for_status()
            return int(r.json()["total"])

    def api(path: str) -> Callable[[], int]:
        import asyncio

        return lambda: asyncio.run(get(path))

    def cli_events() -> int:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            cli(["events", "--db", args.db, "--distinct", "--json", "--limit", str(args.limit)])
        return buf.getvalue().count("\n")

    measures: dict[str, Callable[[], Any]] = {
        "count": lambda: store.count_events(EventFilter(limit=None)),
        "count_distinct": lambda: store.count_events(EventFilter(distinct=True, limit=None)),
        "cli_events_distinct": cli_events,
        "api_events": api("/api/events"),
        "api_events_min_sources2": api("/api/events?min_sources=2"),
        "api_read_model": lambda: len(EventIndex.build("bench", backend.all_events())),
    }
    wanted = [m for m in args.only.split(",") if m] or list(measures)
    try:
        for name in wanted:
            best, worst, rows = timed(measures[name], args.repeat)
            print(json.dumps({"measure": name, "best_s": round(best, 4), "worst_s": round(worst, 4), "rows": rows,
                              "backend": store.dialect}), flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
