"""Throughput, peak memory and scaling of extraction (and extraction + store) on each engine.

::

    python bench/bench_extract.py                      # 2,000 generated articles, every configuration
    python bench/bench_extract.py -n 20000 --configs serial,jobs2,dask2
    python bench/bench_extract.py --corpus ../shared/eval/dev --configs serial,dask2   # identical outputs?
    python bench/bench_extract.py -n 5000 --configs serial                             # one core's peak RSS

Each configuration runs in its own process (``python bench/bench_extract.py _run ...``), so its memory is
its own; the parent samples the resident memory of that process *tree* (client, Dask nannies, workers,
pool processes) every 50 ms with psutil and reports the peak of the sum and of the largest process. The
child reports the start-up time (building the pipeline, starting pools or a cluster) apart from the run,
and throughput is articles over *run* seconds (from the first read to the last write).

Configurations: ``serial`` (one core, this process), ``jobs2`` (2 local processes), ``dask2`` (a local
Dask cluster of 2 worker processes, 1 thread each), ``ingest-serial``/``ingest-jobs2``/``ingest-dask2``
(extraction + store into a fresh SQLite file: the client is the single writer), ``ingest-dask2-pg``
(PostgreSQL, written from the workers; needs ``--pg postgresql://...``). After the runs, every
configuration's output is compared with the first one's (as sorted JSON lines, or as the stored facts).

Results go to ``--json`` (default ``/tmp/marsad-bench/results.json``) and a Markdown table is printed.
Generated corpora are cached under ``/tmp/marsad-bench``. Nothing here is a test: speed belongs here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

WORK = Path(os.environ.get("MARSAD_BENCH_DIR", "/tmp/marsad-bench"))
CONFIGS: dict[str, dict[str, Any]] = {
    "serial": {"engine": "local", "jobs": 1},
    "jobs2": {"engine": "local", "jobs": 2},
    "dask2": {"engine": "dask", "workers": 2},
    "ingest-serial": {"engine": "local", "jobs": 1, "store": "sqlite"},
    "ingest-jobs2": {"engine": "local", "jobs": 2, "store": "sqlite"},
    "ingest-dask2": {"engine": "dask", "workers": 2, "store": "sqlite"},
    "ingest-dask2-pg": {"engine": "dask", "workers": 2, "store": "pg"},
    "ingest-jobs2-pg": {"engine": "local", "jobs": 2, "store": "pg"},
}


# ---- the measured child ---------------------------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    from marsad.pipeline.engines import EngineOptions, JsonLines, open_engine
    from marsad.pipeline.ingest_engine import ingest_sources
    from marsad.settings import Settings

    cfg = CONFIGS[args.config]
    opts = EngineOptions(engine=cfg["engine"], jobs=cfg.get("jobs", 1), workers=cfg.get("workers", 2),
                         batch_size=args.batch_size or None)
    t0 = time.perf_counter()
    engine = open_engine(opts, settings=Settings())
    if engine.name == "serial":
        _ = engine.pipeline  # build it now: start-up, not run time
    elif engine.name == "process":
        engine.start()  # every process up, with its pipeline built
    startup = time.perf_counter() - t0
    out: dict[str, Any] = {"config": args.config, "startup_s": round(startup, 3)}
    cpu0 = tree_cpu()
    try:
        t1 = time.perf_counter()
        if "store" not in cfg:
            n = rejected = 0
            with open(args.output, "wb") as fh:
                for emitted in engine.run_sources([args.corpus], task=JsonLines()):
                    fh.write(emitted.data)
                    fh.write(b"\n")
                    n += 1
                    rejected += emitted.rejection is not None
            out.update(items=n, rejected=rejected)
        else:
            from marsad.store import open_store

            with open_store(args.store_url) as store:
                summary = ingest_sources([args.corpus], store, engine)
            out.update(items=summary.seen, stored=summary.stored, rejected=summary.failed,
                       duplicates=summary.duplicates, events=summary.events)
        run_s = time.perf_counter() - t1
        cpu1 = tree_cpu()
    finally:
        engine.close()
    me = os.getpid()
    delta = {pid: cpu1[pid] - cpu0.get(pid, 0.0) for pid in cpu1}
    others = [v for pid, v in delta.items() if pid != me]
    out.update(run_cpu_client_s=round(delta.get(me, 0.0), 2), run_cpu_workers_s=round(sum(others), 2),
               run_cpu_max_process_s=round(max([delta.get(me, 0.0), *others]), 2))
    import resource

    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    out.update(run_s=round(run_s, 3), articles_per_s=round(out["items"] / run_s, 1),
               client_cpu_s=round(self_usage.ru_utime + self_usage.ru_stime, 2),
               client_maxrss_mb=round(self_usage.ru_maxrss / 1024, 1))  # Linux: kilobytes
    print(json.dumps(out))
    return 0


def tree_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of this process and every descendant, by pid."""
    import psutil

    me = psutil.Process()
    out: dict[int, float] = {}
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        out[p.pid] = t.user + t.system
    return out


# ---- the parent: one child per configuration, memory sampled over the process tree ------------------------


class TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak_total = 0
        self.peak_single = 0
        self.cpu: dict[int, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak_total = max(self.peak_total, total)
            self._halt.wait(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def system_busy() -> float:
    """CPU seconds spent by every process on the machine so far (all cores, idle and iowait excluded)."""
    import psutil

    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


def wait_quiet(max_wait: float, *, threshold: float = 0.15, window: float = 10.0) -> None:
    """Wait (at most ``max_wait`` s) until other processes use under ``threshold`` of a core for ``window`` s."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        b0 = system_busy()
        time.sleep(window)
        if (system_busy() - b0) / window < threshold:
            return
    print(f"bench: the machine did not go quiet within {max_wait:.0f} s; running anyway", file=sys.stderr)


def corpus_for(n: int, seed: int) -> Path:
    from gen_corpus import VERSION, generate

    path = WORK / f"corpus-{n}-s{seed}-v{VERSION}.jsonl"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("w", encoding="utf-8") as fh:
            for obj in generate(n, seed=seed):
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path


def _pg_schema_url(base: str) -> tuple[str, str]:
    schema = f"marsad_bench_{uuid.uuid4().hex[:10]}"
    return f"{base}{'&' if '?' in base else '?'}schema={schema}", schema


def _drop_pg_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def stored_digest(url: str) -> tuple[int, str]:
    """An order-free digest of every stored document's facts (row ids and timestamps left out) and failures."""
    from marsad.store import DocumentFilter, open_store

    per_doc: list[bytes] = []
    with open_store(url) as store:
        offset = 0
        while page := store.documents(DocumentFilter(limit=500, offset=offset)):
            offset += len(page)
            for sd in page:
                res = store.result(sd.document.id)
                d = res.to_dict() if res else {}
                facts = {k: d.get(k) for k in ("events", "control", "sieges", "quantities", "actors", "places")}
                per_doc.append(hashlib.sha1(json.dumps([sd.document.id, facts], sort_keys=True,
                                                       ensure_ascii=False).encode()).digest())
        fails = sorted((f.doc_id or "", f.code) for f in store.failures())
    h = hashlib.sha256(b"".join(sorted(per_doc)))
    h.update(json.dumps(fails).encode())
    return len(per_doc), h.hexdigest()[:16]


def output_digest(path: Path) -> str:
    """Order-free digest of a JSONL output, streamed (a child process started later inherits the parent's peak
    RSS in its ``ru_maxrss``, so the parent must stay small)."""
    with path.open("rb") as fh:
        line_hashes = sorted(hashlib.sha1(line.rstrip(b"\n")).digest() for line in fh)
    return hashlib.sha256(b"".join(line_hashes)).hexdigest()[:16]


def run_config(name: str, corpus: Path, args: argparse.Namespace) -> dict[str, Any]:
    cfg = CONFIGS[name]
    output = WORK / f"out-{name}.jsonl"
    cmd = [sys.executable, str(Path(__file__).resolve()), "_run", "--config", name, "--corpus", str(corpus),
           "--output", str(output), "--batch-size", str(args.batch_size or 0)]
    schema = None
    store_url = None
    if cfg.get("store") == "sqlite":
        db = WORK / f"store-{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        store_url = str(db)
    elif cfg.get("store") == "pg":
        if not args.pg:
            return {"config": name, "skipped": "needs --pg postgresql://..."}
        store_url, schema = _pg_schema_url(args.pg)
    if store_url:
        cmd += ["--store-url", store_url]
    if args.wait_quiet:
        wait_quiet(args.wait_quiet)
    load_before = os.getloadavg()[0]
    busy0 = system_busy()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.stop()
    busy = system_busy() - busy0
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed with exit status {proc.returncode}")
    res: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    res.update(peak_rss_mb=round(sampler.peak_total / 2**20, 1),
               peak_rss_largest_process_mb=round(sampler.peak_single / 2**20, 1),
               cpu_s=round(sum(sampler.cpu.values()), 1), load_before=round(load_before, 2),
               others_cpu_s=round(max(0.0, busy - sum(sampler.cpu.values())), 1),
               load_after=round(os.getloadavg()[0], 2))
    if store_url:
        res["stored_documents"], res["digest"] = stored_digest(store_url)
        if schema:
            _drop_pg_schema(args.pg, schema)
    else:
        res["digest"] = output_digest(output)
    return res


def projected(r: dict[str, Any], cores: int) -> float:
    """Articles/s this run would reach on ``cores`` idle cores: its run CPU spread over the cores, but no faster
    than its busiest process (the client, or one worker)."""
    total = r["run_cpu_client_s"] + r["run_cpu_workers_s"]
    wall = max(total / cores, r["run_cpu_max_process_s"])
    return r["items"] / wall if wall else 0.0


def markdown(results: list[dict[str, Any]], *, corpus: str, n_chars: int, cores: int) -> str:
    ref = {False: next((r for r in results if r.get("config") == "serial"), None),
           True: next((r for r in results if r.get("config") == "ingest-serial"), None)}
    rows = ["| configuration | articles | start-up s | run s | articles/s | speed-up | CPU ms/article | client CPU | "
            f"projected articles/s ({cores} idle cores) | projected speed-up | peak RSS, tree MB | "
            "largest process MB | same output |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        if "skipped" in r:
            rows.append(f"| {r['config']} | skipped: {r['skipped']} | | | | | | | | | | | |")
            continue
        base = ref["ingest" in r["config"]]
        total = r["run_cpu_client_s"] + r["run_cpu_workers_s"]
        speed = f"{r['articles_per_s'] / base['articles_per_s']:.2f}×" if base else "–"
        proj = projected(r, cores)
        pspeed = f"{proj / projected(base, 1):.2f}×" if base else "–"
        rows.append(f"| {r['config']} | {r['items']:,} | {r['startup_s']:.1f} | {r['run_s']:.1f} | "
                    f"{r['articles_per_s']:,.0f} | {speed} | {total / r['items'] * 1000:.2f} | "
                    f"{r['run_cpu_client_s'] / max(total, 1e-9):.0%} | {proj:,.0f} | {pspeed} | "
                    f"{r['peak_rss_mb']:,.0f} | {r['peak_rss_largest_process_mb']:,.0f} | {r.get('same_output', '–')} "
                    "|")
    others = ", ".join(f"{r['config']} {r['others_cpu_s'] / max(r['run_s'] + r['startup_s'], 1e-9):.2f}"
                       for r in results if "others_cpu_s" in r)
    return (f"corpus: {corpus} (mean {n_chars:,} characters); cores used by other processes during each run: "
            f"{others}\n\n" + "\n".join(rows))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_run"]:
        ap = argparse.ArgumentParser()
        ap.add_argument("--config", required=True, choices=sorted(CONFIGS))
        ap.add_argument("--corpus", required=True)
        ap.add_argument("--output", required=True)
        ap.add_argument("--store-url")
        ap.add_argument("--batch-size", type=int, default=0)
        return run_child(ap.parse_args(argv[1:]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000, help="generated articles (default 2000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", help="a JSONL file or folder instead of a generated corpus")
    ap.add_argument("--configs", default="serial,jobs2,dask2,ingest-serial,ingest-dask2",
                    help=f"comma-separated, from: {', '.join(CONFIGS)}")
    ap.add_argument("--batch-size", type=int, default=0, help="0: the engine's default")
    ap.add_argument("--pg", help="PostgreSQL URL for the -pg configurations (a fresh schema per run, dropped after)")
    ap.add_argument("--json", default=str(WORK / "results.json"))
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="before each configuration, wait up to SECONDS for other processes to go quiet")
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 2, help="cores for the CPU-time projection")
    args = ap.parse_args(argv)
    names = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in names if c not in CONFIGS]
    if unknown:
        ap.error(f"unknown configurations: {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus) if args.corpus else corpus_for(args.n, args.seed)
    from marsad.ingest import Rejection, read_sources

    n_docs = n_total = 0
    for d in read_sources([corpus]):
        if not isinstance(d, Rejection):
            n_docs += 1
            n_total += len(d.text)
    n_chars = round(n_total / max(n_docs, 1))
    results: list[dict[str, Any]] = []
    for name in names:
        res = run_config(name, corpus, args)
        results.append(res)
        print(json.dumps(res), file=sys.stderr, flush=True)
    firsts: dict[bool, str] = {}
    for r in results:
        if "digest" in r:
            key = "ingest" in r["config"]
            firsts.setdefault(key, r["digest"])
            r["same_output"] = "yes" if r["digest"] == firsts[key] else "NO"
    Path(args.json).write_text(json.dumps({"corpus": str(corpus), "mean_chars": n_chars, "cpus": os.cpu_count(),
                                           "results": results}, indent=2), encoding="utf-8")
    print(markdown(results, corpus=str(corpus), n_chars=n_chars, cores=args.cores))
    return 0 if all(r.get("same_output", "yes") == "yes" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
