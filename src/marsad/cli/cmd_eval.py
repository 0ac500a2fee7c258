"""``marsad eval GOLD_DIR [--json]``: precision, recall and F1 per layer on gold articles."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="score the extractor on a folder of gold articles",
                       description="Extract from the gold articles of GOLD_DIR and print P/R/F1 per layer "
                       "(same figures as ../shared/eval/score.py for the same output).")
    p.add_argument("gold_dir")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--per-doc", action="store_true", help="add per-document F1")
    p.add_argument("--predictions", help="also write the predictions (JSONL) here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import marsad
    from marsad.evaluate.run import evaluate_dir
    from marsad.evaluate.scoring import LAYERS

    scores, preds = evaluate_dir(Path(args.gold_dir), marsad.default_pipeline(), per_doc=args.per_doc)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as fh:
            for obj in preds.values():
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    res = scores.to_dict()
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
        return 0
    for k in LAYERS:
        v = res[k]
        print(f"{k:13s} P={v['p']:.3f} R={v['r']:.3f} F1={v['f1']:.3f}  (tp={v['tp']} fp={v['fp']} fn={v['fn']})")
    print(f"{'geo_accuracy':13s} {res['geo_accuracy']:.3f}")
    print(f"documents {res['documents']}, missing predictions: {len(res['missing_predictions'])}")
    for d in res.get("per_doc", []):
        print(d["id"], " ".join(f"{k}={d[k]:.2f}" for k in LAYERS))
    return 0
