"""Where extraction time goes: time per stage (fold, segment, times, actors, places, quantities, events) and a
cProfile of the hottest functions, on a generated corpus (``bench/gen_corpus.py``) or any JSONL/folder.

::

    python bench/profile_extract.py -n 2000                    # generated corpus, 2,000 articles
    python bench/profile_extract.py --input corpus.jsonl --top 30 --json stages.json

The per-stage timer runs the pipeline's own parts in the pipeline's order (``Pipeline.analyse`` unrolled)
and checks, for every document, that the result equals ``pipeline(doc)``, so the timings are of the real
code path. Times are process CPU seconds (``time.process_time``), so other load on the machine does not
inflate them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate

from marsad.ingest import Rejection, read_sources
from marsad.model import Document
from marsad.normalize import fold
from marsad.pipeline import build_pipeline
from marsad.pipeline.core import Pipeline
from marsad.recognize.base import Analysis


def load_docs(input_path: str | None, n: int, seed: int) -> list[Document]:
    if input_path:
        docs = [d for d in read_sources([input_path]) if not isinstance(d, Rejection)]
        return docs[:n] if n else docs
    out = []
    import datetime as dt

    for obj in generate(n, seed=seed):
        pub = obj["published"]
        out.append(Document(id=str(obj["id"]), text=str(obj["text"]), url=str(obj["url"]), outlet=obj["outlet"],  # type: ignore[arg-type]
                            published=dt.date.fromisoformat(pub) if isinstance(pub, str) else None))
    return out


def timed_stages(pipeline: Pipeline, docs: list[Document]) -> dict[str, float]:
    """CPU seconds per stage over ``docs``, with every result checked against ``pipeline(doc)``."""
    clock: Callable[[], float] = time.process_time
    totals: dict[str, float] = {"fold": 0.0, "segment": 0.0}
    for s in pipeline.stages:
        totals[s.name] = 0.0
    totals["events"] = 0.0
    for doc in docs:
        t0 = clock()
        folded = fold(doc.text)
        t1 = clock()
        sentences = pipeline.segmenter(doc.text)
        t2 = clock()
        totals["fold"] += t1 - t0
        totals["segment"] += t2 - t1
        analysis = Analysis(document=doc, folded=folded, sentences=sentences,
                            reference_date=doc.published or pipeline.settings.default_date)
        for stage in pipeline.stages:
            t = clock()
            analysis = stage(analysis)
            totals[stage.name] += clock() - t
        t = clock()
        result = pipeline.finisher(analysis)  # type: ignore[operator]
        totals["events"] += clock() - t
        if result != pipeline(doc):
            raise SystemExit(f"the unrolled stages disagree with pipeline(doc) on {doc.id}: the profile is stale "
                             "(Pipeline.analyse changed); update timed_stages")
    return totals


def hot_functions(pipeline: Pipeline, docs: list[Document], top: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for doc in docs:
        pipeline(doc)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="articles (default 2000; 0 = all of --input)")
    ap.add_argument("--input", help="a JSONL file or folder instead of the generated corpus")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=25, help="functions to list in the cProfile table")
    ap.add_argument("--json", help="write the per-stage numbers here")
    ap.add_argument("--no-cprofile", action="store_true")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    pipeline = build_pipeline()
    build_s = time.perf_counter() - t
    docs = load_docs(args.input, args.n, args.seed)
    chars = sum(len(d.text) for d in docs)
    for d in docs[:50]:  # warm caches (lazy lexicon indexes) before timing
        pipeline(d)
    totals = timed_stages(pipeline, docs)
    total = sum(totals.values())
    report: dict[str, Any] = {"articles": len(docs), "mean_chars": round(chars / max(len(docs), 1)),
                              "build_seconds": round(build_s, 3), "cpu_seconds": round(total, 3),
                              "articles_per_cpu_second": round(len(docs) / total, 1) if total else None,
                              "stages": {k: {"ms_per_article": round(v / len(docs) * 1000, 3),
                                             "share": round(v / total, 3)} for k, v in totals.items()}}
    print(f"{len(docs)} articles, mean {report['mean_chars']} chars; pipeline built in {build_s:.2f} s")
    print(f"{total:.2f} CPU s → {report['articles_per_cpu_second']} articles per CPU second\n")
    print(f"{'stage':<12} {'ms/article':>10} {'share':>7}")
    for k, v in totals.items():
        print(f"{k:<12} {v / len(docs) * 1000:>10.3f} {v / total:>7.1%}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not args.no_cprofile:
        print("\nHottest functions (cProfile, by own time):")
        print(hot_functions(pipeline, docs[: min(len(docs), 1000)], args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
