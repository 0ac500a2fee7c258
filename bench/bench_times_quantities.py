"""Benchmark: the ``times`` and ``quantities`` stages per article (target ≤ 0.5 ms together for ~1,100 characters).

    .venv/bin/python bench/bench_times_quantities.py [--corpus FILE.jsonl] [--rounds 15]

Inputs are marsad's own invented articles (``tests/fixtures/gold``, ``src/marsad/data/demo``) or a JSONL corpus
from ``bench/gen_corpus.py``; never the third-party eval set. Folding and segmentation are done once, outside the
timing. CPU time (``time.process_time``) of the best of ``--rounds`` rounds is reported, because the machine may
be shared. Prints JSON; exits 1 when the best round is over the target.
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
from marsad.recognize.base import Analysis
from marsad.recognize.quantities import make_quantity_recognizer
from marsad.recognize.times import make_time_recognizer

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "tests" / "fixtures" / "gold", ROOT / "src" / "marsad" / "data" / "demo")
TARGET_MS = 0.5


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
        out.append(Document(id=str(row.get("id", i)), text=str(row["text"]), url=row.get("url"),  # type: ignore[arg-type]
                            published=dt.date.fromisoformat(str(pub)[:10]) if pub else None))
    return out


def _best(stage: object, analyses: list[Analysis], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for a in analyses:
            stage(a)  # type: ignore[operator]
        best = min(best, time.process_time() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    times, quantities = make_time_recognizer(), make_quantity_recognizer()
    build_s = time.perf_counter() - t0
    seg = Segmenter()
    analyses = [Analysis(document=d, folded=fold(d.text), sentences=seg(d.text), reference_date=d.published)
                for d in _docs(args.corpus)]
    timed = [times(a) for a in analyses]
    n = max(len(analyses), 1)
    t_ms = 1000 * _best(times, analyses, args.rounds) / n
    q_ms = 1000 * _best(quantities, timed, args.rounds) / n
    chars = sum(len(a.text) for a in analyses) / n
    scale = 1100 / max(chars, 1)
    report = {"articles": len(analyses), "avg_chars": round(chars), "build_s": round(build_s, 3),
              "times_ms": round(t_ms, 4), "quantities_ms": round(q_ms, 4),
              "ms_per_1100_chars": round((t_ms + q_ms) * scale, 4), "target_ms": TARGET_MS,
              "time_mentions": sum(len(a.times) for a in timed),
              "quantity_mentions": sum(len(quantities(a).quantities) for a in timed)}
    print(json.dumps(report))
    return 0 if report["ms_per_1100_chars"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
