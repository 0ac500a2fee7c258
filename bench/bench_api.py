"""Benchmark: read endpoints of ``marsad serve`` under load, over a synthetic 100,000-event store.

    .venv/bin/python bench/bench_api.py [--events 100000] [--rate 200] [--seconds 30] [--wrk]

1. Builds (once; kept in ``bench/out/``) a SQLite store of ``--events`` synthetic events: invented Arabic
   sentences, 10 events per document, spread over 14 years, the 14 governorates, 24 types and 12 actors.
2. Starts ``marsad serve`` on a free 127.0.0.1 port (one uvicorn worker) and warms it up.
3. After ``--warmup-seconds`` of the same load (not counted: it fills the caches a running server has),
   sends an open-loop load at ``--rate`` requests/s for ``--seconds`` from a bounded asyncio client (every
   request is on loopback; the loop stops by itself): a mix of event lists with varied filters and viewports,
   single events, map clusters, control shares, meta and health. Latency counts from each request's
   scheduled send time, so a slow server cannot hide queueing (no coordinated omission).
4. With ``--wrk`` (Debian ``wrk``), also a closed-loop throughput run of 10 s per endpoint.

Prints JSON: per-endpoint and overall p50/p90/p99/max latency, achieved rate and errors. Exits 1 when the
overall p99 is over 200 ms or the achieved rate is under 95% of ``--rate``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

OUT = Path(__file__).resolve().parent / "out"
GOVS: tuple[tuple[str, str, float, float], ...] = (
    ("دمشق", "Damascus", 33.51, 36.29), ("ريف دمشق", "Rif Dimashq", 33.60, 36.60), ("حلب", "Aleppo", 36.20, 37.15),
    ("حمص", "Homs", 34.73, 36.72), ("حماة", "Hama", 35.13, 36.75), ("اللاذقية", "Latakia", 35.52, 35.79),
    ("طرطوس", "Tartus", 34.89, 35.89), ("إدلب", "Idlib", 35.93, 36.63), ("الرقة", "Raqqa", 35.95, 39.01),
    ("دير الزور", "Deir ez-Zor", 35.33, 40.14), ("الحسكة", "Hasakah", 36.50, 40.75), ("درعا", "Daraa", 32.62, 36.10),
    ("السويداء", "Suwayda", 32.71, 36.57), ("القنيطرة", "Quneitra", 33.13, 35.82),
)
ACTORS = ("syria_government_assad", "syrian_opposition", "sdf", "islamic_state", "hts", "turkey", "russia",
          "syrian_national_army", "pro_assad_militias", "ypg", "iran", "civilians")


def build_store(path: Path, n_events: int, *, seed: int = 11) -> float:
    """Write ``n_events`` synthetic events (10 per document) into a new SQLite store; returns seconds taken."""
    from marsad.model import Document, Event, ExtractionResult, PlaceMention, Provenance, Span
    from marsad.model.facts import EVENT_TYPES
    from marsad.store import open_store

    rng = random.Random(seed)
    t0 = time.perf_counter()
    base = dt.date(2012, 1, 1)
    with open_store(path) as store:
        for d in range(n_events // 10):
            day = base + dt.timedelta(days=rng.randrange(0, 5100))
            parts: list[str] = []
            spans: list[tuple[Span, tuple[str, str, float, float]]] = []
            for i in range(10):
                gov = GOVS[rng.randrange(len(GOVS))]
                sentence = f"تقرير ميداني {d}-{i}: أفادت مصادر محلية بوقوع حادث في {gov[0]} وريفها."
                start = sum(len(p) + 1 for p in parts)
                parts.append(sentence)
                spans.append((Span(start, start + len(sentence)), gov))
            text = " ".join(parts)
            doc = Document(id=f"bench-{d}", text=text, url=f"https://example.org/bench/{d}",
                           outlet=f"outlet-{d % 40}", published=day)
            events = []
            for span, (surface, name, lat, lon) in spans:
                at = text.index(surface, span.start)
                place = PlaceMention(span=Span(at, at + len(surface)), surface=surface, name_en=name,
                                     kind="governorate", governorate=name, place_id=f"gov:{name}",
                                     lat=lat + rng.uniform(-0.7, 0.7), lon=lon + rng.uniform(-0.7, 0.7),
                                     geo_precision=1)
                events.append(Event(type=rng.choice(EVENT_TYPES), actor1=rng.choice(ACTORS),
                                    actor2=rng.choice(ACTORS), place=place,
                                    date=(day - dt.timedelta(days=rng.randrange(0, 3))).isoformat(),
                                    time_precision=1, provenance=Provenance(doc.id, span, span, "bench", 0.6)))
            store.add(ExtractionResult(document=doc, events=tuple(events)))
            if d % 1000 == 999:
                print(f"  {d + 1:,} documents, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request_mix(rng: random.Random, event_ids: list[str]) -> tuple[str, str]:
    """(endpoint name, path) for one request of the read mix."""
    r = rng.random()
    if r < 0.30:
        params = rng.choice([
            "", f"type={rng.choice(['armed_clash', 'air_drone_strike', 'arrests'])}",
            f"actor={rng.choice(ACTORS)}", f"governorate={quote(rng.choice(GOVS)[1])}",
            f"date_from={2012 + rng.randrange(13)}&date_to={2013 + rng.randrange(12)}",
        ])
        return "events", f"/api/events?limit=50&{params}"
    if r < 0.45:
        lat, lon = rng.uniform(33, 36.5), rng.uniform(36, 40.5)
        return "events_bbox", f"/api/events?limit=50&bbox={lon - 1:.3f},{lat - 1:.3f},{lon + 1:.3f},{lat + 1:.3f}"
    if r < 0.60:
        return "event", f"/api/events/{rng.choice(event_ids)}"
    if r < 0.85:
        z = rng.choice([6, 7, 8, 9])
        lat, lon = rng.uniform(33, 36.5), rng.uniform(36, 40.5)
        w = 6 / 2 ** (z - 6)
        bbox = f"{lon - w:.3f},{lat - w / 2:.3f},{lon + w:.3f},{lat + w / 2:.3f}"
        extra = rng.choice(["", "&type=armed_clash", f"&date_from={2012 + rng.randrange(13)}"])
        return "clusters", f"/api/events/clusters?zoom={z}&bbox={bbox}{extra}"
    if r < 0.92:
        return "shares", f"/api/control/shares?date={2012 + rng.randrange(13)}-06-01"
    if r < 0.97:
        return "meta", "/api/meta"
    return "health", "/api/health"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


class Conn:
    """One keep-alive HTTP/1.1 connection on loopback (a minimal client: GET, Content-Length bodies)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def open_loop(base: str, rate: float, seconds: float, event_ids: list[str], *, seed: int = 5,
                    connections: int = 64) -> dict[str, Any]:
    """Requests sent at fixed times (``rate`` per second) over a bounded pool of keep-alive connections;
    latency counts from the scheduled time, so queueing in the client or the server is included."""
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").rsplit(":", 1)
    total = int(rate * seconds)
    plan = [request_mix(rng, event_ids) for _ in range(total)]
    lat: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    pool: asyncio.Queue[Conn] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Conn(host, int(port)))
    start = time.perf_counter() + 0.2

    async def one(i: int, name: str, path: str) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = await pool.get()
        try:
            ok = await asyncio.wait_for(conn.get(path), timeout=10) == 200
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            ok = False
            conn.close()
            conn = Conn(host, int(port))
        pool.put_nowait(conn)
        lat.setdefault(name, []).append((time.perf_counter() - scheduled) * 1000)
        if not ok:
            errors[name] = errors.get(name, 0) + 1

    await asyncio.gather(*(one(i, *p) for i, p in enumerate(plan)))
    wall = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    every = [x for v in lat.values() for x in v]
    return {
        "requests": total, "seconds": round(wall, 2), "achieved_rps": round(total / wall, 1),
        "connections": connections, "errors": errors,
        "overall_ms": {"p50": round(pct(every, .5), 1), "p90": round(pct(every, .9), 1),
                       "p99": round(pct(every, .99), 1), "max": round(max(every), 1)},
        "by_endpoint_ms": {k: {"n": len(v), "p50": round(pct(v, .5), 1), "p99": round(pct(v, .99), 1),
                               "max": round(max(v), 1)} for k, v in sorted(lat.items())},
    }


def wrk_runs(base: str, event_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in (("events", "/api/events?limit=50"), ("event", f"/api/events/{event_id}"),
                       ("clusters", "/api/events/clusters?zoom=7&bbox=35.5,32.3,42.4,37.3"),
                       ("health", "/api/health")):
        run = subprocess.run(["wrk", "-t1", "-c8", "-d10s", "--latency", base + path], capture_output=True,
                             text=True, timeout=60)
        lines = run.stdout.splitlines()
        rps = next((ln.split()[1] for ln in lines if ln.startswith("Requests/sec")), "?")
        p99 = next((ln.split()[1] for ln in lines if ln.strip().startswith("99%")), "?")
        out[name] = {"requests_per_s": rps, "p99": p99}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup-seconds", type=float, default=10.0,
                    help="uncounted load at the same rate first (default 10)")
    ap.add_argument("--wrk", action="store_true", help="also measure closed-loop throughput with Debian wrk")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    OUT.mkdir(exist_ok=True)
    db = OUT / f"api-{args.events}.db"
    report: dict[str, Any] = {"events": args.events, "rate_target": args.rate, "cores": os.cpu_count()}
    if args.rebuild or not db.exists():
        tmp = db.with_suffix(".building")
        for p in tmp.parent.glob(tmp.name + "*"):
            p.unlink()
        report["build_seconds"] = round(build_store(tmp, args.events), 1)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        shutil.move(tmp, db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MARSAD_CONTROL_DIR": str(OUT / "control"), "MARSAD_API_TOKEN": ""}
    cmd = [sys.executable, "-c", "from marsad.cli.main import run; run()", "serve", "--db", str(db), "--port",
           str(port), "--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.3)
        t = time.perf_counter()
        with httpx.Client(base_url=base, timeout=300) as c:
            report["store_counts"] = c.get("/api/health").json()["counts"]
            ids = [e["id"] for e in c.get("/api/events?limit=500").json()["items"]]
            ids += [e["id"] for e in c.get("/api/events?limit=500&offset=50000").json()["items"]]
            c.get("/api/events/clusters?zoom=6")  # builds the point index once per store revision
            c.get("/api/meta")
            for y in range(2012, 2025):
                c.get(f"/api/control/shares?date={y}-06-01")
        if args.warmup_seconds > 0:  # the same mix at the same rate, not counted: fills the per-revision caches
            asyncio.run(open_loop(base, args.rate, args.warmup_seconds, ids, seed=99))
        report["warmup_seconds"] = round(time.perf_counter() - t, 1)
        report["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        report["load"] = asyncio.run(open_loop(base, args.rate, args.seconds, ids))
        if args.wrk and shutil.which("wrk"):
            report["wrk_closed_loop"] = wrk_runs(base, ids[0])
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    load = report["load"]
    ok = load["overall_ms"]["p99"] <= 200 and load["achieved_rps"] >= 0.95 * args.rate and not load["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
