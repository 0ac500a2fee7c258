"""Helpers for the API, web and export tests (no tests here): an in-memory ``Backend`` and a tiny
rule-based stand-in for the extraction pipeline, over invented Arabic reports.

The stand-in knows a handful of towns, actors and trigger words; it exists so the HTTP layer and the page
can be tested without the store and the full pipeline. ``StoreBackend`` tests use the real ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from marsad.api.backend import (
    ActorView,
    DocumentSummary,
    DocumentView,
    EventQuery,
    IngestOutcome,
    Page,
)
from marsad.errors import EmptyInputError
from marsad.export.records import ExportEvent
from marsad.model import ControlFact, Document, Event, ExtractionResult, PlaceMention, Provenance, Siege, Span

# Invented fixtures in the style of wire reports (written for these tests).
TOWNS: dict[str, tuple[str, float, float, str]] = {
    "كفرنبودة": ("Kafr Nabudah", 35.4333, 36.5000, "Hama"),
    "سراقب": ("Saraqib", 35.8644, 36.8006, "Idlib"),
    "دوما": ("Douma", 33.5711, 36.4028, "Rif Dimashq"),
    "منبج": ("Manbij", 36.5281, 37.9549, "Aleppo"),
    "تدمر": ("Palmyra", 34.5600, 38.2800, "Homs"),
}
ACTORS: dict[str, str] = {
    "قوات النظام": "syria_government_assad",
    "فصائل المعارضة": "syrian_opposition",
    "قسد": "sdf",
    "تنظيم الدولة": "islamic_state",
}
ACTOR_NAMES: dict[str, tuple[str, str, Any]] = {
    "syria_government_assad": ("Syrian government (Assad)", "Military Forces of Syria (2000-2024)", 1),
    "syrian_opposition": ("Syrian opposition", "Opposition Rebels (Syria)", 2),
    "sdf": ("Syrian Democratic Forces", "SDF: Syrian Democratic Forces", 2),
    "islamic_state": ("Islamic State", "Islamic State (Syria)", 2),
}
TRIGGERS: dict[str, str] = {"اشتباكات": "armed_clash", "قصف": "shelling_artillery_missile",
                            "غارات": "air_drone_strike"}

REPORT_1 = ("حماة - قالت مصادر محلية إن قوات النظام سيطرت على بلدة كفرنبودة بعد اشتباكات عنيفة مع فصائل المعارضة "
            "استمرت ثلاثة أيام. وأضافت المصادر أن قصفا مدفعيا استهدف أطراف سراقب مساء الأحد.")
REPORT_2 = ("ريف دمشق - شنت طائرات حربية غارات على مدينة دوما المحاصرة، فيما تواصل قوات النظام فرض الحصار على "
            "المدينة منذ أشهر.")
REPORT_3 = "حلب - اندلعت اشتباكات بين قسد و تنظيم الدولة قرب منبج صباح اليوم."


@dataclass(frozen=True)
class Actor:
    name_en: str
    acled_name: str
    inter_code: Any


class FakeRegistry:
    def get(self, actor_id: str) -> Actor | None:
        row = ACTOR_NAMES.get(actor_id)
        return Actor(*row) if row else None


def _sentences(text: str) -> list[Span]:
    out, start = [], 0
    for m in re.finditer(r"[.،]\s*|$", text):
        if m.end() > start and text[start:m.start()].strip():
            out.append(Span(start, m.end() if m.group().strip() else m.start()))
        start = m.end()
    return out


def _place(text: str, sent: Span) -> PlaceMention | None:
    for surface, (name, lat, lon, gov) in TOWNS.items():
        i = text.find(surface, sent.start, sent.end)
        if i >= 0:
            return PlaceMention(span=Span(i, i + len(surface)), surface=surface, name_en=name, kind="town",
                                governorate=gov, place_id=f"t-{name.lower().replace(' ', '-')}", lat=lat, lon=lon,
                                geo_precision=1)
    return None


def fake_pipeline(doc: Document) -> ExtractionResult:
    """Events, control facts and sieges found by trigger words, each anchored to its sentence."""
    text = doc.text
    if not text.strip():
        raise EmptyInputError(f"document {doc.id!r} has no text")
    events, control, sieges = [], [], []
    for sent in _sentences(text):
        s = text[sent.start:sent.end]
        actors = sorted((s.find(k), v) for k, v in ACTORS.items() if k in s)
        place = _place(text, sent)
        date = doc.published.isoformat() if doc.published else None
        prov = Provenance(doc_id=doc.id, span=sent, sentence=sent, extractor="fake.v1", confidence=0.7)
        for word, etype in TRIGGERS.items():
            if word in s:
                a1 = actors[0][1] if actors else None
                a2 = actors[1][1] if len(actors) > 1 else None
                events.append(Event(type=etype, actor1=a1, actor2=a2, provenance=prov, place=place, date=date,
                                    time_precision=1, fatalities=None))
        if "سيطرت" in s and actors and place:
            control.append(ControlFact(place=place, controller=actors[0][1], provenance=prov, date=date))
        if "الحصار" in s and actors and place:
            sieges.append(Siege(place=place, status="ongoing", provenance=prov, besieger=actors[0][1]))
    return ExtractionResult(document=doc, events=tuple(events), control=tuple(control), sieges=tuple(sieges),
                            actor_ids=tuple(sorted({e.actor1 for e in events if e.actor1})))


def export_events(result: ExtractionResult, *, start: int = 0) -> list[ExportEvent]:
    doc = result.document
    out = []
    for i, ev in enumerate(result.events):
        p = ev.provenance
        out.append(ExportEvent(id=str(start + i + 1), event=ev, doc_id=doc.id, evidence=p.span.text(doc.text),
                               sentence=p.sentence.text(doc.text), url=doc.url, outlet=doc.outlet,
                               published=doc.published.isoformat() if doc.published else None, sources=1,
                               added=1_700_000_000))
    return out


def _matches(e: ExportEvent, q: EventQuery) -> bool:
    ev = e.event
    date = e.date or ""
    if q.date_from and (not date or date[: len(q.date_from)] < q.date_from):
        return False
    if q.date_to and (not date or date[: len(q.date_to)] > q.date_to):
        return False
    if q.types and ev.type not in q.types:
        return False
    if q.actors and not ({ev.actor1, ev.actor2} & set(q.actors)):
        return False
    pl = ev.place
    if q.governorates and (pl is None or (pl.governorate or "").lower() not in {g.lower() for g in q.governorates}):
        return False
    if q.bbox is not None:
        if pl is None or pl.lat is None or pl.lon is None:
            return False
        w, s, east, n = q.bbox
        if not (s <= pl.lat <= n and w <= pl.lon <= east):
            return False
    if q.text and q.text not in e.sentence:
        return False
    if q.doc_id and e.doc_id != q.doc_id:
        return False
    return e.sources >= q.min_sources


class MemoryBackend:
    """Implements ``marsad.api.backend.Backend`` in memory."""

    def __init__(self, pipeline: Any = fake_pipeline) -> None:
        self.pipeline = pipeline
        self.results: dict[str, ExtractionResult] = {}
        self.events_list: list[ExportEvent] = []
        self._rev = 0
        self._lock = threading.Lock()

    # --- writes
    def ingest(self, docs: Sequence[Document]) -> list[IngestOutcome]:
        out = []
        for doc in docs:
            if doc.id in self.results:
                out.append(IngestOutcome(doc.id, "duplicate"))
                continue
            try:
                res = self.pipeline(doc)
            except Exception as exc:  # the API reports it per document
                err = exc.to_dict() if hasattr(exc, "to_dict") else {"message": str(exc)}
                out.append(IngestOutcome(doc.id, "rejected", error=err))
                continue
            with self._lock:
                self.results[doc.id] = res
                self.events_list.extend(export_events(res, start=len(self.events_list)))
                self._rev += 1
            out.append(IngestOutcome(doc.id, "added", events=len(res.events), control=len(res.control),
                                     sieges=len(res.sieges)))
        return out

    def add_events(self, events: Sequence[ExportEvent]) -> None:
        with self._lock:
            self.events_list.extend(events)
            self._rev += 1

    # --- reads
    def revision(self) -> str:
        return f"mem-{self._rev}"

    def counts(self) -> dict[str, int]:
        return {"documents": len(self.results), "events": len(self.events_list)}

    def documents(self, *, limit: int, offset: int) -> Page[DocumentSummary]:
        docs = list(self.results.values())
        items = tuple(DocumentSummary(r.document.id, r.document.url, r.document.outlet,
                                      r.document.published.isoformat() if r.document.published else None,
                                      r.document.title, len(r.document.text), len(r.events))
                      for r in docs[offset:offset + limit])
        return Page(items, len(docs), limit, offset)

    def document(self, doc_id: str) -> DocumentView | None:
        r = self.results.get(doc_id)
        return DocumentView(r.document, r.to_prediction()) if r else None

    def _sorted(self, q: EventQuery) -> list[ExportEvent]:
        """Oldest first, like the store: by date (else publication date), then insertion order."""
        hits = [(e.date or "", i, e) for i, e in enumerate(self.events_list) if _matches(e, q)]
        return [e for _, _, e in sorted(hits, key=lambda x: (x[0], x[1]))]

    def events(self, query: EventQuery) -> Page[ExportEvent]:
        hits = self._sorted(query)[::-1]
        return Page(tuple(hits[query.offset:query.offset + query.limit]), len(hits), query.limit, query.offset)

    def event(self, event_id: str) -> ExportEvent | None:
        return next((e for e in self.events_list if e.id == event_id), None)

    def iter_events(self, query: EventQuery) -> Iterator[ExportEvent]:
        return iter(self._sorted(query))

    def all_events(self) -> Iterator[ExportEvent]:
        return iter(self._sorted(EventQuery()))

    def date_range(self) -> tuple[str | None, str | None]:
        dates = sorted(d for d in (e.date for e in self.events_list) if d)
        return (dates[0], dates[-1]) if dates else (None, None)

    def _holders(self, day: dt.date) -> dict[str, tuple[ControlFact, str]]:
        held: dict[str, tuple[ControlFact, str]] = {}
        facts = [(c.date or "", c) for r in self.results.values() for c in r.control]
        for date, c in sorted(facts, key=lambda x: x[0]):
            if date and date <= day.isoformat():
                held[c.place.key] = (c, date)
        return held

    def shares(self, day: dt.date) -> list[dict[str, Any]]:
        held = self._holders(day)
        counts: dict[str, int] = {}
        for c, _ in held.values():
            counts[c.controller] = counts.get(c.controller, 0) + 1
        total = sum(counts.values()) or 1
        return [{"actor": a, "percent": round(100.0 * n / total, 2), "km2": 100.0 * n, "units": n}
                for a, n in sorted(counts.items())]

    def control_geojson(self, day: dt.date) -> dict[str, Any]:
        feats = []
        for c, since in self._holders(day).values():
            lat, lon, d = c.place.lat or 0.0, c.place.lon or 0.0, 0.15
            ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
            feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                          "properties": {"actor": c.controller, "unit": c.place.name_en, "since": since}})
        return {"type": "FeatureCollection", "features": feats}

    def sieges(self, day: dt.date | None) -> list[dict[str, Any]]:
        return [{"place": s.place.name_en, "place_ar": s.place.surface, "status": s.status, "besieger": s.besieger,
                 "lat": s.place.lat, "lon": s.place.lon, "doc_id": s.provenance.doc_id}
                for r in self.results.values() for s in r.sieges]

    def sites(self, day: dt.date | None) -> list[dict[str, Any]]:
        return [{"name": "Al-Shaer gas field", "name_ar": "حقل الشاعر", "kind": "oil_gas_field", "lat": 34.83,
                 "lon": 37.75, "holder": None}]

    def claims(self) -> list[dict[str, Any]]:
        return []

    def boundaries(self) -> dict[str, Any] | None:
        def box(name: str, w: float, s: float, e: float, n: float) -> dict[str, Any]:
            ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
            return {"type": "Feature", "properties": {"name_en": name},
                    "geometry": {"type": "Polygon", "coordinates": [ring]}}
        return {"type": "FeatureCollection", "features": [box("Hama", 36.2, 34.9, 37.6, 35.6),
                                                          box("Idlib", 36.2, 35.6, 37.0, 36.3)]}

    def actors(self) -> list[ActorView]:
        ar = {v: k for k, v in ACTORS.items()}
        return [ActorView(i, n[0], ar.get(i, "")) for i, n in ACTOR_NAMES.items()]

    def actor_lookup(self) -> FakeRegistry:
        return FakeRegistry()


def synthetic_events(n: int, *, seed: int = 7) -> list[ExportEvent]:
    """``n`` varied events spread over Syria (for load and clustering tests)."""
    import random

    from marsad.model.facts import EVENT_TYPES

    rng = random.Random(seed)
    towns = list(TOWNS.items())
    actors = list(ACTOR_NAMES)
    out = []
    base = dt.date(2012, 1, 1)
    for i in range(n):
        surface, (name, lat, lon, gov) = towns[i % len(towns)]
        text = f"خبر رقم {i}: {surface}"
        span = Span(0, len(text))
        pl = PlaceMention(span=Span(text.index(surface), len(text)), surface=surface, name_en=name, governorate=gov,
                          lat=lat + rng.uniform(-0.8, 0.8), lon=lon + rng.uniform(-0.8, 0.8), geo_precision=1)
        day = (base + dt.timedelta(days=rng.randrange(0, 5000))).isoformat()
        ev = Event(type=EVENT_TYPES[i % len(EVENT_TYPES)], actor1=actors[i % len(actors)],
                   actor2=actors[(i + 1) % len(actors)], place=pl, date=day, time_precision=1,
                   provenance=Provenance(f"d{i}", span, span, "synthetic", 0.6))
        out.append(ExportEvent(id=str(i + 1), event=ev, doc_id=f"d{i}", evidence=text, sentence=text,
                               published=day, sources=1 + i % 3))
    return out


def doc(text: str, *, published: str = "2019-05-20", outlet: str = "مرصد تجريبي", url: str | None = None) -> Document:
    return Document(id="doc-" + hashlib.sha256(text.encode()).hexdigest()[:16], text=text, outlet=outlet,
                    url=url or "https://example.org/" + hashlib.sha1(text.encode()).hexdigest()[:8],
                    published=dt.date.fromisoformat(published))


def with_date(e: ExportEvent, date: str) -> ExportEvent:
    return replace(e, event=replace(e.event, date=date))


class AsgiClient:
    """A synchronous client over httpx's ASGI transport (no sockets): the app runs in one event loop thread."""

    def __init__(self, app: Any) -> None:
        import anyio.from_thread
        import httpx

        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, **kw: Any) -> Any:
        content = kw.pop("content", None)
        if content is not None and not isinstance(content, (bytes, str)):
            chunks = list(content)

            async def stream() -> AsyncIterator[bytes]:
                for c in chunks:
                    yield c

            kw["content"] = stream()
        elif content is not None:
            kw["content"] = content
        return self._portal.call(lambda: self._client.request(method, url, **kw))

    def get(self, url: str, **kw: Any) -> Any:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.request("POST", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._stack.close()
