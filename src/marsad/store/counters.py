"""Corroboration counters of canonical events, kept up to date by deltas instead of recounts.

``canonical_events.n_reports`` is the number of reports (event rows) of the event in current documents,
``n_sources`` the number of distinct near-duplicate clusters (``documents.cluster_id``) among those reports and
``first_event_id`` the lowest event id of the event (set once, when the event is created). Recounting the first
two on every write reads every report of the event each time one is added: quadratic in the reports per event.
So each write applies the change it makes:

* a stored document adds its reports: ``n_reports += k`` per canonical event;
* a revision makes the previous revision non-current: its reports are taken away again;
* ``canonical_sources(canonical_id, cluster_id, n)`` counts the current reports of each event per cluster,
  and ``n_sources`` moves by one when a cluster's count goes from 0 to positive or back (rows at 0 are
  deleted, so the table is exactly what a recount gives).

Concurrency (PostgreSQL, several writing processes): every change is ``n = n + delta`` on one row, and the
cluster counts go through one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` whose returned count is read
under the row lock, so the 0 ↔ positive transitions are seen by exactly one writer. Rows are changed in sorted
order (``canonical_sources`` first, then ``canonical_events``), so writers never wait on each other in a cycle.

``check_counters`` compares every counter with a full recount (and ``repair=True`` rebuilds them); the
migration that created ``canonical_sources`` backfilled it the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.store.backend import Connection
from marsad.store.records import CounterCheck

MAX_LISTED = 100  # wrong canonical events listed by id in a CounterCheck
_UPSERT_ROWS = 200  # (canonical_id, cluster_id) pairs per upsert statement


@dataclass(frozen=True, slots=True)
class Contribution:
    """``reports`` reports of canonical event ``canonical_id`` in documents of cluster ``cluster_id``."""

    canonical_id: int
    cluster_id: int | None
    reports: int


def contributions(conn: Connection, document_ids: Sequence[int]) -> list[Contribution]:
    """What the documents ``document_ids`` contribute to the counters (read before they stop being current)."""
    if not document_ids:
        return []
    marks = ", ".join("?" * len(document_ids))
    rows = conn.execute(
        "SELECT e.canonical_id, d.cluster_id, COUNT(*) FROM events e JOIN documents d ON d.id = e.document_id "
        f"WHERE e.document_id IN ({marks}) AND e.canonical_id IS NOT NULL GROUP BY e.canonical_id, d.cluster_id",
        list(document_ids))
    return [Contribution(int(cid), None if cl is None else int(cl), int(n)) for cid, cl, n in rows]


def document_contributions(canonical_ids: Iterable[int | None], cluster_id: int) -> list[Contribution]:
    """What a new document of cluster ``cluster_id`` contributes, from the canonical ids of its event rows."""
    counts = Counter(c for c in canonical_ids if c is not None)
    return [Contribution(cid, cluster_id, n) for cid, n in sorted(counts.items())]


def update_counters(conn: Connection, *, added: Iterable[Contribution], removed: Iterable[Contribution]) -> None:
    """Apply the reports ``added`` (a new current document) and ``removed`` (documents no longer current).

    The caller holds the transaction. Every canonical event named in either list gets its ``first_event_id``
    set if it has none (the lowest id of its events; only a newly created event has none).
    """
    reports: Counter[int] = Counter()
    per_cluster: Counter[tuple[int, int]] = Counter()
    for sign, items in ((1, added), (-1, removed)):
        for c in items:
            reports[c.canonical_id] += sign * c.reports
            if c.cluster_id is not None:  # (a NULL cluster counts as no source, as COUNT(DISTINCT) has it)
                per_cluster[(c.canonical_id, c.cluster_id)] += sign * c.reports
    if not reports:
        return
    sources: Counter[int] = Counter()
    emptied: list[tuple[int, int]] = []
    pairs = sorted((k, d) for k, d in per_cluster.items() if d)
    for i in range(0, len(pairs), _UPSERT_ROWS):
        chunk = pairs[i : i + _UPSERT_ROWS]
        delta = dict(chunk)
        rows = conn.execute(
            "INSERT INTO canonical_sources (canonical_id, cluster_id, n) VALUES "
            f"{', '.join('(?, ?, ?)' for _ in chunk)} ON CONFLICT (canonical_id, cluster_id) "
            "DO UPDATE SET n = canonical_sources.n + excluded.n RETURNING canonical_id, cluster_id, n",
            [v for (cid, cl), d in chunk for v in (cid, cl, d)])
        for cid, cl, n in rows:
            key = (int(cid), int(cl))
            new = int(n)
            old = new - delta[key]
            sources[key[0]] += int(new > 0) - int(old > 0)
            if new <= 0:
                emptied.append(key)
    if emptied:
        conn.executemany("DELETE FROM canonical_sources WHERE canonical_id = ? AND cluster_id = ? AND n <= 0",
                         emptied)
    conn.executemany(
        "UPDATE canonical_events SET n_reports = n_reports + ?, n_sources = n_sources + ?, "
        "first_event_id = COALESCE(first_event_id, (SELECT MIN(e.id) FROM events e "
        "WHERE e.canonical_id = canonical_events.id)) WHERE id = ?",
        [(reports[cid], sources[cid], cid) for cid in sorted(reports)])


# What the counters must be, from the events and documents themselves.
_EXPECTED_EVENTS = (
    "SELECT e.canonical_id, SUM(CASE WHEN d.is_current = 1 THEN 1 ELSE 0 END) AS n_reports, "
    "COUNT(DISTINCT CASE WHEN d.is_current = 1 THEN d.cluster_id END) AS n_sources, MIN(e.id) AS first_id "
    "FROM events e JOIN documents d ON d.id = e.document_id WHERE e.canonical_id IS NOT NULL "
    "GROUP BY e.canonical_id")
_EXPECTED_SOURCES = (
    "SELECT e.canonical_id, d.cluster_id, COUNT(*) FROM events e JOIN documents d ON d.id = e.document_id "
    "WHERE e.canonical_id IS NOT NULL AND d.is_current = 1 AND d.cluster_id IS NOT NULL "
    "GROUP BY e.canonical_id, d.cluster_id")


def check_counters(conn: Connection, *, repair: bool = False) -> CounterCheck:
    """Compare every counter with a full recount; with ``repair`` and anything wrong, rebuild them all (in the
    caller's transaction). ``first_event_id`` is checked against the lowest event id of the canonical event."""
    if repair and conn.dialect == "postgresql":
        # Every writer that changes counters writes ``documents`` first and holds that lock to its commit:
        # a SHARE lock waits for those in flight and holds back new ones until the rebuild commits.
        conn.run("LOCK TABLE documents IN SHARE MODE")
    total = int(conn.execute("SELECT COUNT(*) FROM canonical_events")[0][0])
    wrong = [int(r[0]) for r in conn.execute(
        f"SELECT ce.id FROM canonical_events ce LEFT JOIN ({_EXPECTED_EVENTS}) x ON x.canonical_id = ce.id "
        "WHERE ce.n_reports <> COALESCE(x.n_reports, 0) OR ce.n_sources <> COALESCE(x.n_sources, 0) "
        "OR COALESCE(ce.first_event_id, -1) <> COALESCE(x.first_id, -1) ORDER BY ce.id")]
    stored = "SELECT canonical_id, cluster_id, n FROM canonical_sources"
    sources_wrong = sum(int(conn.execute(f"SELECT COUNT(*) FROM ({a} EXCEPT {b}) diff")[0][0])
                        for a, b in ((stored, _EXPECTED_SOURCES), (_EXPECTED_SOURCES, stored)))
    if repair and (wrong or sources_wrong):
        conn.run("DELETE FROM canonical_sources")
        conn.run(f"INSERT INTO canonical_sources (canonical_id, cluster_id, n) {_EXPECTED_SOURCES}")
        # Set-based (grouped joins): a per-row correlated recount can be planned as a loop over all documents.
        conn.run("UPDATE canonical_events SET n_reports = 0, n_sources = 0, first_event_id = NULL")
        conn.run(f"UPDATE canonical_events SET n_reports = x.n_reports, n_sources = x.n_sources, "
                 f"first_event_id = x.first_id FROM ({_EXPECTED_EVENTS}) x WHERE x.canonical_id = canonical_events.id")
    return CounterCheck(canonical_events=total, wrong=len(wrong), wrong_ids=tuple(wrong[:MAX_LISTED]),
                        wrong_source_rows=sources_wrong, repaired=bool(repair and (wrong or sources_wrong)))
