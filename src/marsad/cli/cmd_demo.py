"""``marsad demo``: run marsad on the bundled sample corpus and print what it read."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="process the bundled sample corpus and print a summary",
                       description="Extract events, control facts, sieges and quantities from the bundled "
                       "invented sample corpus and print them with their Arabic evidence.")
    p.add_argument("--json", action="store_true", help="print the predictions as JSONL instead")
    p.add_argument("--db", help="also store the results in this store (path or postgresql:// URL)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import marsad
    from marsad.demo import demo_documents, summarize

    pipeline = marsad.default_pipeline()
    docs = demo_documents()
    results = [pipeline(d) for d in docs]
    if args.json:
        for r in results:
            print(json.dumps(r.to_prediction(), ensure_ascii=False))
    else:
        print(summarize(results))
    if args.db:
        from marsad.store import open_store

        store = open_store(args.db)
        for r in results:
            store.add(r)
        print(f"\nstored {len(results)} documents in {args.db}")
    return 0
