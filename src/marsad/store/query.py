"""The read path: filters → SQL (the same on both stores) → frozen records rebuilt with ``from_dict``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from marsad.model import (
    ActorMention,
    ControlFact,
    Document,
    Event,
    ExtractionResult,
    PlaceMention,
    Quantity,
    Sentence,
    Siege,
    TimeMention,
)
from marsad.model.facts import Claim
from marsad.normalize import fold_text
from marsad.store.backend import Connection, Row
from marsad.store.records import (
    DocumentFacts,
    DocumentFilter,
    EventFilter,
    FactContext,
    FactFilter,
    StoredClaim,
    StoredControl,
    StoredDocument,
    StoredEvent,
    StoredFailure,
    StoredQuantity,
    StoredSiege,
)

ACTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("actor1", "actor2"),
    "control_facts": ("controller", "previous"),
    "sieges": ("besieger", "besieged"),
    "quantities": ("subject",),
    "claims": ("subject",),
}
_DOC_COLUMNS = ("d.id, d.doc_id, d.url, d.outlet, d.published, d.title, d.language, d.text, d.meta, d.revision, "
                "d.is_current, d.content_hash, d.source, d.cluster_id, d.near_duplicate_of, d.ingested_at, d.n_events")


# The report kept by ``distinct``: the lowest event id of each canonical event among current documents. One
# grouped pass joined once (a hash or merge join), not a subquery per row: without planner statistics the
# per-row ``e.id = (SELECT MIN(e2.id) ... WHERE e2.canonical_id = e.canonical_id ...)`` was planned as a loop
# over every current document for each event (seconds instead of milliseconds at 2,000 documents: see
# bench/README.md). Not ``canonical_events.first_event_id``: that is the first report ever, which a later
# revision may have superseded.
FIRST_REPORTS = ("SELECT e2.canonical_id, MIN(e2.id) AS first_id FROM events e2 JOIN documents d2 "
                 "ON d2.id = e2.document_id WHERE d2.is_current = 1 AND e2.canonical_id IS NOT NULL "
                 "GROUP BY e2.canonical_id")


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _values(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A filter value as a tuple: ``None`` → (), ``"x"`` → ("x",)."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _like(text: str) -> str:
    q = fold_text(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"


def _page(sql: str, params: list[Any], limit: int | None, offset: int) -> tuple[str, list[Any]]:
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit) if limit is not None else 2**62, int(offset)]
    return sql, params


def _common_where(alias: str, f: EventFilter | FactFilter, where: list[str], params: list[Any], *,
                  table: str) -> None:
    date = f"COALESCE({alias}.date, d.published)"
    if f.date_from:
        where.append(f"{date} >= ?")
        params.append(f.date_from)
    if f.date_to:  # an inclusive prefix bound that holds under any collation
        where.append(f"SUBSTR({date}, 1, {len(f.date_to)}) <= ?")
        params.append(f.date_to)
    actors = _values(f.actor)
    if actors:
        cols = ACTOR_COLUMNS[table]
        marks = ", ".join("?" * len(actors))
        where.append("(" + " OR ".join(f"{alias}.{c} IN ({marks})" for c in cols) + ")")
        params += list(actors) * len(cols)
    govs = _values(f.governorate)
    if govs:
        where.append(f"LOWER({alias}.governorate) IN ({', '.join('?' * len(govs))})")
        params += [g.lower() for g in govs]
    if f.place:
        where.append(f"({alias}.place_id = ? OR LOWER({alias}.place_name) = LOWER(?) OR {alias}.place_surface = ?)")
        params += [f.place, f.place, f.place]
    if f.bbox:
        west, south, east, north = f.bbox
        where.append(f"{alias}.lon >= ? AND {alias}.lon <= ? AND {alias}.lat >= ? AND {alias}.lat <= ?")
        params += [west, east, south, north]
    if f.text:
        where.append(f"{alias}.search LIKE ? ESCAPE '\\'")
        params.append(_like(f.text))
    if f.doc_id:
        where.append("d.doc_id = ?")
        params.append(f.doc_id)
    if not f.include_suppressed:
        where.append(f"{alias}.suppressed = 0")


def _event_sql(f: EventFilter, select: str) -> tuple[str, list[Any]]:
    where = ["d.is_current = 1"]
    params: list[Any] = []
    _common_where("e", f, where, params, table="events")
    types = _values(f.type)
    if types:
        where.append(f"e.type IN ({', '.join('?' * len(types))})")
        params += list(types)
    if f.min_sources > 1:
        where.append("COALESCE(ce.n_sources, 1) >= ?")
        params.append(int(f.min_sources))
    joins = "LEFT JOIN canonical_events ce ON ce.id = e.canonical_id"
    if f.distinct:
        joins += f" LEFT JOIN ({FIRST_REPORTS}) fr ON fr.canonical_id = e.canonical_id"
        where.append("(e.canonical_id IS NULL OR e.id = fr.first_id)")
    sql = f"SELECT {select} FROM events e JOIN documents d ON d.id = e.document_id {joins} WHERE {' AND '.join(where)}"
    return sql, params


def events(conn: Connection, f: EventFilter) -> list[StoredEvent]:
    sql, params = _event_sql(f, "e.fact_key, e.record, d.doc_id, d.outlet, d.published, e.canonical_id, "
                                "COALESCE(ce.n_sources, 1), d.url, e.evidence, e.sentence, d.ingested_unix")
    order = " DESC" if f.newest_first else ""
    day = "COALESCE(e.date, d.published)"  # undated last on both stores (their NULL orders differ)
    sql, params = _page(sql + f" ORDER BY CASE WHEN {day} IS NULL THEN 1 ELSE 0 END, {day}{order}, e.id{order}",
                        params, f.limit, f.offset)
    return [StoredEvent(id=r[0], event=Event.from_dict(json.loads(r[1])), doc_id=r[2], outlet=r[3],
                        published=_date(r[4]), canonical_id=r[5], sources=int(r[6]), url=r[7], evidence=r[8],
                        sentence=r[9], added=int(r[10])) for r in conn.execute(sql, params)]


def date_range(conn: Connection) -> tuple[str | None, str | None]:
    """The first and last event dates (the event's date, else its document's publication date)."""
    sql, params = _event_sql(EventFilter(), "MIN(COALESCE(e.date, d.published)), MAX(COALESCE(e.date, d.published))")
    lo, hi = conn.execute(sql, params)[0]
    return lo, hi


def count_events(conn: Connection, f: EventFilter) -> int:
    sql, params = _event_sql(f, "COUNT(*)")
    return int(conn.execute(sql, params)[0][0])


def event_by_id(conn: Connection, fact_id: str) -> StoredEvent | None:
    rows = conn.execute("SELECT d.doc_id FROM events e JOIN documents d ON d.id = e.document_id "
                        "WHERE e.fact_key = ? AND d.is_current = 1", (fact_id,))
    if not rows:
        return None
    found = [e for e in events(conn, EventFilter(doc_id=rows[0][0], include_suppressed=True, limit=None))
             if e.id == fact_id]
    return found[0] if found else None


def _facts(conn: Connection, table: str, f: FactFilter) -> list[tuple[Any, FactContext]]:
    where = ["d.is_current = 1"]
    params: list[Any] = []
    _common_where("x", f, where, params, table=table)
    if f.metric and table in ("quantities", "claims"):
        where.append("x.metric = ?")
        params.append(f.metric)
    if f.status and table == "sieges":
        where.append("x.status = ?")
        params.append(f.status)
    sql = (f"SELECT x.record, x.fact_key, d.doc_id, d.id, d.outlet, d.url, d.published, x.evidence, x.sentence, "
           f"d.ingested_unix FROM {table} x JOIN documents d ON d.id = x.document_id WHERE {' AND '.join(where)} "
           f"ORDER BY CASE WHEN COALESCE(x.date, d.published) IS NULL THEN 1 ELSE 0 END, "
           f"COALESCE(x.date, d.published), x.id")
    sql, params = _page(sql, params, f.limit, f.offset)
    return [(json.loads(r[0]), FactContext(fact_id=r[1], doc_id=r[2], row_id=int(r[3]), outlet=r[4], url=r[5],
                                           published=_date(r[6]), evidence=r[7], sentence=r[8], added=int(r[9])))
            for r in conn.execute(sql, params)]


def control_facts(conn: Connection, f: FactFilter) -> list[StoredControl]:
    return [StoredControl(ControlFact.from_dict(d), c) for d, c in _facts(conn, "control_facts", f)]


def sieges(conn: Connection, f: FactFilter) -> list[StoredSiege]:
    return [StoredSiege(Siege.from_dict(d), c) for d, c in _facts(conn, "sieges", f)]


def quantities(conn: Connection, f: FactFilter) -> list[StoredQuantity]:
    return [StoredQuantity(Quantity.from_dict(d), c) for d, c in _facts(conn, "quantities", f)]


def claims(conn: Connection, f: FactFilter) -> list[StoredClaim]:
    return [StoredClaim(Claim.from_dict(d), c) for d, c in _facts(conn, "claims", f)]


def _stored_document(r: Row) -> StoredDocument:
    doc = Document(id=r[1], text=r[7], url=r[2], outlet=r[3], published=_date(r[4]), title=r[5], language=r[6],
                   meta=json.loads(r[8]))
    return StoredDocument(document=doc, row_id=int(r[0]), revision=int(r[9]), is_current=bool(r[10]),
                          content_hash=r[11], source=r[12], cluster_id=r[13], near_duplicate_of=r[14],
                          ingested_at=r[15], n_events=int(r[16]))


def documents(conn: Connection, f: DocumentFilter) -> list[StoredDocument]:
    where: list[str] = [] if f.include_superseded else ["d.is_current = 1"]
    params: list[Any] = []
    for col, value in (("d.outlet", f.outlet), ("d.source", f.source), ("d.cluster_id", f.cluster_id)):
        if value is not None:
            where.append(f"{col} = ?")
            params.append(value)
    if f.date_from:
        where.append("d.published >= ?")
        params.append(f.date_from)
    if f.date_to:
        where.append(f"SUBSTR(d.published, 1, {len(f.date_to)}) <= ?")
        params.append(f.date_to)
    if f.text:  # case-insensitive on both stores (SQLite's LIKE is, PostgreSQL's is not)
        where.append("LOWER(d.text) LIKE ? ESCAPE '\\'")
        params.append("%" + f.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    sql = f"SELECT {_DOC_COLUMNS} FROM documents d"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql, params = _page(sql + " ORDER BY d.id", params, f.limit, f.offset)
    return [_stored_document(r) for r in conn.execute(sql, params)]


def count_documents(conn: Connection, *, include_superseded: bool = False) -> int:
    sql = "SELECT COUNT(*) FROM documents" + ("" if include_superseded else " WHERE is_current = 1")
    return int(conn.execute(sql)[0][0])


def document(conn: Connection, doc_id: str) -> StoredDocument | None:
    """The current revision of a document, by its id, else by its URL."""
    for col in ("d.doc_id", "d.url"):
        rows = conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE {col} = ? "
                            "ORDER BY d.is_current DESC, d.revision DESC, d.id DESC LIMIT 1", (doc_id,))
        if rows:
            return _stored_document(rows[0])
    return None


def result(conn: Connection, doc_id: str) -> ExtractionResult | None:
    """Everything read in a document, rebuilt from its rows (suppressed facts grouped by kind)."""
    stored = document(conn, doc_id)
    if stored is None:
        return None
    row_id = stored.row_id
    extra = json.loads(conn.execute("SELECT result FROM documents WHERE id = ?", (row_id,))[0][0])
    mentions: dict[str, list[Any]] = {"actor": [], "place": [], "time": []}
    kinds = {"actor": ActorMention, "place": PlaceMention, "time": TimeMention}
    for kind, rec in conn.execute("SELECT kind, record FROM mentions WHERE document_id = ? ORDER BY id", (row_id,)):
        if kind in kinds:
            mentions[kind].append(kinds[kind].from_dict(json.loads(rec)))  # type: ignore[attr-defined]
    asserted: dict[str, list[Any]] = {}
    suppressed: list[Any] = []
    for table, cls in (("events", Event), ("control_facts", ControlFact), ("sieges", Siege),
                       ("quantities", Quantity)):
        for rec, sup in conn.execute(f"SELECT record, suppressed FROM {table} WHERE document_id = ? ORDER BY id",
                                     (row_id,)):
            fact = cls.from_dict(json.loads(rec))  # type: ignore[attr-defined]
            (suppressed if sup else asserted.setdefault(table, [])).append(fact)
    return ExtractionResult(
        document=stored.document, sentences=tuple(Sentence.from_dict(s) for s in extra.get("sentences", ())),
        actors=tuple(mentions["actor"]), places=tuple(mentions["place"]), times=tuple(mentions["time"]),
        events=tuple(asserted.get("events", ())), control=tuple(asserted.get("control_facts", ())),
        sieges=tuple(asserted.get("sieges", ())), quantities=tuple(asserted.get("quantities", ())),
        suppressed=tuple(suppressed), warnings=tuple(extra.get("warnings", ())),
        actor_ids=tuple(extra.get("actor_ids", ())))


def document_facts(conn: Connection, *, batch: int = 500) -> Iterator[DocumentFacts]:
    """The asserted facts of every current document, in storage order, a batch at a time."""
    last = 0
    while True:
        rows = conn.execute("SELECT id, doc_id, outlet, published, title FROM documents WHERE is_current = 1 "
                            "AND id > ? ORDER BY id LIMIT ?", (last, batch))
        if not rows:
            return
        last = int(rows[-1][0])
        ids = [int(r[0]) for r in rows]
        marks = ", ".join("?" * len(ids))
        per: dict[int, dict[str, list[Any]]] = {i: {} for i in ids}
        for table, cls in (("events", Event), ("control_facts", ControlFact), ("sieges", Siege),
                           ("quantities", Quantity)):
            for doc_row, rec in conn.execute(f"SELECT document_id, record FROM {table} WHERE suppressed = 0 AND "
                                             f"document_id IN ({marks}) ORDER BY id", ids):
                per[int(doc_row)].setdefault(table, []).append(cls.from_dict(json.loads(rec)))  # type: ignore[attr-defined]
        for r in rows:
            got = per[int(r[0])]
            yield DocumentFacts(doc_id=r[1], outlet=r[2], published=_date(r[3]), title=r[4],
                                events=tuple(got.get("events", ())), control=tuple(got.get("control_facts", ())),
                                sieges=tuple(got.get("sieges", ())), quantities=tuple(got.get("quantities", ())))


def failures(conn: Connection, *, include_resolved: bool = False, code: str | None = None,
             limit: int | None = None, offset: int = 0) -> list[StoredFailure]:
    where: list[str] = [] if include_resolved else ["resolved = 0"]
    params: list[Any] = []
    if code:
        where.append("code = ?")
        params.append(code)
    sql = ("SELECT id, source, doc_key, code, reason, attempts, resolved, first_seen, last_seen, payload "
           "FROM failures" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id")
    sql, params = _page(sql, params, limit, offset)
    return [StoredFailure(id=int(r[0]), source=r[1], doc_id=r[2] or None, code=r[3], reason=r[4],
                          attempts=int(r[5]), resolved=bool(r[6]), first_seen=r[7], last_seen=r[8],
                          has_payload=r[9] is not None) for r in conn.execute(sql, params)]


def failure_payload(conn: Connection, failure_id: int) -> Document | None:
    rows = conn.execute("SELECT payload FROM failures WHERE id = ?", (failure_id,))
    if not rows or rows[0][0] is None:
        return None
    return Document.from_dict(json.loads(rows[0][0]))
