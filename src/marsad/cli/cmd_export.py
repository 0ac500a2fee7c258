"""``marsad export``: stored events as ACLED CSV, GeoJSON, PLOVER JSON or JSONL (control/sieges as GeoJSON)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import TextIO


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export", help="export stored events (acled, geojson, plover, jsonl)",
        description="Write the stored events that match the filters in a standard format. ACLED CSV has the 31 "
        "codebook columns then marsad's evidence columns; GeoJSON can also hold the control areas or the sieges "
        "of a date (--layer).")
    p.add_argument("--format", "-f", required=True, choices=["acled", "geojson", "plover", "jsonl"])
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument("--db", help="store: a SQLite path or postgresql:// URL (default: the user store)")
    p.add_argument("--layer", default="events", choices=["events", "control", "sieges"],
                   help="GeoJSON layer (control and sieges need --date; default events)")
    p.add_argument("--date", help="date of the control or sieges layer (YYYY-MM-DD)")
    p.add_argument("--date-from", help="first date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--date-to", help="last date, inclusive")
    p.add_argument("--actor", action="append", default=[], help="actor id, either side (repeatable)")
    p.add_argument("--type", action="append", default=[], help="event type (repeatable)")
    p.add_argument("--governorate", action="append", default=[], help="governorate in English (repeatable)")
    p.add_argument("--bbox", help="west,south,east,north in degrees")
    p.add_argument("--text", help="text to find in the evidence sentence")
    p.add_argument("--min-sources", type=int, default=1, help="at least this many sources")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from marsad.api.backend import EventQuery
    from marsad.api.store_backend import StoreBackend
    from marsad.errors import ConfigError
    from marsad.export import write_export
    from marsad.model.facts import EVENT_TYPES
    from marsad.store import open_store

    bad = [t for t in args.type if t not in EVENT_TYPES]
    if bad:
        raise ConfigError(f"unknown event type(s): {', '.join(bad)}", value=bad)
    bbox = None
    if args.bbox:
        try:
            w, s, e, n = (float(x) for x in args.bbox.split(","))
        except ValueError:
            raise ConfigError(f"--bbox must be west,south,east,north, got {args.bbox!r}") from None
        bbox = (w, s, e, n)
    if args.layer != "events" and args.format != "geojson":
        raise ConfigError(f"the {args.layer} layer exports as geojson only")
    query = EventQuery(date_from=args.date_from, date_to=args.date_to, actors=tuple(args.actor),
                       types=tuple(args.type), governorates=tuple(args.governorate), bbox=bbox, text=args.text,
                       min_sources=args.min_sources)
    db = Path(args.db) if args.db and "://" not in args.db else args.db
    with open_store(db) as store, _open(args.output) as fp:
        backend = StoreBackend(store)
        if args.layer == "events":
            n = write_export(args.format, backend.iter_events(query), fp, actors=backend.actor_lookup())
        else:
            try:
                day = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
            except ValueError:
                raise ConfigError(f"--date must be YYYY-MM-DD, got {args.date!r}") from None
            from marsad.export.geojson import sieges_collection

            data = backend.control_geojson(day) if args.layer == "control" else sieges_collection(backend.sieges(day))
            json.dump(data, fp, ensure_ascii=False)
            fp.write("\n")
            n = len(data["features"])
    print(f"wrote {n} records ({args.format}, {args.layer}) to {args.output}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _open(path: str):  # type: ignore[no-untyped-def]
    if path == "-":
        yield sys.stdout
        return
    fp: TextIO
    with open(path, "w", encoding="utf-8", newline="") as fp:
        yield fp
