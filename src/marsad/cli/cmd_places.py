"""Gazetteer and geocoding commands.

* ``marsad gazetteer import FILE [--alternates alternateNamesV2.txt] [--out PATH]``: GeoNames dump or OCHA/HDX
  admin GeoJSON → a user gazetteer (default ``~/.local/share/marsad/gazetteer.tsv``), used with
  ``--gazetteer PATH`` or the ``gazetteer_path`` setting.
* ``marsad places search QUERY [--limit N] [--json]``: fuzzy search by Arabic or English name.
* ``marsad geocode TEXT [--json]``: the places an Arabic text names, resolved.
"""

from __future__ import annotations

import argparse
import json
import sys

DEFAULT_USER_GAZETTEER = "~/.local/share/marsad/gazetteer.tsv"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    g = sub.add_parser("gazetteer", help="manage the user gazetteer")
    gsub = g.add_subparsers(dest="gazetteer_command", metavar="ACTION")
    imp = gsub.add_parser("import", help="import a GeoNames dump (SY.txt) or an OCHA/HDX admin GeoJSON")
    imp.add_argument("file")
    imp.add_argument("--alternates", help="GeoNames alternateNamesV2.txt (Arabic names are taken from it)")
    imp.add_argument("--out", default=DEFAULT_USER_GAZETTEER, help=f"output TSV (default {DEFAULT_USER_GAZETTEER})")
    imp.set_defaults(func=run_import)
    g.set_defaults(func=lambda args: (g.print_help(), 2)[1])

    p = sub.add_parser("places", help="search the gazetteer")
    psub = p.add_subparsers(dest="places_command", metavar="ACTION")
    srch = psub.add_parser("search", help="fuzzy search by Arabic or English name")
    srch.add_argument("query")
    srch.add_argument("--limit", type=int, default=10)
    srch.add_argument("--json", action="store_true")
    srch.add_argument("--gazetteer", help="a user gazetteer to layer over the bundled one")
    srch.set_defaults(func=run_search)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    geo = sub.add_parser("geocode", help="find and resolve the places an Arabic text names")
    geo.add_argument("text", help="the text, or - to read standard input")
    geo.add_argument("--json", action="store_true")
    geo.add_argument("--gazetteer", help="a user gazetteer to layer over the bundled one")
    geo.set_defaults(func=run_geocode)


def _gazetteer(path: str | None):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from marsad.geo.gazetteer import Gazetteer

    return Gazetteer.load(extra=Path(path).expanduser() if path else None)


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from marsad.geo.importer import import_file

    rep = import_file(Path(args.file), Path(args.out).expanduser(),
                      alternates=Path(args.alternates) if args.alternates else None)
    print(json.dumps({"out": str(rep.path), "rows": rep.rows, "format": rep.source_format}, ensure_ascii=False))
    return 0


def run_search(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    gaz = _gazetteer(args.gazetteer)
    hits = gaz.search(args.query, limit=args.limit)
    if args.json:
        print(json.dumps([asdict(p) for p in hits], ensure_ascii=False))
        return 0
    for p in hits:
        where = p.governorate or p.country or ""
        print(f"{p.place_id}\t{p.name_ar}\t{p.name_en}\t{p.kind}\t{where}\t{p.lat}\t{p.lon}")
    return 0 if hits else 1


def run_geocode(args: argparse.Namespace) -> int:
    from marsad.model import Document
    from marsad.normalize import Segmenter, fold
    from marsad.recognize.base import Analysis
    from marsad.recognize.places import make_place_recognizer

    text = sys.stdin.read() if args.text == "-" else args.text
    analysis = Analysis(document=Document(id="geocode", text=text), folded=fold(text), sentences=Segmenter()(text))
    places = make_place_recognizer(_gazetteer(args.gazetteer))(analysis).places
    if args.json:
        print(json.dumps([p.to_dict() for p in places], ensure_ascii=False))
        return 0
    for p in places:
        loc = f"{p.lat:.4f},{p.lon:.4f}" if p.lat is not None and p.lon is not None else "-"
        print(f"{p.span.start}-{p.span.end}\t{p.surface}\t{p.name_en or '?'}\t{p.kind}\t{p.governorate or '-'}"
              f"\t{loc}\tprecision={p.geo_precision}{'' if p.resolved else ' unresolved'}")
    return 0
