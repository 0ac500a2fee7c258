"""The write path: one document and everything read in it, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from marsad.ingest.base import Rejection
from marsad.model import ControlFact, Document, Event, ExtractionResult, PlaceMention, Quantity, Siege
from marsad.model.facts import Claim, Provenance
from marsad.normalize import fold
from marsad.store.backend import Connection
from marsad.store.counters import Contribution, contributions, document_contributions, update_counters
from marsad.store.dedup import NEAR_DUPLICATE, Signature, lock_id, match_key, same_event, signature
from marsad.store.records import AddOutcome

MAX_CANDIDATES = 32  # near-duplicate candidates checked per document (those sharing the most bands)
PER_BAND = 24  # documents read per LSH band (the newest): bounded work when a band is shared widely
MIN_SHARED_BANDS = 2  # a Jaccard-0.8 pair shares fewer than 2 of 16 bands with probability < 0.3%
CLAIM_METRICS = frozenset({"share_of_territory", "area_km2"})
FACT_COLUMNS = ("document_id", "doc_id", "fact_key", "suppressed", "modality", "date", "governorate", "lat", "lon",
                "place_id", "place_name", "place_surface", "evidence_start", "evidence_end", "sentence_start",
                "sentence_end", "evidence", "sentence", "search", "confidence", "extractor", "record")
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("canonical_id", "type", "actor1", "actor2", "fatalities", "time_precision"),
    "control_facts": ("controller", "previous"),
    "sieges": ("status", "besieger", "besieged", "since", "until", "population"),
    "quantities": ("metric", "value", "unit", "subject", "scope", "as_of"),
    "claims": ("claimant_outlet", "subject", "metric", "value", "unit"),
}


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def fact_key(content_hash: str, table: str, index: int) -> str:
    """A stable fact id: the same document gives the same ids on every store."""
    return hashlib.sha1(f"{content_hash}|{table}|{index}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FactRow:
    table: str
    values: tuple[Any, ...]  # FACT_COLUMNS[1:] + EXTRA_COLUMNS[table]; document_id is added at insert
    evidence: str
    extractor: str
    suppressed: bool
    event: Event | None = None


class _Searchable:
    """The folded text of a document, sliced per sentence (folding once per document, not per fact)."""

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.cache: dict[tuple[int, int], str] = {}

    def __call__(self, start: int, end: int) -> str:
        key = (start, end)
        if key not in self.cache:
            f = self.folded
            self.cache[key] = f.text[f.to_folded(start) : f.to_folded(end)].strip()
        return self.cache[key]


def _fact_row(table: str, index: int, fact: Any, *, doc: Document, suppressed: bool, place: PlaceMention | None,
              date: str | None, extra: tuple[Any, ...], search: _Searchable) -> FactRow:
    p: Provenance = fact.provenance
    text = doc.text
    evidence = text[p.span.start : p.span.end]
    sentence = text[p.sentence.start : p.sentence.end]
    span = p.sentence if sentence else p.span
    values = (doc.id, fact_key(doc.content_hash, table, index), int(suppressed), getattr(fact, "modality", "asserted"),
              date, place.governorate if place else None, place.lat if place else None,
              place.lon if place else None, place.place_id if place else None,
              (place.name_en or place.surface) if place else None, place.surface if place else None,
              p.span.start, p.span.end, p.sentence.start, p.sentence.end, evidence, sentence,
              search(span.start, span.end), float(p.confidence), p.extractor, _dumps(fact.to_dict()))
    return FactRow(table, values + extra, evidence, p.extractor, suppressed, fact if isinstance(fact, Event) else None)


def fact_rows(result: ExtractionResult, search: _Searchable | None = None) -> list[FactRow]:
    """Rows for every fact of ``result`` (asserted and suppressed), plus claims derived from quantities."""
    doc = result.document
    search = search or _Searchable(doc.text)
    rows: list[FactRow] = []
    facts: list[tuple[Any, bool]] = [(f, False) for f in (*result.events, *result.control, *result.sieges,
                                                           *result.quantities)]
    facts += [(f, True) for f in result.suppressed]
    counters: dict[str, int] = {}
    for fact, suppressed in facts:
        if isinstance(fact, Event):
            table, place, date = "events", fact.place, fact.date
            extra: tuple[Any, ...] = (None, fact.type, fact.actor1, fact.actor2, fact.fatalities, fact.time_precision)
        elif isinstance(fact, ControlFact):
            table, place, date = "control_facts", fact.place, fact.date
            extra = (fact.controller, fact.previous)
        elif isinstance(fact, Siege):
            table, place, date = "sieges", fact.place, fact.since or fact.until
            extra = (fact.status, fact.besieger, fact.besieged, fact.since, fact.until, fact.population)
        elif isinstance(fact, Quantity):
            table, place, date = "quantities", fact.scope_place, fact.as_of
            extra = (fact.metric, float(fact.value), fact.unit, fact.subject, fact.scope, fact.as_of)
        else:  # pragma: no cover - the model has no other fact kinds
            continue
        n = counters.get(table, 0)
        counters[table] = n + 1
        rows.append(_fact_row(table, n, fact, doc=doc, suppressed=suppressed, place=place, date=date, extra=extra,
                              search=search))
        if isinstance(fact, Quantity) and fact.metric in CLAIM_METRICS and not suppressed:
            claim = Claim(claimant_doc=doc.id, claimant_outlet=doc.outlet, subject=fact.subject, metric=fact.metric,
                          value=fact.value, unit=fact.unit, provenance=fact.provenance, scope=fact.scope,
                          baseline=fact.baseline, as_of=fact.as_of, hedge=fact.hedge)
            m = counters.get("claims", 0)
            counters["claims"] = m + 1
            rows.append(_fact_row("claims", m, claim, doc=doc, suppressed=False, place=fact.scope_place,
                                  date=fact.as_of or (doc.published.isoformat() if doc.published else None),
                                  extra=(doc.outlet, fact.subject, fact.metric, float(fact.value), fact.unit),
                                  search=search))
    return rows


def _insert_sql(table: str) -> str:
    cols = (*FACT_COLUMNS, *EXTRA_COLUMNS[table])
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def _mention_rows(result: ExtractionResult) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for a in result.actors:
        rows.append(("actor", a.span.start, a.span.end, a.surface, a.actor_id, _dumps(a.to_dict())))
    for p in result.places:
        rows.append(("place", p.span.start, p.span.end, p.surface, p.place_id, _dumps(p.to_dict())))
    for t in result.times:
        rows.append(("time", t.span.start, t.span.end, t.surface, t.value, _dumps(t.to_dict())))
    return rows


def _result_json(result: ExtractionResult) -> str:
    """What the tables do not hold: sentences, warnings and actor ids (facts and mentions have their rows)."""
    return _dumps({"sentences": [s.to_dict() for s in result.sentences], "warnings": list(result.warnings),
                   "actor_ids": list(result.actor_ids)})


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything ``add`` computes before opening its transaction."""

    result: ExtractionResult
    signature: Signature
    facts: list[FactRow]
    mentions: list[tuple[Any, ...]]
    result_json: str


def prepare(result: ExtractionResult) -> Prepared:
    search = _Searchable(result.document.text)
    return Prepared(result, signature(result.document.text, folded=search.folded.text), fact_rows(result, search),
                    _mention_rows(result), _result_json(result))


def _near_duplicate(conn: Connection, sig: Signature) -> tuple[int, int, float] | None:
    """``(row_id, cluster_id, similarity)`` of the most similar stored document, if similar enough.

    One query: for each LSH band, the ``PER_BAND`` newest documents sharing it (bounded work however many
    documents share a band), kept when they share at least ``MIN_SHARED_BANDS``; then one vectorised
    comparison of their signatures.
    """
    per_band = " UNION ALL ".join(
        f"SELECT document_id FROM (SELECT document_id FROM document_bands WHERE band = ? AND hash = ? "
        f"ORDER BY document_id DESC LIMIT ?) b{i}" for i in range(len(sig.bands)))
    params: list[Any] = []
    for b, h in enumerate(sig.bands):
        params += [b, h, PER_BAND]
    rows = conn.execute(
        f"SELECT d.id, d.cluster_id, d.minhash FROM documents d JOIN (SELECT document_id, COUNT(*) AS n "
        f"FROM ({per_band}) m GROUP BY document_id HAVING COUNT(*) >= ? "
        f"ORDER BY n DESC, document_id LIMIT ?) c ON c.document_id = d.id",
        (*params, MIN_SHARED_BANDS, MAX_CANDIDATES))
    rows = [r for r in rows if r[2] is not None]
    if not rows:
        return None
    sims = sig.similarities([bytes(r[2]) for r in rows])
    best = max(range(len(rows)), key=lambda i: (sims[i], -int(rows[i][0])))
    if sims[best] < NEAR_DUPLICATE:
        return None
    row_id, cluster, _ = rows[best]
    return int(row_id), int(cluster or row_id), float(sims[best])


def _assign_canonical(conn: Connection, facts: list[FactRow]) -> tuple[list[int | None], list[int]]:
    """The canonical event of each event row (``None`` for suppressed or unmatchable ones) and the ids of
    canonical events created here. Few round trips: one lookup, and one insert per new canonical event."""
    keys = [match_key(fr.event) if fr.event is not None and not fr.suppressed else None for fr in facts]
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return [None] * len(facts), []  # (the caller holds the advisory locks of these keys)
    marks = ", ".join("?" * len(wanted))
    known: dict[str, list[tuple[int, str, str]]] = {}
    for cid, key, ctype, cevidence in conn.execute(
            "SELECT ce.id, ce.match_key, ce.type, COALESCE(e.evidence, '') FROM canonical_events ce "
            f"LEFT JOIN events e ON e.id = ce.first_event_id WHERE ce.match_key IN ({marks}) ORDER BY ce.id", wanted):
        known.setdefault(key, []).append((int(cid), ctype, cevidence))
    out: list[int | None] = []
    created: list[int] = []
    for fr, key in zip(facts, keys, strict=True):
        if key is None or fr.event is None:
            out.append(None)
            continue
        ev = fr.event
        cid = next((c for c, ctype, cev in known.get(key, ()) if same_event(ev.type, fr.evidence, ctype, cev)), None)
        if cid is None:
            cid = conn.insert("INSERT INTO canonical_events (match_key, type, actor1, actor2, date, place_key) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              (key, ev.type, ev.actor1, ev.actor2, ev.date, key.split("|")[1]))
            known.setdefault(key, []).append((cid, ev.type, fr.evidence))
            created.append(cid)
        out.append(cid)
    return out, created


def add_prepared(conn: Connection, prep: Prepared, *, raw: bytes | None, source: str | None) -> AddOutcome:
    """Write one prepared document. The caller holds the transaction."""
    doc = prep.result.document
    chash = doc.content_hash
    src = source or doc.meta.get("source")
    revision_key = f"url:{doc.url}" if doc.url else f"id:{src or ''}|{doc.id}"
    # Concurrent writers (PostgreSQL): serialise on this document's revision key and its events' match keys,
    # all taken at once in sorted order so two writers never wait on each other in a cycle.
    event_keys = [match_key(fr.event) for fr in prep.facts if fr.event is not None and not fr.suppressed]
    conn.lock_keys([lock_id(f"revision|{revision_key}"), *(lock_id(k) for k in event_keys if k)])
    found = conn.execute("SELECT id, revision, cluster_id, content_hash FROM documents WHERE content_hash = ? "
                         "OR (revision_key = ? AND is_current = 1) ORDER BY revision DESC", (chash, revision_key))
    dup = [r for r in found if r[3] == chash]
    if dup:
        row_id, revision, cluster = dup[0][:3]
        conn.execute("UPDATE failures SET resolved = 1 WHERE doc_key = ? AND resolved = 0", (doc.id,))
        return AddOutcome("duplicate", doc.id, int(row_id), int(revision), cluster_id=cluster)
    prev = found  # the current revision(s) at this key: no longer current once this one is stored
    revision, supersedes = 1, None
    removed: list[Contribution] = []
    if prev:
        supersedes, revision = int(prev[0][0]), int(prev[0][1]) + 1
        conn.run("UPDATE documents SET is_current = 0 WHERE revision_key = ? AND is_current = 1", (revision_key,))
        removed = contributions(conn, [int(r[0]) for r in prev])
    near = _near_duplicate(conn, prep.signature)
    now = now_iso()
    meta = dict(doc.meta)
    row_id = conn.insert(
        "INSERT INTO documents (doc_id, revision_key, revision, is_current, supersedes, url, outlet, published, title, "
        "language, text, content_hash, raw, source, cluster_id, near_duplicate_of, similarity, minhash, meta, result, "
        "extractor, n_events, ingested_at, ingested_unix) "
        "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc.id, revision_key, revision, supersedes, doc.url, doc.outlet,
         doc.published.isoformat() if doc.published else None, doc.title, doc.language, doc.text, chash, raw,
         src, near[1] if near else None, near[0] if near else None,
         near[2] if near else None, prep.signature.values, _dumps(meta), prep.result_json,
         next((f.extractor for f in prep.facts), None), len(prep.result.events), now, int(time.time())))
    cluster = near[1] if near else row_id
    if not near:
        conn.run("UPDATE documents SET cluster_id = ? WHERE id = ?", (row_id, row_id))
    conn.executemany("INSERT INTO document_bands (band, hash, document_id) VALUES (?, ?, ?)",
                     [(b, h, row_id) for b, h in enumerate(prep.signature.bands)])
    conn.executemany("INSERT INTO mentions (document_id, kind, span_start, span_end, surface, value, record) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", [(row_id, *m) for m in prep.mentions])
    event_rows = [fr for fr in prep.facts if fr.table == "events"]
    canon, _ = _assign_canonical(conn, event_rows)
    n = len(FACT_COLUMNS) - 1  # the canonical id is the first extra column
    by_table: dict[str, list[tuple[Any, ...]]] = {"events": [
        (row_id, *fr.values[:n], cid, *fr.values[n + 1 :]) for fr, cid in zip(event_rows, canon, strict=True)]}
    for fr in prep.facts:
        if fr.table != "events":
            by_table.setdefault(fr.table, []).append((row_id, *fr.values))
    for table, rows in by_table.items():
        conn.executemany(_insert_sql(table), rows)
    update_counters(conn, added=document_contributions(canon, cluster), removed=removed)
    conn.run("UPDATE failures SET resolved = 1 WHERE doc_key = ? AND resolved = 0", (doc.id,))
    p = prep.result
    return AddOutcome("revision" if supersedes else "stored", doc.id, row_id, revision, cluster_id=cluster,
                      near_duplicate_of=near[0] if near else None, events=len(p.events), control=len(p.control),
                      sieges=len(p.sieges), quantities=len(p.quantities))


def failure_row(rej: Rejection, *, document: Document | None) -> tuple[Any, ...]:
    payload = _dumps(document.to_dict()) if document is not None else None
    now = now_iso()
    return (rej.source, rej.doc_id or "", rej.code, rej.reason, payload, now, now)


UPSERT_FAILURE = (
    "INSERT INTO failures (source, doc_key, code, reason, payload, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source, doc_key) DO UPDATE SET code = excluded.code, reason = excluded.reason, "
    "payload = COALESCE(excluded.payload, failures.payload), attempts = failures.attempts + 1, "
    "last_seen = excluded.last_seen, resolved = 0")
