"""Benchmark: the cost of the ``actors`` stage per article (target ≤ 0.4 ms for a ~1,100-character article).

    .venv/bin/python bench/bench_actors.py [--corpus FILE.jsonl] [--rounds 15]

Inputs are marsad's own invented articles (``tests/fixtures/gold``, ``src/marsad/data/demo``) or a JSONL corpus
from ``bench/gen_corpus.py``; never the third-party eval set. Folding and segmentation are done once, outside the
timing; the best of ``--rounds`` rounds is reported (the machine may be shared). Prints JSON; exits 1 when the
best round is over the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from marsad.model import Document
from marsad.normalize import Segmenter, fold
from marsad.recognize.actors import ActorRegistry, make_actor_recognizer
from marsad.recognize.base import Analysis

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "tests" / "fixtures" / "gold", ROOT / "src" / "marsad" / "data" / "demo")
TARGET_MS = 0.4


def _docs(corpus: Path | None) -> list[Document]:
    rows: list[dict[str, object]] = []
    if corpus is not None:
        with corpus.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    else:
        for folder in SOURCES:
            rows += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    out = []
    for i, row in enumerate(rows):
        pub = row.get("published")
        out.append(Document(id=str(row.get("id", i)), text=str(row["text"]),
                            published=dt.date.fromisoformat(str(pub)[:10]) if pub else None))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    stage = make_actor_recognizer(ActorRegistry.load())
    build_s = time.perf_counter() - t0
    seg = Segmenter()
    analyses = [Analysis(document=d, folded=fold(d.text), sentences=seg(d.text), reference_date=d.published)
                for d in _docs(args.corpus)]
    best = float("inf")
    mentions = 0
    for _ in range(args.rounds):
        t = time.perf_counter()
        mentions = sum(len(stage(a).actors) for a in analyses)
        best = min(best, time.perf_counter() - t)
    per_ms = 1000 * best / max(len(analyses), 1)
    chars = sum(len(a.text) for a in analyses) / max(len(analyses), 1)
    report = {"articles": len(analyses), "avg_chars": round(chars), "mentions": mentions,
              "build_s": round(build_s, 3), "ms_per_article": round(per_ms, 4),
              "ms_per_1100_chars": round(per_ms * 1100 / max(chars, 1), 4), "target_ms": TARGET_MS}
    print(json.dumps(report))
    return 0 if report["ms_per_1100_chars"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
