"""Ingest throughput for each store (SQLite, and PostgreSQL when a URL is given), printed as a table.

For each store it measures, on one generated corpus (``bench/gen_corpus.py``, invented articles):

* ``ingest``: the whole path, ``marsad ingest`` in-process: read JSONL → default pipeline → store;
* ``store only``: ``Store.add`` of results extracted beforehand (one transaction per document);
* ``re-ingest``: the same batch again (every document a duplicate, skipped before extraction).

Usage::

    python bench/bench_ingest.py -n 2000                       # SQLite only
    python bench/bench_ingest.py -n 2000 --pg postgresql://postgres@127.0.0.1:5432/test
    MARSAD_TEST_PG=postgresql://... python bench/bench_ingest.py --pipeline none   # store path only

The PostgreSQL run uses its own schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(n: int, out: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "-n", str(n), "-o", str(out)],
                   check=True, stdout=subprocess.DEVNULL)


def null_pipeline() -> Callable[..., object]:
    from marsad.model import ExtractionResult

    return lambda doc: ExtractionResult(document=doc)


def _schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def run_store(name: str, url: str, corpus: Path, pipeline: Callable[..., object], results: list[object]) -> dict:
    from marsad.ingest.run import ingest
    from marsad.store import open_store

    row: dict[str, object] = {"store": name}
    with open_store(url if name == "sqlite" else _schema(url, "bench_e2e")) as store:
        t = time.perf_counter()
        summary = ingest([corpus], store, pipeline=pipeline)  # type: ignore[arg-type]
        row["ingest"] = summary.seen / (time.perf_counter() - t)
        row["docs"] = summary.seen
        row["events"] = summary.events
        t = time.perf_counter()
        again = ingest([corpus], store, pipeline=pipeline)  # type: ignore[arg-type]
        row["reingest"] = again.seen / (time.perf_counter() - t)
        assert again.stored == 0 and again.revisions == 0, "re-ingest must store nothing"
    second = url.replace("e2e.db", "add.db") if name == "sqlite" else _schema(url, "bench_add")
    with open_store(second) as store:
        t = time.perf_counter()
        for r in results:
            store.add(r)  # type: ignore[arg-type]
        el = time.perf_counter() - t
        row["store_only"] = len(results) / el
        row["ms_per_doc"] = el / len(results) * 1000
    return row


def drop_schemas(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for schema in ("bench_e2e", "bench_add"):
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="documents in the corpus")
    ap.add_argument("--pg", default=os.environ.get("MARSAD_TEST_PG"), help="PostgreSQL URL (default $MARSAD_TEST_PG)")
    ap.add_argument("--pipeline", choices=("default", "none"), default="default",
                    help="'none' measures reading and storing only")
    args = ap.parse_args()

    import marsad
    from marsad.ingest import read_sources

    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(args.n, corpus)
        pipeline = marsad.default_pipeline() if args.pipeline == "default" else null_pipeline()
        docs = [d for d in read_sources([corpus]) if not hasattr(d, "code")]
        pipeline(docs[0])  # load resources before timing
        t = time.perf_counter()
        results = [pipeline(d) for d in docs]
        extract_rate = len(docs) / (time.perf_counter() - t)
        stores = [("sqlite", str(Path(tmp) / "e2e.db"))]
        if args.pg:
            stores.append(("postgresql", args.pg))
        rows = []
        try:
            for name, url in stores:
                rows.append(run_store(name, url, corpus, pipeline, results))  # type: ignore[arg-type]
        finally:
            if args.pg:
                drop_schemas(args.pg)

    print(f"corpus: {len(docs)} documents ({args.n} generated), pipeline: {args.pipeline}, "
          f"extraction alone: {extract_rate:,.0f} docs/s; {os.cpu_count()} CPUs")
    print(f"{'store':<12}{'docs':>7}{'events':>9}{'ingest/s':>11}{'store-only/s':>14}{'ms/doc':>9}{'re-ingest/s':>13}")
    for r in rows:
        print(f"{r['store']:<12}{r['docs']:>7}{r['events']:>9}{r['ingest']:>11,.0f}{r['store_only']:>14,.0f}"
              f"{r['ms_per_doc']:>9.2f}{r['reingest']:>13,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
