"""Benchmark: the time of one area-share query over a store holding 1,000,000 events (synthetic).

    .venv/bin/python bench/bench_control.py [--events 1000000] [--territorial 0.25] [--queries 200] [--real-geo]

The synthetic store is a ``MemorySource`` (the same ``FactSource`` interface the SQLite/PostgreSQL adapter
implements): ``--events`` events over 2011–2024 spread across the settlements, of which a share
``--territorial`` are territory changes (captures, handovers, withdrawals) and the rest strikes and clashes,
plus one control fact per 20 events. The timeline and the share index are built once (as ``ControlService``
does per store revision; timed and reported separately), then ``--queries`` share queries for random dates
are timed twice: in the process that built the index (a million events still in memory), and after loading
the index from its cache with the builders' objects freed (how the CLI and the API run it). ``--real-geo``
uses the bundled boundaries and gazetteer instead of a synthetic 14-governorate grid with 2,000 settlements.
Prints JSON; exits 1 when the cached-index p95 is over the 50 ms target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import pickle
import random
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from marsad.control.area import Settlement, build_area_model
from marsad.control.blocs import Blocs, load_blocs
from marsad.control.shares import ShareIndex, build_share_index
from marsad.control.source import DocFacts, MemorySource
from marsad.control.timeline import timeline_from_source
from marsad.control.units import GOVERNORATES
from marsad.model import ControlFact, Event, PlaceMention, Provenance, Span

ACTORS = ("syria_government_assad", "pro_assad_militias", "syrian_opposition", "islamic_state", "sdf", "hts",
          "syrian_national_army", "turkey")
OTHER_TYPES = ("armed_clash", "air_drone_strike", "shelling_artillery_missile", "attack_on_civilians")
TERRITORIAL = ("government_regains_territory", "non_state_actor_overtakes_territory",
               "non_violent_transfer_of_territory", "withdrawal")
TARGET_MS = 50.0


@dataclass(frozen=True)
class GridGeo:
    """A synthetic Syria-sized box cut into 14 governorates (7 x 2), with random settlements."""

    n_settlements: int
    seed: int = 7

    def outline(self) -> BaseGeometry:
        return box(35.7, 32.3, 42.4, 37.3)

    def governorates(self) -> dict[str, BaseGeometry]:
        out = {}
        w = (42.4 - 35.7) / 7
        for i, name in enumerate(GOVERNORATES):
            col, row = i % 7, i // 7
            out[name] = box(35.7 + col * w, 32.3 + row * 2.5, 35.7 + (col + 1) * w, 32.3 + (row + 1) * 2.5)
        return out

    def relational_region(self, governorate: str, relation: str) -> BaseGeometry | None:
        g = self.governorates().get(governorate)
        if g is None:
            return None
        x0, y0, x1, y1 = g.bounds
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        return {"countryside:east": box(mx, y0, x1, y1), "countryside:west": box(x0, y0, mx, y1),
                "countryside:north": box(x0, my, x1, y1), "countryside:south": box(x0, y0, x1, my)}.get(relation)

    def area_km2(self, geom: BaseGeometry) -> float:
        return float(geom.area) * 111.32 * 111.32 * 0.82

    def settlements(self) -> list[Settlement]:
        rng = random.Random(self.seed)
        govs = self.governorates()
        out = []
        for i in range(self.n_settlements):
            lon, lat = rng.uniform(35.71, 42.39), rng.uniform(32.31, 37.29)
            gov = next((n for n, g in govs.items()
                        if g.bounds[0] <= lon < g.bounds[2] and g.bounds[1] <= lat < g.bounds[3]), None)
            out.append(Settlement(f"s{i}", f"S{i}", lat, lon, gov, 1000))
        return out


def synthetic_source(settlements: list[Settlement], *, n_events: int, territorial: float, seed: int = 11
                     ) -> MemorySource:
    rng = random.Random(seed)
    places = [PlaceMention(Span(0, 5), s.name, name_en=s.name, kind="town", governorate=s.governorate,
                           place_id=s.place_id, lat=s.lat, lon=s.lon, geo_precision=1) for s in settlements]
    regions = [PlaceMention(Span(0, 5), g, name_en=g, kind="governorate", governorate=g, relation=r)
               for g in GOVERNORATES for r in ("countryside:east", "countryside:west")]
    govs = [PlaceMention(Span(0, 5), g, name_en=g, kind="governorate", governorate=g) for g in GOVERNORATES]
    start = dt.date(2011, 3, 15).toordinal()
    span_days = dt.date(2024, 12, 1).toordinal() - start
    per_doc = 10
    outlets = [f"outlet{i}" for i in range(40)]
    docs: list[DocFacts] = []
    for d in range(n_events // per_doc):
        day = dt.date.fromordinal(start + rng.randrange(span_days))
        events = []
        control = []
        for k in range(per_doc):
            r = rng.random()
            if r > 0.02:
                place = places[rng.randrange(len(places))]
            elif r > 0.005:
                place = regions[rng.randrange(len(regions))]
            else:
                place = govs[rng.randrange(len(govs))]
            ev_day = dt.date.fromordinal(day.toordinal() - rng.randrange(3)).isoformat()
            prov = Provenance(f"d{d}", Span(k * 50, k * 50 + 40), Span(k * 50, k * 50 + 49), "bench", 0.7)
            kind = rng.choice(TERRITORIAL) if rng.random() < territorial else rng.choice(OTHER_TYPES)
            events.append(Event(kind, rng.choice(ACTORS), prov, actor2=rng.choice(ACTORS), place=place, date=ev_day))
            if k == 0 and d % 2 == 0:
                control.append(ControlFact(place, rng.choice(ACTORS), prov, date=ev_day))
        docs.append(DocFacts(f"d{d}", rng.choice(outlets), day, None, tuple(events), tuple(control)))
    return MemorySource(tuple(docs))


def _time_queries(index: ShareIndex, days: list[dt.date], blocs: Blocs) -> list[float]:
    index.shares(days[0], blocs=blocs)  # warm-up
    times = []
    for day in days:
        t0 = time.perf_counter()
        res = index.shares(day, blocs=blocs)
        times.append((time.perf_counter() - t0) * 1000)
        assert abs(sum(r.percent for r in res.rows) - 100.0) < 1e-6
    return sorted(times)


def _summary(times: list[float]) -> dict[str, float]:
    return {"queries": len(times), "median": round(statistics.median(times), 2),
            "p95": round(times[int(0.95 * (len(times) - 1))], 2), "max": round(times[-1], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--territorial", type=float, default=0.25)
    ap.add_argument("--settlements", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--real-geo", action="store_true")
    args = ap.parse_args(argv)

    geo: Any
    if args.real_geo:
        from marsad.control.geo_context import GazetteerGeo

        geo = GazetteerGeo()
    else:
        geo = GridGeo(args.settlements)
    t0 = time.perf_counter()
    model = build_area_model(geo)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    source = synthetic_source(list(geo.settlements()), n_events=args.events, territorial=args.territorial)
    t_gen = time.perf_counter() - t0
    counts = {"events": sum(len(d.events) for d in source.docs),
              "control_facts": sum(len(d.control) for d in source.docs), "documents": len(source.docs)}
    t0 = time.perf_counter()
    timeline = timeline_from_source(source)
    t_timeline = time.perf_counter() - t0
    counts |= {"observations_used": timeline.stats.used, "intervals": len(timeline.intervals),
               "conflicts": len(timeline.conflicts), "clashes": len(timeline.clashes)}
    t0 = time.perf_counter()
    index = build_share_index(timeline, model, geo=geo)
    t_index = time.perf_counter() - t0

    blocs = load_blocs()
    rng = random.Random(3)
    days = [dt.date.fromordinal(dt.date(2012, 1, 1).toordinal() + rng.randrange(4500)) for _ in range(args.queries)]
    # 1) in the process that built the index, with the million events and the timeline still in memory
    in_builder = _time_queries(index, days, blocs)
    # 2) as the CLI and API run it: the index loaded from the per-revision cache, the builders' objects freed
    blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    del index, timeline, source
    gc.collect()
    t0 = time.perf_counter()
    cached: ShareIndex = pickle.loads(blob)
    t_load = time.perf_counter() - t0
    times = _time_queries(cached, days, blocs)

    out: dict[str, Any] = {
        **counts,
        "settlements": len(model.settlements), "cells": len(model.atoms),
        "geo": "bundled boundaries + gazetteer" if args.real_geo else "synthetic 14-governorate grid",
        "build_s": {"area_model": round(t_model, 2), "generate": round(t_gen, 2), "timeline": round(t_timeline, 2),
                    "share_index": round(t_index, 2), "index_cache_load": round(t_load, 3)},
        "index_cache_mb": round(len(blob) / 1e6, 1),
        "share_query_ms": _summary(times),
        "share_query_ms_in_builder_process": _summary(in_builder),
        "target_ms": TARGET_MS,
    }
    print(json.dumps(out, indent=1))
    return 0 if out["share_query_ms"]["p95"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
