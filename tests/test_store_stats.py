"""Planner statistics (``marsad.store.stats``): analysed when new or grown, not otherwise; ingest keeps them fresh."""

from __future__ import annotations

import json
import time

import pytest

from marsad.cli.main import main
from marsad.ingest.run import ingest, retry
from marsad.store import StatisticsPolicy, StatisticsRefresh, open_store
from test_ingest import FIX, fake_extract
from test_store_counters import build, family_text
from test_store_support import BACKENDS, analysed_tables, fresh_store, store_url

WRITTEN = {"documents", "document_bands", "events", "canonical_events", "canonical_sources", "mentions"}


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_store(request.param, tmp_path) as s:
        yield s


def add_documents(store, first: int, n: int) -> None:
    for i in range(first, first + n):
        store.add(build(f"d{i}", family_text(i, 1), [(0, "2019-08-13"), (1, "2019-08-14")], url=None))


def refresh_until(store, table: str, policy: StatisticsPolicy, *, seconds: float = 5.0) -> StatisticsRefresh:
    """PostgreSQL reports a connection's row counts at most once a second: check until they arrive."""
    deadline = time.monotonic() + seconds
    while True:
        done = store.refresh_statistics(policy=policy)
        if table in done.analysed or time.monotonic() > deadline:
            return done
        time.sleep(0.2)


def test_policy_thresholds():
    p = StatisticsPolicy(min_rows=50, growth=0.2, max_rows=10_000)
    assert not p.due(analysed_rows=0, changed=49)  # too few rows to matter
    assert p.due(analysed_rows=0, changed=50) and p.due(analysed_rows=1000, changed=201)
    assert not p.due(analysed_rows=1000, changed=200)  # 20% exactly: not yet
    assert p.due(analysed_rows=10_000_000, changed=10_000) and not p.due(analysed_rows=10_000_000, changed=9_999)


def test_new_tables_are_analysed_once_then_only_when_they_grow(store):
    assert "documents" not in store.refresh_statistics().analysed  # empty tables are never analysed
    add_documents(store, 0, 3)
    first = store.refresh_statistics()
    assert WRITTEN <= set(first.analysed) <= analysed_tables(store.url)
    assert (first.backend, first.checked >= len(WRITTEN)) == (store.dialect, True)
    assert store.refresh_statistics().analysed == ()  # nothing changed since
    add_documents(store, 3, 1)  # 33% more documents, but a few rows: under min_rows
    assert store.refresh_statistics().analysed == ()
    grown = refresh_until(store, "documents", StatisticsPolicy(min_rows=1, growth=0.2))
    assert {"documents", "events"} <= set(grown.analysed)
    assert store.refresh_statistics(policy=StatisticsPolicy(min_rows=1, growth=0.2)).analysed == ()
    forced = store.refresh_statistics(force=True)
    assert set(forced.analysed) >= WRITTEN and "failures" not in forced.analysed  # (no failures: empty)


def test_ingest_and_retry_refresh_statistics(store):
    assert not analysed_tables(store.url) & WRITTEN
    summary = ingest([FIX], store, pipeline=fake_extract)
    assert summary.stored > 0
    assert {"documents", "events", "failures"} <= analysed_tables(store.url)
    retry(store, pipeline=fake_extract)  # nothing due: a catalog read, no error
    assert store.refresh_statistics().analysed == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_stats_analyse(backend, tmp_path, capsys):
    with store_url(backend, tmp_path) as url:
        with open_store(url) as s:
            add_documents(s, 0, 2)
        assert main(["stats", "--db", url, "--analyse", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert set(out["statistics"]["analysed"]) >= WRITTEN and out["documents"] == 2
        assert analysed_tables(url) >= WRITTEN
        assert main(["stats", "--db", url, "--analyze"]) == 0
        assert "tables analysed in" in capsys.readouterr().out


def test_a_sampled_analysis_is_not_mistaken_for_growth(tmp_path):
    """SQLite's sampled ANALYZE can misjudge an index's rows by half on a large store (17,654 for 32,000 band
    rows): the table's own rows, recorded beside the estimates, decide whether it grew."""
    from marsad.store.backend import connect

    with fresh_store("sqlite", tmp_path) as store:
        add_documents(store, 0, 4)
        assert "document_bands" in store.refresh_statistics().analysed
        conn = connect(store.url)
        try:
            assert conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'document_bands' AND idx IS NULL") == [
                ("64",)]
            with conn.transaction():
                conn.run("UPDATE sqlite_stat1 SET stat = '10 1 1 1' WHERE tbl = 'document_bands' AND idx IS NOT NULL")
        finally:
            conn.close()
        assert store.refresh_statistics(policy=StatisticsPolicy(min_rows=1)).analysed == ()
