"""``EventFilter(distinct=True)`` keeps exactly the reports the old correlated query kept, on both stores.

The oracle is the SQL the filter used before it became a grouped join: an event is kept when it has no
canonical event, or when it is the lowest event id of its canonical event among current documents. The stores
are written by the random script of the counter tests (new documents, near-duplicates, revisions that move
between clusters or drop reports, exact repeats, suppressed and undated events).
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from marsad.store import EventFilter
from marsad.store.backend import Connection, connect
from marsad.store.query import _event_sql
from test_store_counters import Script, build, family_text
from test_store_support import BACKENDS, fresh_store

OLD_DISTINCT = ("(e.canonical_id IS NULL OR e.id = (SELECT MIN(e2.id) FROM events e2 JOIN documents d2 "
                "ON d2.id = e2.document_id WHERE e2.canonical_id = e.canonical_id AND d2.is_current = 1))")

FILTERS = (
    EventFilter(distinct=True, limit=None),
    EventFilter(distinct=True, include_suppressed=True, limit=None),
    EventFilter(distinct=True, min_sources=2, limit=None),
    EventFilter(distinct=True, type="armed_clash", limit=None),
    EventFilter(distinct=True, actor="syrian_opposition", limit=None),
    EventFilter(distinct=True, date_from="2019-08-14", limit=None),
    EventFilter(distinct=True, date_to="2019-08-13", include_suppressed=True, limit=None),
)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_store(request.param, tmp_path) as s:
        yield s


def old_ids(conn: Connection, f: EventFilter) -> list[str]:
    sql, params = _event_sql(replace(f, distinct=False), "e.fact_key")
    return [r[0] for r in conn.execute(f"{sql} AND {OLD_DISTINCT} ORDER BY e.id", params)]


def new_ids(conn: Connection, f: EventFilter) -> list[str]:
    sql, params = _event_sql(f, "e.fact_key")
    return [r[0] for r in conn.execute(f"{sql} ORDER BY e.id", params)]


def assert_same(store, conn: Connection, f: EventFilter) -> list[str]:
    want = old_ids(conn, f)
    assert new_ids(conn, f) == want, f
    assert sorted(e.id for e in store.events(f)) == sorted(want), f
    assert store.count_events(f) == len(want), f
    return want


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_distinct_equals_the_correlated_query(store, seed):
    script = Script(random.Random(seed))
    statuses: set[str] = set()
    conn = connect(store.url)
    try:
        for step in range(48):
            out = store.add(script.step(), source="s")
            statuses.add("near" if out.status == "stored" and out.near_duplicate_of else out.status)
            if step % 8 == 7:
                for f in FILTERS:
                    assert_same(store, conn, f)
        # the script made what matters: revisions, near-duplicates, repeats, and events reported more than once
        assert {"stored", "near", "revision", "duplicate"} <= statuses, statuses
        everything = new_ids(conn, EventFilter(limit=None))
        kept = assert_same(store, conn, FILTERS[0])
        assert 0 < len(kept) < len(everything)
        # paging and the store's order apply to the kept reports only
        full = [e.id for e in store.events(FILTERS[0])]
        pages = [e.id for i in range(0, len(full), 3) for e in store.events(replace(FILTERS[0], limit=3, offset=i))]
        assert pages == full
        for doc_id in sorted({e.doc_id for e in store.events(EventFilter(limit=None))})[:5]:
            assert_same(store, conn, EventFilter(distinct=True, doc_id=doc_id, limit=None))
    finally:
        conn.close()


def test_distinct_keeps_the_first_current_report_not_the_first_ever(store):
    """The first report of an event superseded by a revision: the next current report stands for the event
    (``canonical_events.first_event_id`` still names the superseded one); an event whose every report was
    superseded is not listed."""
    conn = connect(store.url)
    try:
        store.add(build("a", family_text(0, 1), [(0, "2019-08-13"), (1, "2019-08-14")], url="https://e.org/a"))
        store.add(build("b", family_text(1, 1), [(0, "2019-08-13")], url=None))
        store.add(build("a", family_text(2, 1), [(0, "2019-08-13")], url="https://e.org/a"))  # a revision
        first_ever = {int(r[0]) for r in conn.execute("SELECT first_event_id FROM canonical_events")}
        kept = store.events(EventFilter(distinct=True, limit=None))
        assert [(e.doc_id, e.event.type) for e in kept] == [("b", "shelling_artillery_missile")]
        kept_rows = {int(r[0]) for r in conn.execute("SELECT id FROM events WHERE fact_key = ?", (kept[0].id,))}
        assert not kept_rows & first_ever  # the kept report is not the first ever reported
        assert_same(store, conn, EventFilter(distinct=True, limit=None))
        assert len(store.events(EventFilter(limit=None))) == 2  # b's and the revision's report of one event
    finally:
        conn.close()
