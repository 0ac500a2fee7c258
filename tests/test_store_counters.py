"""Corroboration counters kept by deltas (``marsad.store.counters``) equal a full recount after every write.

The oracle is the recount the write path used to run for every touched canonical event
(``n_reports``/``n_sources`` over current documents, ``first_event_id`` the lowest event id). Runs on SQLite and
on PostgreSQL (when MARSAD_TEST_PG is set), like the other store tests.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import pytest

from marsad.cli.main import main
from marsad.model import ExtractionResult
from marsad.store import open_store
from marsad.store.backend import Connection, connect
from marsad.store.migrations import LATEST_VERSION
from test_store_support import BACKENDS, ResultBuilder, fresh_store, store_url, write_concurrently

LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
SHELLING = "قصفت قوات النظام بلدة كفرنبل"
CLASH = "اشتبكت فصائل المعارضة مع قوات النظام قرب سراقب"
TAIL = f" {SHELLING} صباحا. {CLASH} مساء."

RECOUNT = (  # the old write path's recount, as a query: stored values, then what the recount gives
    "SELECT ce.id, ce.n_reports, ce.n_sources, ce.first_event_id, "
    "(SELECT COUNT(*) FROM events e JOIN documents d ON d.id = e.document_id "
    " WHERE e.canonical_id = ce.id AND d.is_current = 1), "
    "(SELECT COUNT(DISTINCT d.cluster_id) FROM events e JOIN documents d ON d.id = e.document_id "
    " WHERE e.canonical_id = ce.id AND d.is_current = 1), "
    "(SELECT MIN(e.id) FROM events e WHERE e.canonical_id = ce.id) "
    "FROM canonical_events ce ORDER BY ce.id")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_store(request.param, tmp_path) as s:
        yield s


def counters(conn: Connection) -> list[tuple[int, int, int, int | None]]:
    """(canonical id, n_reports, n_sources, first_event_id) as stored, after asserting they equal the recount."""
    rows = [tuple(None if v is None else int(v) for v in r) for r in conn.execute(RECOUNT)]
    wrong = [r for r in rows if r[1:4] != r[4:7]]
    assert wrong == [], "stored (n_reports, n_sources, first) differ from the recount (last three)"
    return [(r[0], r[1], r[2], r[3]) for r in rows]  # type: ignore[misc]


def word(i: int) -> str:
    """An invented Arabic-letter word, distinct for each ``i`` (letters that folding leaves alone)."""
    out = ""
    for _ in range(3):
        i, r = divmod(i, len(LETTERS))
        out += LETTERS[r]
    return out + LETTERS[i % len(LETTERS)]


def family_text(family: int, variant: int) -> str:
    """Texts of one family are near-duplicates of each other (one word differs); families are unrelated."""
    words = [word(family * 100 + k) for k in range(40)] + [word(family * 100 + 60 + variant)]
    return " ".join(words) + TAIL


EVENT_KINDS = (  # (type, actor1, actor2, evidence, place surface)
    ("shelling_artillery_missile", "syria_government_assad", "civilians", SHELLING, "كفرنبل"),
    ("armed_clash", "syrian_opposition", "syria_government_assad", CLASH, "سراقب"),
    ("armed_clash", "syria_government_assad", "civilians", CLASH, "كفرنبل"),  # same key as the first kind
)
PLACES = {"كفرنبل": ("G163", "Kafr Nabl"), "سراقب": ("G164", "Saraqib")}


def build(doc_id: str, text: str, events: list[tuple[int, str]], *, url: str | None,
          extra: tuple[bool, bool] = (False, False)) -> ExtractionResult:
    """A document with ``events`` = [(kind, date)]; ``extra`` adds a suppressed and an undated event."""
    b = ResultBuilder(doc_id, text, url=url, outlet=f"outlet {doc_id}", published="2019-08-14")
    places = {s: b.place(s, place_id=pid, name_en=en, governorate="Idlib", lat=35.6, lon=36.6)
              for s, (pid, en) in PLACES.items()}
    for kind, date in events:
        type_, a1, a2, evidence, surface = EVENT_KINDS[kind]
        b.event(type_, a1, evidence, actor2=a2, place=places[surface], date=date)
    if extra[0]:
        b.event("armed_clash", "syrian_opposition", CLASH, place=places["سراقب"], date="2019-08-13", suppressed=True)
    if extra[1]:
        b.event("shelling_artillery_missile", "syria_government_assad", SHELLING, place=places["كفرنبل"])
    return b.build()


@dataclass
class Script:
    """A random sequence of writes: new documents, near-duplicates, revisions and exact repeats."""

    rng: random.Random
    families: int = 0
    variants: int = 0
    keys: list[tuple[str, str | None, int]] = field(default_factory=list)  # (doc id, url, family) per document
    written: list[ExtractionResult] = field(default_factory=list)

    def events(self) -> list[tuple[int, str]]:
        n = self.rng.choice((0, 1, 1, 2, 2, 3, 4))
        return [(self.rng.randrange(len(EVENT_KINDS)), self.rng.choice(("2019-08-13", "2019-08-14")))
                for _ in range(n)]

    def step(self) -> ExtractionResult:
        op = self.rng.choice(("new", "new", "near", "near", "revise", "revise", "repeat")) if self.keys else "new"
        if op == "repeat":
            return self.rng.choice(self.written)
        if op == "revise":
            i = self.rng.randrange(len(self.keys))
            doc_id, url, family = self.keys[i]
            if self.rng.random() < 0.4:  # rewritten into another family's text: it changes cluster
                family = self.rng.randrange(self.families)
                self.keys[i] = (doc_id, url, family)
        else:
            if op == "near":
                family = self.rng.choice(self.keys)[2]
            else:
                family, self.families = self.families, self.families + 1
            doc_id = f"d{len(self.keys)}"
            url = f"https://example.org/{doc_id}" if self.rng.random() < 0.5 else None
            self.keys.append((doc_id, url, family))
        self.variants += 1
        result = build(doc_id, family_text(family, self.variants), self.events(), url=url,
                       extra=(self.rng.random() < 0.2, self.rng.random() < 0.2))
        self.written.append(result)
        return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_the_recount_after_every_write(store, seed):
    script = Script(random.Random(seed))
    statuses: dict[str, int] = {}
    conn = connect(store.url)
    try:
        for _ in range(36):
            out = store.add(script.step(), source="s")
            kind = "near" if out.status == "stored" and out.near_duplicate_of else out.status
            statuses[kind] = statuses.get(kind, 0) + 1
            rows = counters(conn)
        assert store.check_counters().ok
    finally:
        conn.close()
    # the script exercised what matters: revisions, near-duplicates, repeats, corroboration and lost reports
    assert {"stored", "near", "revision", "duplicate"} <= set(statuses), statuses
    assert any(n_sources >= 2 for _, _, n_sources, _ in rows)
    assert any(n_reports > n_sources for _, n_reports, n_sources, _ in rows)


def test_revision_that_moves_cluster_and_drops_reports(store):
    """A cluster head revised into another text: its near-duplicate still counts as the old cluster's source."""
    conn = connect(store.url)
    try:
        head = store.add(build("a", family_text(0, 1), [(0, "2019-08-13")] * 2, url="https://e.org/a"))
        copy = store.add(build("b", family_text(0, 2), [(0, "2019-08-13")], url=None))
        other = store.add(build("c", family_text(1, 1), [(0, "2019-08-13")], url=None))
        assert copy.cluster_id == head.cluster_id != other.cluster_id
        [(_, n_reports, n_sources, first)] = counters(conn)
        assert (n_reports, n_sources) == (4, 2)
        moved = store.add(build("a", family_text(1, 2), [(0, "2019-08-13")], url="https://e.org/a"))
        assert moved.status == "revision" and moved.cluster_id == other.cluster_id
        [(_, n_reports, n_sources, first2)] = counters(conn)
        assert (n_reports, n_sources, first2) == (3, 2, first)  # b (cluster a) and c + new a (cluster c)
        store.add(build("b", family_text(2, 1), [], url=None))  # b loses its report
        assert [r[1:3] for r in counters(conn)] == [(2, 1)]
        assert conn.execute("SELECT COUNT(*) FROM canonical_sources WHERE n <= 0") == [(0,)]
    finally:
        conn.close()


def test_concurrent_writers_with_revisions(store):
    """Revisions take reports away from events whose match keys they do not lock: counts stay exact."""
    news = [build(f"n{i}", family_text(10 + i, 1), [(0, "2019-08-13"), (1, "2019-08-14")], url=None)
            for i in range(10)]
    firsts = [build(f"r{i}", family_text(30 + i, 1), [(0, "2019-08-13")], url=f"https://e.org/r{i}")
              for i in range(10)]
    revised = [build(f"r{i}", family_text(30 + i, 2), [(1, "2019-08-14")] if i % 2 else [],
                     url=f"https://e.org/r{i}") for i in range(10)]
    interleaved = [x for p in zip(firsts, revised, strict=True) for x in p]
    errors = write_concurrently(store.url, [news, interleaved], timeout=120)
    assert errors == []
    conn = connect(store.url)
    try:
        rows = counters(conn)
    finally:
        conn.close()
    assert sorted(r[1:3] for r in rows) == [(10, 10), (15, 15)]


def test_check_and_repair_counters(store, tmp_path, capsys):
    for i in range(3):
        store.add(build(f"d{i}", family_text(i, 1), [(0, "2019-08-13"), (1, "2019-08-13")], url=None))
    assert store.check_counters() == store.check_counters(repair=True)  # nothing to repair
    check = store.check_counters()
    assert (check.ok, check.canonical_events, check.repaired) == (True, 2, False)
    conn = connect(store.url)
    try:
        with conn.transaction():
            conn.run("UPDATE canonical_events SET n_reports = 7 WHERE id = (SELECT MIN(id) FROM canonical_events)")
            conn.run("UPDATE canonical_events SET first_event_id = NULL, n_sources = 0 "
                     "WHERE id = (SELECT MAX(id) FROM canonical_events)")
            conn.run("DELETE FROM canonical_sources WHERE cluster_id = (SELECT MIN(cluster_id) FROM documents)")
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM canonical_events ORDER BY id")]
        bad = store.check_counters()
        assert (bad.ok, bad.wrong, bad.wrong_ids, bad.wrong_source_rows, bad.repaired) == (False, 2, tuple(ids), 2,
                                                                                           False)
        assert main(["stats", "--db", store.url, "--check-counters"]) == 1
        assert "2 wrong" in capsys.readouterr().out
        assert main(["stats", "--db", store.url, "--repair-counters", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["counters"]["repaired"] is True
        assert [r[1:3] for r in counters(conn)] == [(3, 3), (3, 3)]
        assert store.check_counters().ok
        assert main(["stats", "--db", store.url, "--check-counters"]) == 0
        assert "all right" in capsys.readouterr().out
    finally:
        conn.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_backfills_counters(backend, tmp_path):
    """A store at schema version 2 (this schema without ``canonical_sources``: made here by taking the table and
    its version away again) with data and one stale counter: migrating fills the table and recounts."""
    with store_url(backend, tmp_path) as url:
        with open_store(url) as s:
            s.add(build("a", family_text(0, 1), [(0, "2019-08-13"), (0, "2019-08-13")], url="https://e.org/a"))
            s.add(build("b", family_text(0, 2), [(0, "2019-08-13"), (1, "2019-08-14")], url=None))
            s.add(build("c", family_text(1, 1), [(0, "2019-08-13")], url=None))
            s.add(build("a", family_text(2, 1), [(1, "2019-08-14")], url="https://e.org/a"))  # a revision
        conn = connect(url)
        try:
            want = counters(conn)
            sources = sorted(conn.execute("SELECT canonical_id, cluster_id, n FROM canonical_sources"))
            with conn.transaction():
                conn.run("DROP TABLE canonical_sources")
                conn.run("DELETE FROM schema_version WHERE version > 2")
                conn.run("UPDATE canonical_events SET n_reports = 0, n_sources = 0")  # stale: recounted
            assert conn.execute("SELECT MAX(version) FROM schema_version") == [(2,)]
        finally:
            conn.close()
        assert LATEST_VERSION == 3
        with open_store(url) as s:
            assert s.schema_version == 3 and s.check_counters().ok
            conn = connect(url)
            try:
                assert counters(conn) == want
                assert sorted(conn.execute("SELECT canonical_id, cluster_id, n FROM canonical_sources")) == sources
                s.add(build("c", family_text(1, 2), [], url=None))  # writes after the migration stay exact
                s.add(build("d", family_text(0, 3), [(0, "2019-08-13")], url=None))  # b's cluster
                assert [r[1:3] for r in counters(conn)] == [(2, 1), (2, 2)]
            finally:
                conn.close()
