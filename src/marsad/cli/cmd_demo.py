"""``marsad demo``: run marsad on the bundled sample corpus, print what it read, and store it.

The results go into the default store (``$MARSAD_DB`` or ``~/.local/share/marsad/marsad.db``, or ``--db``),
so that ``marsad serve`` shows them on the map right after ``make demo``. Storing is idempotent: running the
demo twice stores nothing new.
"""

from __future__ import annotations

import argparse
import json
import os


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="process the bundled sample corpus, print a summary and store it",
                       description="Extract events, control facts, sieges and quantities from the bundled "
                       "invented sample corpus, print them with their Arabic evidence, and store them in the "
                       "default store so that `marsad serve` shows them.")
    p.add_argument("--json", action="store_true", help="print the predictions as JSONL instead")
    p.add_argument("--db", help="store here (path or postgresql:// URL); default $MARSAD_DB or "
                   "~/.local/share/marsad/marsad.db")
    p.add_argument("--no-store", action="store_true", help="only print; do not store the results")
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
    if not args.no_store:
        from marsad.store import open_store

        url = args.db or os.environ.get("MARSAD_DB") or None
        with open_store(url) as store:
            outcomes = [store.add(r, source=f"marsad-demo:{r.document.id}") for r in results]
            where = url or "the default store (~/.local/share/marsad/marsad.db)"
            stored = sum(1 for o in outcomes if o.status != "duplicate")
        print(f"\nstored {stored} new of {len(results)} demo documents in {where}; "
              "see them on the map with `marsad serve`")
    return 0
