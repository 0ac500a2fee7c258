"""Ingest throughput for each store (SQLite, and PostgreSQL when a URL is given), printed as a table.

For each store it measures, on one generated corpus (``bench/gen_corpus.py``, invented articles):

* ``ingest``: the whole path, ``marsad ingest`` in-process: read JSONL → default pipeline → store;
* ``store only``: ``Store.add`` of results extracted beforehand (one transaction per document);
* ``re-ingest``: the same batch again (every document a duplicate, skipped before extraction).

Usage::

    python bench/bench_ingest.py -n 2000                       # SQLite only
    python bench/bench_ingest.py -n 2000 --pg postgresql://postgres@127.0.0.1:5432/test
    MARSAD_TEST_PG=postgresql://... python bench/bench_ingest.py --pipeline none   # store path only

``--acceptance`` runs issue 4's acceptance batch instead (``tests/test_ingest_acceptance.py``: 10,040 good
documents in JSONL files and every supported encoding, plus binary, undecodable, truncated, deeply nested,
empty and 50 MB files and bad JSONL lines) through the chosen pipeline into each store, twice, and checks
that every good document is stored, every bad one is a failure with its code, and the counts do not move.

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
        for schema in ("bench_e2e", "bench_add", "bench_acceptance"):
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def acceptance(stores: list[tuple[str, str]], pipeline: Callable[..., object], tmp: Path) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from marsad.ingest.run import ingest
    from marsad.store import DocumentFilter, open_store
    from test_ingest_acceptance import make_batch  # the same batch as the test

    good, bad = make_batch(tmp / "batch")
    print(f"acceptance batch: {len(good)} good documents, {len(bad)} bad ones")
    print(f"{'store':<12}{'pass':>5}{'seen':>7}{'stored':>8}{'dup':>7}{'failed':>8}{'seconds':>9}{'docs/s':>8}  check")
    ok = True
    for name, url in stores:
        with open_store(url if name == "sqlite" else _schema(url, "bench_acceptance")) as store:
            stats = None
            for n in (1, 2):
                s = ingest([tmp / "batch"], store, pipeline=pipeline)  # type: ignore[arg-type]
                ids = {d.document.id for d in store.documents(DocumentFilter(limit=None))}
                fails = {(f.doc_id or f.source): f.code for f in store.failures()}
                check = ids == good and fails == bad and (stats is None or store.stats() == stats)
                stats = store.stats()
                ok &= check
                print(f"{name:<12}{n:>5}{s.seen:>7}{s.stored:>8}{s.duplicates:>7}{s.failed:>8}{s.seconds:>9.1f}"
                      f"{s.seen / s.seconds:>8.0f}  {'ok' if check else 'MISMATCH'}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="documents in the corpus")
    ap.add_argument("--pg", default=os.environ.get("MARSAD_TEST_PG"), help="PostgreSQL URL (default $MARSAD_TEST_PG)")
    ap.add_argument("--pipeline", choices=("default", "none"), default="default",
                    help="'none' measures reading and storing only")
    ap.add_argument("--acceptance", action="store_true", help="run the 10,000-document acceptance batch")
    args = ap.parse_args()
    if args.acceptance:
        import marsad

        with tempfile.TemporaryDirectory(prefix="marsad-acceptance-") as tmp:
            stores = [("sqlite", str(Path(tmp) / "acceptance.db"))]
            if args.pg:
                stores.append(("postgresql", args.pg))
            pipeline = marsad.default_pipeline() if args.pipeline == "default" else null_pipeline()
            try:
                return acceptance(stores, pipeline, Path(tmp))
            finally:
                if args.pg:
                    drop_schemas(args.pg)

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
