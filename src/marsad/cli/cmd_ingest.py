"""``marsad ingest``, ``events``, ``failures``, ``retry`` and ``stats``: the store from the command line.

The store is ``--db`` (a path, ``sqlite:///PATH`` or ``postgresql://...``), else ``$MARSAD_DB``, else
``~/.local/share/marsad/marsad.db``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from typing import IO, Any

INGEST_EPILOG = """exit status: 0 every document stored (or already stored); 1 some documents failed (listed by
`marsad failures`); 2 usage error, or nothing could be stored."""


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help="store: a path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
                   "(default: $MARSAD_DB or ~/.local/share/marsad/marsad.db)")


def _open(args: argparse.Namespace) -> Any:
    from marsad.store import open_store

    return open_store(args.db or os.environ.get("MARSAD_DB") or None)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ingest", help="read sources, extract facts and store them",
                       description="Ingest files, folders (recursively), - (stdin), URLs and RSS/Atom feeds (files "
                       "or URLs) into the store. Each document is one transaction; documents already stored are "
                       "skipped; bad ones are recorded with a reason (see `marsad failures`).", epilog=INGEST_EPILOG)
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    _db_arg(p)
    p.add_argument("--text-column", help="CSV column holding the text")
    p.add_argument("--max-bytes", type=int, default=20_000_000, help="size limit of a file, page or record")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a URL")
    p.add_argument("--user-agent", help="User-Agent header for URLs (default: marsad/VERSION ...)")
    p.add_argument("--follow-links", action="store_true", help="for feed URLs, fetch each entry's page")
    p.add_argument("--no-recursive", action="store_true", help="do not descend into sub-folders")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--default-date", help="reference date (YYYY-MM-DD) for undated documents")
    from marsad.cli.engine_args import add_engine_arguments

    add_engine_arguments(p)
    p.set_defaults(func=run_ingest)

    p = sub.add_parser("events", help="list stored events", description="List stored events (one line each, or "
                       "JSON lines / CSV). Superseded revisions are never listed.")
    _db_arg(p)
    p.add_argument("--from", dest="date_from", help="from date (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)")
    p.add_argument("--to", dest="date_to", help="to date (inclusive prefix)")
    p.add_argument("--actor", help="actor id as actor1 or actor2 (e.g. islamic_state)")
    p.add_argument("--type", help="event type (e.g. armed_clash)")
    p.add_argument("--governorate", help="English governorate name (e.g. Idlib)")
    p.add_argument("--place", help="place id, English name or Arabic surface")
    p.add_argument("--min-sources", type=int, default=1, help="keep events reported by at least N sources")
    p.add_argument("--text", help="words in the evidence sentence (Arabic, folded)")
    p.add_argument("--bbox", help="WEST,SOUTH,EAST,NORTH in degrees")
    p.add_argument("--distinct", action="store_true", help="one line per event, not per report")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--offset", type=int, default=0)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON lines")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header")
    p.set_defaults(func=run_events)

    p = sub.add_parser("failures", help="list documents that could not be ingested, with reasons")
    _db_arg(p)
    p.add_argument("--all", action="store_true", help="include resolved failures")
    p.add_argument("--code", help="only this error code (e.g. M105)")
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.set_defaults(func=run_failures)

    p = sub.add_parser("retry", help="retry the documents listed by `marsad failures`")
    _db_arg(p)
    p.add_argument("--text-column", help="CSV column holding the text")
    p.add_argument("--max-bytes", type=int, default=20_000_000)
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a URL")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run_retry)

    p = sub.add_parser("stats", help="counts of stored documents, facts, clusters and failures")
    _db_arg(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--check-counters", action="store_true", help="compare the reports and sources counted per "
                   "canonical event with a full recount (exit status 1 if any is wrong)")
    p.add_argument("--repair-counters", action="store_true", help="recount them if any is wrong")
    p.add_argument("--analyse", "--analyze", dest="analyse", action="store_true", help="refresh the query "
                   "planner's statistics of every table now (ANALYZE; `marsad ingest` does it when tables grew)")
    p.set_defaults(func=run_stats)


class _Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.n = self.failed = 0

    def __call__(self, outcome: Any) -> None:
        self.n += 1
        self.failed += outcome.status == "failed"
        if self.enabled and (self.n % 25 == 0 or self.n < 25):
            print(f"\rmarsad: {self.n} documents, {self.failed} failures", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self.n:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _pipeline(args: argparse.Namespace) -> Any:
    if not getattr(args, "default_date", None):
        import marsad

        return marsad.default_pipeline()
    from marsad.cli.cmd_extract import settings_from_args
    from marsad.pipeline import build_pipeline

    return build_pipeline(settings_from_args(args))  # type: ignore[arg-type]


def _finish(summary: Any, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        print(f"marsad: {summary.line()}")
    if summary.failed and not (summary.stored or summary.revisions or summary.duplicates):
        return 2
    return 1 if summary.failed else 0


def _fetch_options(args: argparse.Namespace) -> Any:
    from marsad.ingest.fetch import DEFAULT_USER_AGENT, FetchOptions

    return FetchOptions(timeout=args.timeout, max_bytes=args.max_bytes,
                        user_agent=getattr(args, "user_agent", None) or DEFAULT_USER_AGENT,
                        follow_links=getattr(args, "follow_links", False))


def run_ingest(args: argparse.Namespace) -> int:
    from functools import partial

    from marsad.cli.engine_args import engine_options_from_args
    from marsad.ingest.run import ingest
    from marsad.pipeline.ingest_engine import ingest_on_engine

    options = engine_options_from_args(args)  # --engine dask / --jobs N: same outcomes, see pipeline.engines
    run: Any = ingest
    if options.parallel:
        from marsad.cli.cmd_extract import settings_from_args

        run = partial(ingest_on_engine, options=options, settings=settings_from_args(args))  # type: ignore[arg-type]
    progress = _Progress()
    with _open(args) as store:
        try:
            summary = run(args.sources, store, pipeline=_pipeline(args), text_column=args.text_column,
                          max_bytes=args.max_bytes, recursive=not args.no_recursive,
                          fetch_options=_fetch_options(args), on_item=progress)
        finally:
            progress.close()
    return _finish(summary, as_json=args.json)


def run_retry(args: argparse.Namespace) -> int:
    from marsad.ingest.run import retry

    progress = _Progress()
    with _open(args) as store:
        try:
            summary = retry(store, pipeline=_pipeline(args), text_column=args.text_column, max_bytes=args.max_bytes,
                            fetch_options=_fetch_options(args), on_item=progress)
        finally:
            progress.close()
        remaining = len(store.failures())
    if args.json:
        print(json.dumps({**summary.to_dict(), "still_open": remaining}, ensure_ascii=False))
    else:
        print(f"marsad: retried {summary.seen} documents; {summary.resolved} failures resolved, {remaining} still open")
    return 1 if remaining else 0


EVENT_COLUMNS = ("id", "date", "type", "actor1", "actor2", "place", "place_id", "governorate", "lat", "lon",
                 "fatalities", "sources", "canonical_id", "doc_id", "outlet", "published", "url", "evidence")


def _event_row(ev: Any) -> dict[str, Any]:
    e = ev.event
    p = e.place
    return {"id": ev.id, "date": e.date or (ev.published.isoformat() if ev.published else None), "type": e.type,
            "actor1": e.actor1, "actor2": e.actor2, "place": (p.name_en or p.surface) if p else None,
            "place_id": p.place_id if p else None, "governorate": p.governorate if p else None,
            "lat": p.lat if p else None, "lon": p.lon if p else None, "fatalities": e.fatalities,
            "sources": ev.sources, "canonical_id": ev.canonical_id, "doc_id": ev.doc_id, "outlet": ev.outlet,
            "published": ev.published.isoformat() if ev.published else None, "url": ev.url, "evidence": ev.evidence}


def run_events(args: argparse.Namespace) -> int:
    from marsad.errors import ConfigError
    from marsad.store import EventFilter

    bbox = None
    if args.bbox:
        try:
            w, s, e, n = (float(x) for x in args.bbox.split(","))
        except ValueError as exc:
            raise ConfigError(f"--bbox must be WEST,SOUTH,EAST,NORTH, got {args.bbox!r}") from exc
        bbox = (w, s, e, n)
    flt = EventFilter(date_from=args.date_from, date_to=args.date_to, actor=args.actor, type=args.type,
                      governorate=args.governorate, place=args.place, min_sources=args.min_sources, bbox=bbox,
                      text=args.text, distinct=args.distinct, limit=args.limit, offset=args.offset)
    with _open(args) as store:
        events = store.events(flt)
    out: IO[str] = sys.stdout
    if args.json:
        for ev in events:
            out.write(json.dumps({**_event_row(ev), "event": ev.event.to_dict()}, ensure_ascii=False) + "\n")
    elif args.csv:
        writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS)
        writer.writeheader()
        for ev in events:
            writer.writerow(_event_row(ev))
    else:
        for ev in events:
            r = _event_row(ev)
            out.write(f"{r['date'] or '?':10}  {r['type']:<34} {r['actor1'] or '-'} → {r['actor2'] or '-'}  "
                      f"@ {r['place'] or '-'}  [{r['sources']} src]  {r['doc_id']}\n")
    return 0


def run_failures(args: argparse.Namespace) -> int:
    with _open(args) as store:
        fails = store.failures(include_resolved=args.all, code=args.code)
    for f in fails:
        if args.json:
            print(json.dumps({"id": f.doc_id, "source": f.source, "error": {"code": f.code, "reason": f.reason},
                              "attempts": f.attempts, "resolved": f.resolved, "last_seen": f.last_seen},
                             ensure_ascii=False))
        else:
            flag = " (resolved)" if f.resolved else ""
            print(f"[{f.code}] {f.doc_id or f.source}: {f.reason} (attempts: {f.attempts}){flag}")
    if not args.json:
        print(f"marsad: {len(fails)} failures", file=sys.stderr)
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with _open(args) as store:
        check = None
        if args.check_counters or args.repair_counters:
            check = store.check_counters(repair=args.repair_counters)
        analysed = store.refresh_statistics(force=True) if args.analyse else None
        st = store.stats()
        url = store.url
    status = 1 if check is not None and not check.ok and not check.repaired else 0
    if args.json:
        counters = {"counters": check.to_dict()} if check is not None else {}
        statistics = {"statistics": analysed.to_dict()} if analysed is not None else {}
        print(json.dumps({"store": _redact(url), **st.to_dict(), **counters, **statistics}, ensure_ascii=False))
        return status
    print(f"store: {_redact(url)} ({st.backend}, schema v{st.schema_version})")
    for name in ("documents", "revisions", "clusters", "near_duplicates", "events", "canonical_events",
                 "corroborated_events", "control_facts", "sieges", "quantities", "claims", "mentions",
                 "failures_open", "failures_resolved"):
        print(f"  {name.replace('_', ' '):<22} {getattr(st, name):>10,}")
    for code, n in st.failures_by_code:
        print(f"    {code:<20} {n:>10,}")
    if check is not None:
        state = "all right" if check.ok else (f"{check.wrong:,} wrong, {check.wrong_source_rows:,} wrong per-cluster "
                                               "rows" + (": recounted" if check.repaired else ""))
        print(f"  counters of {check.canonical_events:,} canonical events: {state}")
    if analysed is not None:
        print(f"  planner statistics: {len(analysed.analysed)} tables analysed in {analysed.seconds:.2f} s")
    return status


def _redact(url: str) -> str:
    from marsad.store.backend import _redact as redact

    return redact(url)
