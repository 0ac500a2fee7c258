"""Engines: the process and Dask engines give exactly the serial engine's outputs, failures included."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from marsad.cli.engine_args import engine_options_from_args
from marsad.errors import ConfigError
from marsad.ingest import Rejection, read_sources
from marsad.model import Document
from marsad.pipeline.engines import (
    EngineOptions,
    Extract,
    JsonLines,
    SerialEngine,
    open_engine,
)
from marsad.pipeline.ingest_engine import ExtractForWriter
from marsad.pipeline.runner import Processed
from marsad.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import generate  # noqa: E402

# Long generated articles go over this limit: the pipeline rejects them (M104), like any extraction failure.
SETTINGS = Settings(max_chars=2500)


def _dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


needs_dask = pytest.mark.skipif(not _dask_available(), reason="dask.distributed is not installed "
                                "(pip install 'marsad[dask]'): Dask engine tests skipped")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """60 generated articles, a malformed line, an empty text and a record without text, as JSONL."""
    path = tmp_path_factory.mktemp("engines") / "corpus.jsonl"
    lines = [json.dumps(obj, ensure_ascii=False) for obj in generate(60, seed=3)]
    lines.insert(10, '{"id": "broken", "text": "قصفت قوات النظام')  # malformed JSON → M105
    lines.insert(20, json.dumps({"id": "blank", "text": "  \n "}))  # empty → M103
    lines.insert(30, json.dumps({"id": "no-text", "title": "عنوان فقط"}))  # no text → M106
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(corpus) -> Path:
    """The first 25 lines of ``corpus``: 23 documents, the malformed line and the blank text."""
    path = corpus.with_name("small.jsonl")
    path.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:25]), encoding="utf-8")
    return path


def items(path: Path) -> list:
    return list(read_sources([path]))


@pytest.fixture(scope="module")
def serial_lines(corpus) -> list[str]:
    with open_engine(settings=SETTINGS) as engine:
        assert isinstance(engine, SerialEngine)
        return [e.line for e in engine.run(items(corpus), task=JsonLines())]


def codes(lines: list[str]) -> Counter[str]:
    return Counter(obj["error"]["code"] for obj in map(json.loads, lines) if "error" in obj)


def test_the_corpus_has_successes_and_every_kind_of_failure(serial_lines):
    assert len(serial_lines) == 63  # one output per input item
    by_code = codes(serial_lines)
    assert by_code["M105"] == 1 and by_code["M103"] == 1 and by_code["M106"] == 1
    assert by_code["M104"] >= 3, "some generated articles must exceed max_chars and be rejected by the pipeline"
    processed = [json.loads(x) for x in serial_lines if "error" not in json.loads(x)]
    assert len(processed) >= 40
    assert sum(len(p["events"]) for p in processed) > 20, "the corpus must exercise the event extractor"


def test_serial_engine_is_the_runner(corpus, serial_lines):
    from marsad.pipeline.engines import pipeline_for
    from marsad.pipeline.runner import run_items

    direct = [JsonLines().emit(o).line for o in run_items(pipeline_for(SETTINGS), items(corpus))]
    assert direct == serial_lines


@pytest.fixture(scope="module")
def pool_engine():
    """Two local processes, shared by the tests below (each start builds two pipelines)."""
    with open_engine(EngineOptions(jobs=2, batch_size=7), settings=SETTINGS) as engine:
        yield engine


def test_two_processes_give_the_serial_output(corpus, serial_lines, pool_engine):
    assert pool_engine.name == "process" and pool_engine.parallelism == 2
    assert [e.line for e in pool_engine.run(items(corpus), task=JsonLines())] == serial_lines


def test_two_processes_unordered_give_the_same_outputs(corpus, serial_lines):
    with open_engine(EngineOptions(jobs=2, batch_size=5, ordered=False), settings=SETTINGS) as engine:
        lines = [e.line for e in engine.run(items(corpus), task=JsonLines())]
    assert sorted(lines) == sorted(serial_lines)


def test_rejections_are_the_same_records_on_every_engine(corpus, pool_engine):
    with open_engine(settings=SETTINGS) as engine:
        serial = [o for o in engine.run(items(corpus)) if isinstance(o, Rejection)]
    pooled = [o for o in pool_engine.run(items(corpus), task=Extract()) if isinstance(o, Rejection)]
    assert pooled == serial
    assert {r.code for r in serial} == {"M103", "M104", "M105", "M106"}
    too_large = [r for r in serial if r.code == "M104"]
    assert all(r.doc_id and r.doc_id.startswith("gen-3-") and "max_chars" in r.reason for r in too_large)


@dataclass(frozen=True)
class DieOn:
    """A task that kills its worker process on one document (to test lost batches)."""

    doc_id: str

    def __call__(self, pipeline, item):
        if isinstance(item, Document) and item.id == self.doc_id:
            os._exit(13)
        return Extract()(pipeline, item)

    def lost(self, item, rejection):
        return rejection


def test_a_dead_process_loses_only_its_batch(corpus):
    docs = [i for i in items(corpus) if isinstance(i, Document)][:30]
    victim = docs[7].id
    with open_engine(EngineOptions(jobs=2, batch_size=5, in_flight=4), settings=SETTINGS) as engine:
        out = list(engine.run(docs, task=DieOn(victim)))
    assert len(out) == 30
    lost = [o for o in out if isinstance(o, Rejection) and o.code == "M000"]
    # the batches in flight with it ran again one by one: only the victim's batch is lost
    assert [o.doc_id for o in lost] == [d.id for d in docs[5:10]]
    assert "worker failed" in lost[0].reason
    assert all(isinstance(o, Processed) or o.code == "M104" for o in out[:5] + out[10:])


def a_folder(corpus: Path, tmp_path: Path) -> Path:
    """The corpus, a copy of it split in two files, a text report and a JSON article: slices and whole files."""
    root = tmp_path / "folder"
    (root / "sub").mkdir(parents=True)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    (root / "a.jsonl").write_text("".join(lines[:17]), encoding="utf-8")
    (root / "sub" / "b.jsonl").write_text("".join(lines[17:]), encoding="utf-8")
    (root / "c.txt").write_text("قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم.", encoding="utf-8")
    (root / "d.json").write_text(json.dumps({"id": "d", "text": "سيطرت الفصائل على قرية في ريف حماة."},
                                            ensure_ascii=False), encoding="utf-8")
    return root


def test_run_sources_gives_the_serial_output_with_the_workers_reading(corpus, tmp_path, pool_engine):
    folder = a_folder(corpus, tmp_path)
    sources = [corpus, folder, tmp_path / "missing.jsonl"]
    with open_engine(settings=SETTINGS) as engine:
        serial = [e.line for e in engine.run(read_sources(sources), task=JsonLines())]
        assert not engine.reads_on_workers
    assert pool_engine.reads_on_workers
    assert [e.line for e in pool_engine.run_sources(sources, task=JsonLines())] == serial
    assert len(serial) == 2 * 63 + 3
    with open_engine(EngineOptions(jobs=2, read="client"), settings=SETTINGS) as engine:
        assert not engine.reads_on_workers
        assert [e.line for e in engine.run_sources(sources, task=JsonLines())] == serial


def test_a_dead_process_loses_only_its_slices(corpus):
    docs = [i for i in items(corpus) if isinstance(i, Document)]
    with open_engine(EngineOptions(jobs=2, batch_size=5, in_flight=4), settings=SETTINGS) as engine:
        out = list(engine.run_sources([corpus], task=DieOn(docs[12].id)))
    assert len(out) == 63
    lost = [o for o in out if isinstance(o, Rejection) and o.code == "M000"]
    # batches of 5 lines: the victim is on line 14, so lines 11-15 are lost, read again here to report them
    # (line 11 is the malformed one: it keeps its own rejection)
    batch = items(corpus)[10:15]
    assert [o.doc_id for o in lost] == [i.id for i in batch if isinstance(i, Document)]
    assert len(lost) == 4
    assert docs[12].id in {o.doc_id for o in lost}


def test_batches_grow_to_the_engine_batch_size():
    sizes = [len(b) for b in EngineOptions(engine="dask").batches(range(1000), "dask")]
    assert sizes == [8, 16, 32, 64, 128, 256, 256, 240]
    assert [len(b) for b in EngineOptions(jobs=2).batches(range(200), "process")] == [8, 16, 32, 64, 64, 16]
    assert [len(b) for b in EngineOptions(batch_size=5).batches(range(12), "process")] == [5, 5, 2]
    assert list(EngineOptions().batches([], "dask")) == []


def test_options_are_checked():
    with pytest.raises(ConfigError):
        EngineOptions(jobs=0)
    with pytest.raises(ConfigError):
        EngineOptions(engine="spark")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        EngineOptions(engine="dask", scheduler="localhost:8786")
    import argparse

    with pytest.raises(ConfigError):
        engine_options_from_args(argparse.Namespace(engine="local", scheduler="tcp://h:8786", jobs=1, workers=2))
    opts = engine_options_from_args(argparse.Namespace(engine="dask", scheduler=None, jobs=1, workers=3,
                                                       batch_size=16, unordered=True))
    assert (opts.engine, opts.workers, opts.batch_size, opts.ordered) == ("dask", 3, 16, False)
    assert opts.read == "auto"
    assert engine_options_from_args(argparse.Namespace(engine="dask", read="client")).read == "client"
    with pytest.raises(ConfigError):
        EngineOptions(read="scheduler")  # type: ignore[arg-type]


# ---- Dask -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_engine():
    if not _dask_available():
        pytest.skip("dask.distributed is not installed (pip install 'marsad[dask]'): Dask engine tests skipped")
    with open_engine(EngineOptions(engine="dask", workers=2, batch_size=6), settings=SETTINGS) as engine:
        yield engine


@needs_dask
def test_dask_two_workers_give_the_serial_output(corpus, serial_lines, dask_engine):
    assert dask_engine.name == "dask" and dask_engine.parallelism == 2
    lines = [e.line for e in dask_engine.run(items(corpus), task=JsonLines())]
    assert lines == serial_lines


@needs_dask
def test_dask_unordered_gives_the_same_outputs_and_rejections(corpus, serial_lines, dask_engine):
    from marsad.pipeline.dask_engine import DaskEngine

    engine = DaskEngine(SETTINGS, options=EngineOptions(engine="dask", ordered=False, batch_size=4,
                                                        scheduler=dask_engine.client.scheduler.address))
    try:
        lines = [e.line for e in engine.run(items(corpus), task=JsonLines())]
    finally:
        engine.close()
    assert sorted(lines) == sorted(serial_lines)
    assert codes(lines) == codes(serial_lines)


@needs_dask
def test_dask_workers_read_their_own_slices(corpus, tmp_path, dask_engine, monkeypatch):
    """On the local cluster the workers read the files: nothing is scattered, the output is the serial one."""
    sources = [corpus, a_folder(corpus, tmp_path)]
    with open_engine(settings=SETTINGS) as engine:
        serial = [e.line for e in engine.run(read_sources(sources), task=JsonLines())]
    scattered: list[object] = []
    real_scatter = dask_engine.client.scatter
    monkeypatch.setattr(dask_engine.client, "scatter", lambda data, **kw: scattered.append(data) or
                        real_scatter(data, **kw))
    assert dask_engine.reads_on_workers
    assert [e.line for e in dask_engine.run_sources(sources, task=JsonLines())] == serial
    assert scattered == []
    assert [e.line for e in dask_engine.run(read_sources(sources), task=JsonLines())] == serial
    assert len(scattered) >= 2  # items read here travel as scattered data


@needs_dask
def test_a_shared_cluster_reads_on_the_client_unless_told_the_workers_see_the_files(corpus, serial_lines,
                                                                                    dask_engine):
    from marsad.pipeline.dask_engine import DaskEngine

    address = dask_engine.client.scheduler.address
    for read, on_workers in [("auto", False), ("client", False), ("workers", True)]:
        engine = DaskEngine(SETTINGS, options=EngineOptions(engine="dask", scheduler=address, read=read,
                                                            batch_size=9))
        try:
            assert engine.reads_on_workers is on_workers
            assert [e.line for e in engine.run_sources([corpus], task=JsonLines())] == serial_lines
        finally:
            engine.close()


@dataclass(frozen=True)
class WhereAmI:
    """A task reporting which process ran it and which pipeline object it was given."""

    def __call__(self, pipeline, item):
        return (os.getpid(), id(pipeline))

    def lost(self, item, rejection):
        return rejection


def has_plugin(name: str, dask_worker=None) -> bool:
    return name in dask_worker.plugins


@needs_dask
def test_dask_ships_the_pipeline_once_per_worker(dask_engine):
    """Every worker holds the pipeline (in the plugin) and every batch on a worker uses that one object."""
    has = dask_engine.client.run(has_plugin, dask_engine.plugin_name)
    assert list(has.values()) == [True, True]
    docs = [Document(id=f"d{i}", text="قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي") for i in range(60)]
    seen: dict[int, set[int]] = {}
    for pid, pipe_id in dask_engine.run(docs, task=WhereAmI()):
        seen.setdefault(pid, set()).add(pipe_id)
    assert len(seen) == 2 and all(len(ids) == 1 for ids in seen.values())
    import pickle

    assert len(pickle.dumps((docs[:6], JsonLines()))) < 5_000  # what a batch carries; the pipeline is ~0.5 MB


# ---- CLI and ingest -------------------------------------------------------------------------------------------


def run_cli(args: list[str]) -> int:
    from marsad.cli.main import main

    return main(args)


@pytest.mark.parametrize("engine_args", [["--jobs", "2"], ["--jobs", "2", "--read", "client"],
                                         pytest.param(["--engine", "dask", "--workers", "2"], marks=needs_dask),
                                         pytest.param(["--engine", "dask", "--workers", "2", "--read", "client"],
                                                      marks=needs_dask)])
def test_cli_extract_engines_write_the_serial_file(small, tmp_path, engine_args):
    serial, other = tmp_path / "serial.jsonl", tmp_path / "other.jsonl"
    assert run_cli(["extract", str(small), "-o", str(serial)]) == 1  # the malformed and blank lines
    assert run_cli(["extract", str(small), "-o", str(other), "--batch-size", "4", *engine_args]) == 1
    assert other.read_text(encoding="utf-8") == serial.read_text(encoding="utf-8")
    assert len(serial.read_text(encoding="utf-8").splitlines()) == 25


def stored(store) -> dict[str, dict]:
    """Every stored document's facts, by document id (row ids and timestamps left out)."""
    from marsad.store import DocumentFilter

    out = {}
    for sd in store.documents(DocumentFilter(limit=None)):
        res = store.result(sd.document.id)
        assert res is not None
        d = res.to_dict()
        out[sd.document.id] = {k: d[k] for k in ("events", "control", "sieges", "quantities", "actors", "places")}
    return out


def ingest_with(store_url: str, corpus: Path, engine, *, via: str = "items"):
    from marsad.pipeline.ingest_engine import ingest_items, ingest_sources
    from marsad.store import open_store

    with open_store(store_url) as store:
        if via == "items":
            summary = ingest_items(items(corpus), store, engine)
        else:  # the workers read the file themselves where they can (PostgreSQL)
            summary = ingest_sources([corpus], store, engine)
        return summary, stored(store), sorted((f.doc_id, f.code) for f in store.failures())


@pytest.fixture(scope="module")
def serial_ingest(small, tmp_path_factory):
    with open_engine(settings=SETTINGS) as engine:
        return ingest_with(str(tmp_path_factory.mktemp("serial-ingest") / "serial.db"), small, engine)


ENGINES = ["pool_engine", pytest.param("dask_engine", marks=needs_dask)]


@pytest.mark.parametrize("engine_name", ENGINES)
def test_ingest_sqlite_single_writer_matches_serial(small, tmp_path, serial_ingest, engine_name, request):
    from test_store_support import analysed_tables

    engine = request.getfixturevalue(engine_name)
    s1, docs1, fails1 = serial_ingest
    s2, docs2, fails2 = ingest_with(str(tmp_path / "other.db"), small, engine)
    assert {"documents", "events", "failures"} <= analysed_tables(str(tmp_path / "other.db"))
    assert (s2.seen, s2.stored, s2.duplicates, s2.failed, s2.events) == (s1.seen, s1.stored, s1.duplicates,
                                                                           s1.failed, s1.events)
    assert s1.stored >= 15 and s1.failed >= 3  # M105, M103 and M104 (over max_chars)
    assert {code for _, code in fails1} == {"M103", "M104", "M105"}
    assert docs2 == docs1 and fails2 == fails1
    again = ingest_with(str(tmp_path / "other.db"), small, engine)[0]
    assert (again.stored, again.duplicates) == (0, s1.stored)  # re-running stores nothing new


def test_the_single_writer_only_writes_what_the_workers_prepared(small, tmp_path, serial_ingest, pool_engine,
                                                                  monkeypatch):
    """The workers compute the rows to store (``prepare``); the SQLite writer does not compute them again."""
    import marsad.store

    calls: list[str] = []
    real = marsad.store.prepare
    monkeypatch.setattr(marsad.store, "prepare", lambda result: calls.append(result.document.id) or real(result))
    summary, docs, fails = ingest_with(str(tmp_path / "prepared.db"), small, pool_engine)
    assert summary.stored == serial_ingest[0].stored >= 15
    assert calls == []  # every stored result came with its rows
    assert docs == serial_ingest[1] and fails == serial_ingest[2]


@pytest.mark.pg
@pytest.mark.parametrize("via", ["items", "sources"])
@pytest.mark.parametrize("engine_name", ENGINES)
def test_ingest_postgresql_written_from_workers_matches_serial(small, tmp_path, serial_ingest, engine_name, request,
                                                               via):
    from test_store_support import analysed_tables, store_url

    engine = request.getfixturevalue(engine_name)
    with store_url("postgresql", tmp_path) as url:
        other = ingest_with(url, small, engine, via=via)
        assert {"documents", "events", "failures"} <= analysed_tables(url)  # by the client, at the end
    assert other[1] == serial_ingest[1] and other[2] == serial_ingest[2]
    assert (other[0].stored, other[0].failed, other[0].events) == (serial_ingest[0].stored, serial_ingest[0].failed,
                                                                   serial_ingest[0].events)


def test_extract_for_writer_replays_errors_as_the_serial_ingest_would():
    from marsad.errors import TooLargeError

    def boom(doc):
        raise ZeroDivisionError("division by zero")

    def too_big(doc):
        raise TooLargeError("document 'x' is too large")

    doc = Document(id="x", text="نص")
    ex = ExtractForWriter()(boom, doc)
    with pytest.raises(Exception, match="division by zero") as info:
        ex.replay(doc)
    assert type(info.value).__name__ == "ZeroDivisionError"
    ex = ExtractForWriter()(too_big, doc)
    with pytest.raises(Exception) as info2:
        ex.replay(doc)
    assert getattr(info2.value, "code", None) == "M104" and "too large" in str(info2.value)


def test_cli_ingest_with_jobs_stores_what_the_serial_ingest_stores(small, tmp_path):
    from marsad.store import open_store

    serial_db, jobs_db = tmp_path / "serial.db", tmp_path / "jobs.db"
    assert run_cli(["ingest", str(small), "--db", str(serial_db), "--json"]) == 1  # the malformed and blank lines
    assert run_cli(["ingest", str(small), "--db", str(jobs_db), "--json", "--jobs", "2", "--batch-size", "4"]) == 1
    with open_store(str(serial_db)) as a, open_store(str(jobs_db)) as b:
        assert stored(b) == stored(a) and len(stored(a)) == 23
        assert sorted((f.doc_id, f.code) for f in b.failures()) == sorted((f.doc_id, f.code) for f in a.failures())


@needs_dask
def test_a_dead_dask_worker_loses_only_its_batch(corpus, dask_engine):
    """Kept last: it kills a worker of the shared cluster (its nanny starts a new one, with the plugin)."""
    docs = [i for i in items(corpus) if isinstance(i, Document)][:30]
    out = list(dask_engine.run(docs, task=DieOn(docs[12].id)))
    assert len(out) == 30
    lost = [o for o in out if isinstance(o, Rejection) and o.code == "M000"]
    assert [o.doc_id for o in lost] == [d.id for d in docs[12:18]]  # batch_size 6: the victim's batch only
    assert all(isinstance(o, Processed) or o.code == "M104" for o in out[:12] + out[18:])


def test_pipe_gives_each_document_what_the_pipeline_gives_it(corpus):
    """Stage by stage over groups (a small budget makes several), with the same results and the same
    errors as one document at a time; a stage failing on one document leaves the others alone."""
    from dataclasses import replace

    from marsad.pipeline.engines import pipeline_for

    pipeline = pipeline_for(SETTINGS)
    docs = [i for i in items(corpus) if isinstance(i, Document)][:30]
    docs.insert(5, Document(id="empty", text=" \n"))
    expected: list = []
    for d in docs:
        try:
            expected.append(pipeline(d))
        except Exception as exc:
            expected.append((type(exc), str(exc)))
    got = pipeline.pipe(docs, budget=5000)
    assert [g if not isinstance(g, Exception) else (type(g), str(g)) for g in got] == expected
    assert sum(isinstance(g, Exception) for g in got) >= 2  # the empty one and the over-long ones

    victim = next(k for k, e in enumerate(expected) if k > 0 and not isinstance(e, tuple))

    class FailsOn:
        name = "fails"

        def __call__(self, analysis):
            if analysis.document.id == docs[victim].id:
                raise RuntimeError("a bug")
            return analysis

    broken = replace(pipeline, stages=(*pipeline.stages, FailsOn()))
    out = broken.pipe(docs)
    assert isinstance(out[victim], RuntimeError)
    assert [o for k, o in enumerate(out) if k != victim and not isinstance(o, Exception)] == \
        [e for k, e in enumerate(expected) if k != victim and not isinstance(e, tuple)]


def test_the_serial_engine_reads_a_batch_ahead_or_one_item_with_batch_size_one(corpus):
    docs = [i for i in items(corpus) if isinstance(i, Document)][:20]
    read: list[str] = []

    def feed():
        for d in docs:
            read.append(d.id)
            yield d

    for size, first_read in ((None, 8), (1, 1)):  # batches grow from 8; or one item at a time
        read.clear()
        with open_engine(EngineOptions(batch_size=size), settings=SETTINGS) as engine:
            out = engine.run(feed(), task=JsonLines())
            first = next(out)
            assert len(read) == first_read
            rest = list(out)
        assert json.loads(first.line)["id"] == docs[0].id and len(rest) == len(docs) - 1


def test_json_lines_travel_packed_in_one_buffer_and_come_back_the_same(corpus):
    from marsad.pipeline.engines import EmittedBatch, Outputs, pack_outputs, pipeline_for, run_batch, unpack_outputs

    task = JsonLines()
    out = run_batch(pipeline_for(SETTINGS), items(corpus), task)
    packed = pack_outputs(task, out)
    assert isinstance(packed, EmittedBatch) and packed.data.count(b"\n") == len(out) == 63
    assert unpack_outputs(task, packed) == out
    assert unpack_outputs(task, pack_outputs(task, [])) == []
    assert {e.rejection.code for e in out if e.rejection} == {"M103", "M104", "M105", "M106"}
    assert [e.warnings for e in unpack_outputs(task, packed)] == [e.warnings for e in out]
    generic = pack_outputs(Extract(), ["a", "b"])  # a task without pack: one object, not a list
    assert isinstance(generic, Outputs) and unpack_outputs(Extract(), generic) == ["a", "b"]


@dataclass(frozen=True)
class GcState:
    """A task reporting whether the cyclic collector is on while it runs (and failing on one document)."""

    fail_on: str = ""

    def __call__(self, pipeline, item):
        import gc

        if isinstance(item, Document) and item.id == self.fail_on:
            raise RuntimeError("boom")
        return gc.isenabled()

    def lost(self, item, rejection):
        return rejection


def test_the_collector_is_paused_for_a_batch_and_back_after_it_even_after_an_error(corpus):
    import gc

    from marsad.pipeline.engines import pipeline_for, run_batch

    docs = [i for i in items(corpus) if isinstance(i, Document)][:5]
    assert gc.isenabled()
    assert run_batch(pipeline_for(SETTINGS), docs, GcState()) == [False] * 5
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        run_batch(pipeline_for(SETTINGS), docs, GcState(fail_on=docs[2].id))
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that turned it off keeps it off
        run_batch(pipeline_for(SETTINGS), docs, GcState())
        assert not gc.isenabled()
    finally:
        gc.enable()
