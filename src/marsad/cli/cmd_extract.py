"""``marsad extract PATH...``: one JSON object per document (the eval prediction shape plus richer fields)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import IO

EPILOG = """exit status: 0 all documents processed; 1 some documents rejected (each has an {"id", "error"} line and a
message on stderr); 2 usage error or nothing could be processed."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("extract", help="extract facts from Arabic reports (files, folders, - for stdin)",
                       description="Read .txt/.html/.json/.jsonl/.csv files, folders (recursively) or - (stdin) and "
                       "write one JSON object per document.", epilog=EPILOG)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output", help="write JSONL here instead of stdout")
    p.add_argument("--text-column", help="CSV column holding the text")
    p.add_argument("--default-date", help="reference date (YYYY-MM-DD) for undated documents")
    p.add_argument("--include-suppressed", action="store_true",
                   help="also list hypothetical/future/negated/demanded/opinion statements, marked as such")
    p.add_argument("--lexicon-dir", help="folder of user data files layered over the bundled ones")
    p.add_argument("--gazetteer", help="user gazetteer file from `marsad gazetteer import`")
    from marsad.cli.engine_args import add_engine_arguments

    add_engine_arguments(p)
    p.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> object:
    from pathlib import Path

    from marsad.errors import ConfigError
    from marsad.settings import Settings

    default_date = None
    if getattr(args, "default_date", None):
        try:
            default_date = dt.date.fromisoformat(args.default_date)
        except ValueError as exc:
            raise ConfigError(f"--default-date must be YYYY-MM-DD, got {args.default_date!r}") from exc
    return Settings(default_date=default_date, include_suppressed=bool(getattr(args, "include_suppressed", False)),
                    lexicon_dir=Path(args.lexicon_dir) if getattr(args, "lexicon_dir", None) else None,
                    gazetteer_path=Path(args.gazetteer) if getattr(args, "gazetteer", None) else None)


def run(args: argparse.Namespace) -> int:
    from marsad.cli.engine_args import engine_options_from_args
    from marsad.pipeline.engines import JsonLines, ReadOptions, open_engine

    options = engine_options_from_args(args)  # --engine/--jobs/--scheduler/--workers: same output, order aside
    if args.output:
        out: IO[bytes] = open(args.output, "wb")  # noqa: SIM115 (closed in the finally below)
    else:
        sys.stdout.flush()
        out = sys.stdout.buffer  # the lines are UTF-8 bytes already
    live = not args.output and "-" in args.paths  # stdin to stdout: e.g. tail -f feed.jsonl | marsad extract -
    done = rejected = 0
    try:
        with open_engine(options, settings=settings_from_args(args)) as engine:  # type: ignore[arg-type]
            task = JsonLines(include_suppressed=args.include_suppressed)
            read = ReadOptions(text_column=args.text_column)
            for emitted in engine.run_sources(args.paths, task=task, read=read):
                if emitted.rejection is None:
                    done += 1
                    if emitted.warnings:  # e.g. M150: a bad published date, document still processed
                        for warning in emitted.warnings:
                            print(f"marsad: warning {emitted.doc_id}: {warning}", file=sys.stderr)
                else:
                    rej = emitted.rejection
                    rejected += 1
                    print(f"marsad: rejected {rej.doc_id or rej.source}: [{rej.code}] {rej.reason}", file=sys.stderr)
                out.write(emitted.data)
                out.write(b"\n")
                if live:
                    out.flush()  # a reader of a live feed sees each line as soon as it is made
    finally:
        if args.output:
            out.close()
        else:
            out.flush()
    print(f"marsad: {done} processed, {rejected} rejected", file=sys.stderr)
    if done == 0 and rejected:
        return 2
    return 1 if rejected else 0
