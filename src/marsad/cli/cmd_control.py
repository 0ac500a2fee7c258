"""Control commands: ``control share|map|timeline|baseline import``, ``claims check``, ``sieges``, ``sites``,
``agreements``. Thin wrappers over ``marsad.control``; every output states the method and reconciliation rule.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from marsad.errors import ConfigError

SITE_KIND_CHOICES = ("oil_gas_field", "mine", "airbase", "military_base", "dam", "border_crossing")


def _common(p: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    p.add_argument("--db", help="the store (path or postgresql:// URL); default $MARSAD_DB or "
                   "~/.local/share/marsad/marsad.db")
    p.add_argument("--rule", choices=("latest", "most_sources", "source_weights"), default="latest",
                   help="how conflicting same-day reports are reconciled (default: latest report)")
    p.add_argument("--weights", type=Path, help="outlet<TAB>weight lines for --rule source_weights")
    p.add_argument("--clash-days", type=int, default=1,
                   help="holdings ended within this many days are clashes, not changes (ACLED: 1)")
    p.add_argument("--precedence", choices=("recent", "finest"), default="recent",
                   help="which held unit decides a cell covered by several (default: most recent holding)")
    p.add_argument("--default-date", help="date (YYYY-MM-DD) for the undated facts of documents that have no "
                   "publication date (otherwise they are left out of the timeline)")
    p.add_argument("--control-dir", type=Path, help="baselines and cache (default: per store, or "
                   "$MARSAD_CONTROL_DIR)")
    if json_flag:
        p.add_argument("--json", action="store_true", help="machine-readable output")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    control = sub.add_parser("control", help="who holds what, and when: shares, maps, timeline, baselines")
    csub = control.add_subparsers(dest="control_command", metavar="SUBCOMMAND")
    control.set_defaults(func=_help(control))
    share = csub.add_parser("share", help="each actor's share of Syria's area on a date, with the method")
    share.add_argument("--date", required=True, help="YYYY-MM-DD")
    share.add_argument("--metric", choices=("total", "populated"), default="total")
    share.add_argument("--bloc-file", type=Path, help="TSV of blocs (bloc, label, members) overriding the defaults")
    share.add_argument("--by-actor", action="store_true", help="list actors, not blocs")
    _common(share)
    share.set_defaults(func=run_share)

    cmap = csub.add_parser("map", help="a control map for a date (PNG or GeoJSON by the -o extension)")
    cmap.add_argument("--date", required=True, help="YYYY-MM-DD")
    cmap.add_argument("-o", "--output", required=True, type=Path, help="map.png or map.geojson")
    cmap.add_argument("--metric", choices=("total", "populated"), default="total")
    cmap.add_argument("--bloc-file", type=Path)
    _common(cmap, json_flag=False)
    cmap.set_defaults(func=run_map)

    tl = csub.add_parser("timeline", help="control intervals, conflicts and clashes per unit")
    tl.add_argument("--unit", help="a unit id (gov:Homs, place:<id>, rel:Aleppo:countryside:east, ...)")
    tl.add_argument("--actor", help="only this actor's intervals")
    _common(tl)
    tl.set_defaults(func=run_timeline)

    base = csub.add_parser("baseline", help="baseline snapshots that the timeline evolves")
    bsub = base.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND")
    base.set_defaults(func=_help(base))
    imp = bsub.add_parser("import", help="import a CSV or GeoJSON of place, controller, date")
    imp.add_argument("file", type=Path)
    imp.add_argument("--name", help="the snapshot's name (default: the file name)")
    imp.add_argument("--gazetteer", type=Path, help="user gazetteer used to resolve place names")
    _common(imp)
    imp.set_defaults(func=run_baseline_import)

    claims = sub.add_parser("claims", help="quantitative territory claims")
    clsub = claims.add_subparsers(dest="claims_command", metavar="SUBCOMMAND")
    claims.set_defaults(func=_help(claims))
    check = clsub.add_parser("check", help="compare each share-of-territory claim with the computed share")
    check.add_argument("--date", help="fallback date for claims with no as-of and no published date "
                       "(default: --default-date)")
    check.add_argument("--bloc-file", type=Path)
    _common(check)
    check.set_defaults(func=run_claims_check)

    sg = sub.add_parser("sieges", help="siege lifecycles: besieger, besieged, since, until, population")
    sg.add_argument("--date", help="only sieges in force on this date")
    _common(sg)
    sg.set_defaults(func=run_sieges)

    st = sub.add_parser("sites", help="oil and gas fields, mines, airbases, dams, crossings and who held them")
    st.add_argument("--kind", choices=SITE_KIND_CHOICES)
    st.add_argument("--date", help="the controller on this date (else the history only)")
    st.add_argument("--all", action="store_true", help="also list sites with no evidence")
    _common(st)
    st.set_defaults(func=run_sites)

    ag = sub.add_parser("agreements", help="ceasefires, de-escalation zones, evacuation and reconciliation deals")
    _common(ag)
    ag.set_defaults(func=run_agreements)


# --- helpers ---------------------------------------------------------------------------------------------


def _help(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return show


def _day(value: str | None, what: str = "--date") -> dt.date | None:
    if value is None:
        return None
    from marsad.control.timeline import parse_day

    day = parse_day(value)
    if day is None:
        raise ConfigError(f"{what} must be YYYY-MM-DD, got {value!r}", value=value)
    return day


def _db_url(args: argparse.Namespace) -> str | None:
    return args.db or os.environ.get("MARSAD_DB") or None


def _rule(args: argparse.Namespace) -> Any:
    from marsad.control.records import ReconcileRule

    weights: list[tuple[str, float]] = []
    if args.weights:
        try:
            lines = args.weights.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"cannot read weights file {args.weights}: {exc}") from exc
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            outlet, _, w = line.rpartition("\t")
            try:
                weights.append((outlet.strip(), float(w)))
            except ValueError as exc:
                raise ConfigError(f"{args.weights}:{n}: expected outlet<TAB>weight", value=line) from exc
    elif args.rule == "source_weights":
        raise ConfigError("--rule source_weights needs --weights FILE")
    if args.clash_days < 0:
        raise ConfigError("--clash-days must be 0 or more", value=args.clash_days)
    return ReconcileRule(args.rule, weights=tuple(weights), clash_days=args.clash_days)


def _service(args: argparse.Namespace) -> Any:
    from marsad.control.service import ControlService, ControlSettings, control_dir_for
    from marsad.control.source import StoreSource
    from marsad.store import open_store

    store = open_store(_db_url(args))
    cdir = args.control_dir or control_dir_for(store.url)
    settings = ControlSettings(rule=_rule(args), precedence=args.precedence,
                               default_date=_day(args.default_date, "--default-date"))
    return ControlService(StoreSource(store), settings=settings, control_dir=cdir)


def _blocs(args: argparse.Namespace) -> Any:
    from marsad.control.blocs import load_blocs

    return load_blocs(getattr(args, "bloc_file", None))


def _dump(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def _method(svc: Any, *, light: bool = False) -> dict[str, Any]:
    """The method block. ``light``: from the share index only (no need to load the whole timeline)."""
    src = svc.share_index if light else svc.timeline
    rule = svc.settings.rule
    default = svc.settings.default_date
    return {"reconciliation": rule.describe(), "rule": rule.to_dict(), "store_revision": src.revision,
            "facts_used": src.stats.used, "facts_undated": src.stats.undated, "facts_unplaced": src.stats.unplaced,
            "default_date": default.isoformat() if default else None,
            "baselines": [b.name for b in svc.baselines]}


def _method_text(svc: Any, *, light: bool = False) -> str:
    m = _method(svc, light=light)
    dated = (f"; undated documents' facts dated {m['default_date']} (--default-date)" if m["default_date"]
             else "")
    return (f"method: {m['reconciliation']}\n  facts: {m['facts_used']} used, {m['facts_undated']} undated, "
            f"{m['facts_unplaced']} without a locatable place{dated}; baselines: "
            f"{', '.join(m['baselines']) or 'none'}")


# --- commands --------------------------------------------------------------------------------------------


def run_share(args: argparse.Namespace) -> int:
    day = _day(args.date)
    assert day is not None
    svc = _service(args)
    res = svc.shares(day, metric=args.metric, blocs=_blocs(args))
    if args.json:
        out = res.to_dict()
        out["method"]["facts"] = _method(svc, light=True)
        _dump(out)
        return 0
    if args.by_actor:
        lines = [f"Control shares of Syria on {day.isoformat()} by actor ({args.metric} area)"]
        lines += [f"  {r.percent:6.2f}%  {r.area_km2:>10,.0f} km²  {r.label}" for r in res.actors]
        print("\n".join(lines))
        print("\n" + res.to_text().split("\n\n", 1)[1])
    else:
        print(res.to_text())
    print(_method_text(svc, light=True))
    return 0


def run_map(args: argparse.Namespace) -> int:
    from marsad.control.mapping import write_map

    day = _day(args.date)
    assert day is not None
    svc = _service(args)
    blocs = _blocs(args)
    res = svc.shares(day, metric=args.metric, blocs=blocs)
    fmt = write_map(svc.share_index, res, blocs, args.output, precedence=args.precedence)
    print(f"wrote {fmt} map of {day.isoformat()} to {args.output} ({res.intervals} intervals, {res.sources} sources; "
          f"unknown {res.unknown_percent:.1f}%)", file=sys.stderr)
    return 0


def run_timeline(args: argparse.Namespace) -> int:
    svc = _service(args)
    tl = svc.timeline
    ivs = tl.for_unit(args.unit) if args.unit else tl.intervals
    if args.actor:
        ivs = tuple(iv for iv in ivs if iv.actor == args.actor)
    conflicts = [c for c in tl.conflicts if not args.unit or c.unit_id == args.unit]
    clashes = [c for c in tl.clashes if not args.unit or c.unit_id == args.unit]
    if args.json:
        _dump({"intervals": [iv.to_dict() for iv in ivs], "conflicts": [c.to_dict() for c in conflicts],
               "clashes": [c.to_dict() for c in clashes], "method": _method(svc)})
        return 0
    for iv in ivs:
        until = iv.valid_to.isoformat() if iv.valid_to else "…"
        contested = f"  contested by {', '.join(iv.contested_by)}" if iv.contested_by else ""
        print(f"{iv.unit_id}\t{iv.actor}\t{iv.valid_from.isoformat()} → {until}\t{iv.sources} sources\t"
              f"confidence {iv.confidence:.2f}{contested}")
    for c in conflicts:
        sides = "; ".join(f"{x.actor}: {len(x.supporting)} reports/{x.sources} sources" for x in c.candidates)
        print(f"conflict {c.unit_id} {c.date.isoformat()}: {sides} → {c.chosen} ({c.rule})")
    for c in clashes:
        print(f"clash {c.unit_id} {c.actor} {c.valid_from.isoformat()} → {c.valid_to.isoformat()}")
    print(_method_text(svc))
    return 0


def _actor_names() -> dict[str, str]:
    from marsad.recognize.lexicon import load_table

    out: dict[str, str] = {}
    for row in load_table("actors.tsv").rows:
        out[row["id"].lower()] = row["id"]
        if row.get("name_en"):
            out[row["name_en"].lower()] = row["id"]
    return out


def run_baseline_import(args: argparse.Namespace) -> int:
    from marsad.control.baseline import load_baseline_file
    from marsad.control.geo_context import GazetteerGeo
    from marsad.control.service import control_dir_for, save_baseline
    from marsad.store import open_store

    geo = GazetteerGeo(gazetteer_path=args.gazetteer)
    base = load_baseline_file(args.file, resolver=geo.resolve, actors=_actor_names(), name=args.name)
    cdir = args.control_dir or control_dir_for(open_store(_db_url(args)).url)
    path = save_baseline(cdir, base)
    summary = {"baseline": base.name, "rows": len(base.rows), "polygons": len(base.polygons),
               "skipped": list(base.skipped), "saved_to": str(path)}
    if args.json:
        _dump(summary)
    else:
        print(f"imported baseline {base.name!r}: {len(base.rows)} rows ({len(base.polygons)} polygons), "
              f"{len(base.skipped)} skipped; saved to {path}")
        for s in base.skipped:
            print(f"  skipped {s}")
    return 0


def run_claims_check(args: argparse.Namespace) -> int:
    svc = _service(args)
    report = svc.claims(_blocs(args), fallback=_day(args.date))
    if args.json:
        out = report.to_dict()
        out["facts"] = _method(svc, light=True)
        _dump(out)
        return 0
    if not report.checks:
        print("no share-of-territory or area claims in the store")
    for ch in report.checks:
        c = ch.claim
        unit = "%" if c.metric == "share_of_territory" else " km²"
        when = f"{ch.date.isoformat()} ({ch.date_basis})" if ch.date else "undated"
        print(f"[{c.claimant_doc}] {c.claimant_outlet or '?'}: {c.subject} {c.value:g}{unit} "
              f"({c.metric}; {c.scope or 'Syria'}) as of {when}")
        if ch.comparable and ch.computed is not None and ch.difference is not None:
            print(f"    computed {ch.computed:,.1f}{unit} for bloc {ch.bloc} = {' + '.join(ch.bloc_members)}; "
                  f"{c.subject} alone {ch.computed_alone:,.1f}{unit}; difference {ch.difference:+,.1f}"
                  f"{unit.strip() if unit == '%' else unit}; unknown {ch.unknown_percent:.1f}%")
        for e in ch.explanations:
            print(f"    - {e}")
    for inc in report.inconsistencies:
        print(f"inconsistent [{inc.doc_id}] {inc.kind}: {inc.detail}")
    if report.method:
        print("method:")
        print("\n".join(f"  {x}" for x in report.method))
    print(_method_text(svc, light=True))
    return 0


def run_sieges(args: argparse.Namespace) -> int:
    from marsad.control.sieges import active_on

    day = _day(args.date)
    svc = _service(args)
    sieges = svc.sieges()
    if day is not None:
        sieges = active_on(sieges, day)
    if args.json:
        _dump({"date": day.isoformat() if day else None, "sieges": [s.to_dict() | {"status": s.status}
                                                                    for s in sieges]})
        return 0
    for s in sieges:
        since = s.since.isoformat() if s.since else "?"
        until = s.until.isoformat() if s.until else "…"
        pop = f", {s.population:,} besieged" if s.population else ""
        print(f"{s.place}: {s.besieger or '?'} besieging {s.besieged or '?'}, {since} → {until} "
              f"[{s.status}]{pop}; {len(s.supporting)} reports, {s.sources} sources")
    if not sieges:
        print("no sieges" + (f" in force on {day.isoformat()}" if day else ""))
    return 0


def run_sites(args: argparse.Namespace) -> int:
    day = _day(args.date)
    svc = _service(args)
    statuses = svc.sites(day=day, kind=args.kind)
    if not args.all:
        statuses = tuple(s for s in statuses if s.history or s.controller)
    if args.json:
        _dump({"date": day.isoformat() if day else None, "sites": [s.to_dict() for s in statuses],
               "method": _method(svc)})
        return 0
    for s in statuses:
        now = ""
        if day is not None:
            now = (f" — on {day.isoformat()}: {s.controller} ({s.basis}"
                   f"{', via ' + s.decided_by if s.basis == 'area' and s.decided_by else ''})") if s.controller \
                else f" — on {day.isoformat()}: unknown"
        print(f"{s.site.name} [{s.site.kind}, {s.site.governorate or '?'}]{now}")
        for iv in s.history:
            until = iv.valid_to.isoformat() if iv.valid_to else "…"
            print(f"    {iv.actor} {iv.valid_from.isoformat()} → {until} ({iv.sources} sources)")
    if not statuses:
        print("no site has evidence" + (" of that kind" if args.kind else "") + " (use --all to list every site)")
    print(_method_text(svc))
    return 0


def run_agreements(args: argparse.Namespace) -> int:
    svc = _service(args)
    deals = svc.agreements()
    if args.json:
        _dump({"agreements": [a.to_dict() | {"sources": a.sources} for a in deals]})
        return 0
    for a in deals:
        when = a.date.isoformat() if a.date else "undated"
        where = ", ".join(a.places or a.governorates) or "place not stated"
        print(f"{when}  {a.label}: {' / '.join(a.parties) or '?'} — {where} ({a.sources} sources)")
        if a.terms:
            print(f"    terms as stated: {a.terms[:300]}")
        for v in a.violations:
            print(f"    breach {v.date.isoformat() if v.date else '?'}: {v.type} {v.actor1 or '?'}"
                  f"{' → ' + v.actor2 if v.actor2 else ''} [{v.ref.doc_id}]")
    if not deals:
        print("no agreements in the store")
    return 0
