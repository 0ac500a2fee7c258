"""Planner statistics: ``ANALYZE`` the store's tables when they have grown enough since they were last analysed.

Neither store gathers statistics by itself here: SQLite never does, and a PostgreSQL server with autovacuum
off (or a store written faster than autovacuum wakes) has none. Without them the planners guess row counts
and selectivities, and a join can be planned as a loop over every document per row (see ``bench/README.md``).
So the ingest paths call ``refresh_statistics`` at the end of a run (and every ``CHECK_EVERY`` documents
during one), on the process that drives the run, never inside a document's transaction and never on the
workers that write to PostgreSQL.

A table is analysed when the rows changed since its last analysis reach ``StatisticsPolicy.min_rows`` and
either ``max_rows`` or ``growth`` times the rows it had then. What "changed" means is each database's own
bookkeeping, read from its catalog (a few milliseconds; nothing is counted):

* PostgreSQL: ``pg_stat_user_tables.n_mod_since_analyze`` (inserted, updated and deleted rows) against
  ``pg_class.reltuples`` (rows at the last analysis; ``-1``: never analysed, so any table with data is due).
  An analysis by autovacuum or by hand counts too. A backend reports its counts at most once a second, so the
  last second of writes by another connection may be seen at the next check.
* SQLite: ``MAX(rowid)`` (rows inserted since; ids are never reused) against the same figure recorded in
  ``sqlite_stat1`` (a row with ``idx`` NULL, the table's size to the planner) when the table was last analysed
  here; else the largest row count of its indexes there. ``ANALYZE`` runs with ``PRAGMA analysis_limit``
  (statistics from a bounded sample of each index), so its cost does not grow with the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from marsad.store.backend import Connection
from marsad.store.records import StatisticsRefresh

CHECK_EVERY = 5_000  # documents between checks during one ingest run
SQLITE_ANALYSIS_LIMIT = 1_000  # rows examined per index by SQLite's ANALYZE


@dataclass(frozen=True, slots=True)
class StatisticsPolicy:
    """When a table is due: ``changed >= min_rows`` and (``changed >= max_rows`` or
    ``changed > growth * rows at the last analysis``)."""

    min_rows: int = 50
    growth: float = 0.2
    max_rows: int = 10_000

    def due(self, *, analysed_rows: float, changed: int) -> bool:
        if changed < self.min_rows:
            return False
        return changed >= self.max_rows or changed > self.growth * max(analysed_rows, 0.0)


@dataclass(frozen=True, slots=True)
class TableChange:
    """One table as the catalog sees it: rows at its last analysis (``None``: never analysed) and rows changed
    since; ``has_rows`` tells an empty table apart from a never-analysed one with data."""

    table: str
    analysed_rows: float | None
    changed: int
    has_rows: bool


def table_changes(conn: Connection) -> list[TableChange]:
    """Every table of the store with its changes since its last analysis (see the module docstring)."""
    if conn.dialect == "postgresql":
        rows = conn.execute(
            "SELECT c.relname, c.reltuples, COALESCE(s.n_mod_since_analyze, 0), pg_relation_size(c.oid) > 0 "
            "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY c.relname")
        return [TableChange(str(name), None if float(tuples) < 0 else float(tuples), int(changed), bool(has_rows))
                for name, tuples, changed, has_rows in rows]
    names = [str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    analysed: dict[str, float] = {}
    exact: dict[str, float] = {}  # the table's own row (idx NULL), written by ``refresh_statistics``
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"):
        for tbl, idx, stat in conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1"):
            first = str(stat or "").split(" ", 1)[0]
            if first.isdigit():
                into = exact if idx is None else analysed
                into[str(tbl)] = max(into.get(str(tbl), 0.0), float(first))
    analysed.update(exact)
    out = []
    for name in names:
        last = int(conn.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{name}"')[0][0])
        then = analysed.get(name)
        out.append(TableChange(name, then, max(last - int(then or 0), 0), last > 0))
    return out


def due_tables(changes: list[TableChange], policy: StatisticsPolicy) -> list[str]:
    """The tables to analyse: those with data that were never analysed (whatever their counts say: a backend's
    counts may not be reported yet, or were reset) and those the policy finds due."""
    return [c.table for c in changes if c.has_rows and (
        c.analysed_rows is None or policy.due(analysed_rows=c.analysed_rows, changed=c.changed))]


def refresh_statistics(conn: Connection, policy: StatisticsPolicy, *, force: bool = False) -> StatisticsRefresh:
    """``ANALYZE`` the tables that are due (all with data if ``force``). Call it outside any transaction."""
    t0 = time.perf_counter()
    changes = table_changes(conn)
    tables = [c.table for c in changes if c.has_rows] if force else due_tables(changes, policy)
    if tables:
        if conn.dialect == "postgresql":
            # autocommit: each table's lock (SHARE UPDATE EXCLUSIVE, which writers do not wait for) is held
            # only while that table is sampled
            for table in tables:
                conn.run(f'ANALYZE "{table}"')
        else:
            conn.run(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            with conn.transaction():
                for table in tables:
                    conn.run(f'ANALYZE "{table}"')
                    # A sampled ANALYZE estimates the rows of each index (17,654 for 32,000 rows, say): record the
                    # table's rows as they are (a row with idx NULL, which the planner reads as the table's size)
                    # so that the next check measures growth, not the estimate's error.
                    conn.run("DELETE FROM sqlite_stat1 WHERE tbl = ? AND idx IS NULL", (table,))
                    conn.run(f"INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT ?, NULL, "
                             f'CAST(COALESCE(MAX(rowid), 0) AS TEXT) FROM "{table}"', (table,))
                conn.run("ANALYZE sqlite_master")  # reload the statistics (nothing is analysed)
    return StatisticsRefresh(backend=conn.dialect, analysed=tuple(tables), checked=len(changes),
                             seconds=round(time.perf_counter() - t0, 4))
