"""Helpers shared by the store and ingest tests: hand-built extraction results and store fixtures."""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.model import (
    ActorMention,
    ControlFact,
    Document,
    Event,
    ExtractionResult,
    PlaceMention,
    Provenance,
    Quantity,
    Siege,
    Span,
)
from marsad.store import Store, open_store

PG_ENV = "MARSAD_TEST_PG"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def require_pg() -> str:
    url = pg_url()
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql://user@host:port/db (not set)")
    return url


@contextlib.contextmanager
def store_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh store URL for ``backend``: a temporary SQLite file, or a new PostgreSQL schema dropped after."""
    if backend == "sqlite":
        yield str(tmp_path / "marsad.db")
        return
    url = require_pg()
    schema = f"marsad_test_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}schema={schema}"
    finally:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextlib.contextmanager
def fresh_store(backend: str, tmp_path: Path) -> Iterator[Store]:
    with store_url(backend, tmp_path) as url, open_store(url) as store:
        yield store


def write_concurrently(url: str, batches: list[list[ExtractionResult]], *, timeout: float = 60) -> list[BaseException]:
    """Each batch written by its own thread through its own connection; the errors they raised."""
    errors: list[BaseException] = []

    def write(batch: list[ExtractionResult]) -> None:
        try:
            with open_store(url) as other:
                for r in batch:
                    other.add(r)
        except BaseException as exc:  # surfaced to the caller
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return errors


def analysed_tables(url: str) -> set[str]:
    """The store's tables that have planner statistics (PostgreSQL: ``reltuples`` set; SQLite: ``sqlite_stat1``)."""
    from marsad.store.backend import connect

    conn = connect(url)
    try:
        if conn.dialect == "postgresql":
            rows = conn.execute("SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                                "AND relkind = 'r' AND reltuples >= 0")
        elif conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"):
            rows = conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            rows = []
        return {str(r[0]) for r in rows}
    finally:
        conn.close()


def place(surface: str, start: int, *, place_id: str | None = None, name_en: str | None = None,
          governorate: str | None = None, lat: float | None = None, lon: float | None = None) -> PlaceMention:
    return PlaceMention(span=Span(start, start + len(surface)), surface=surface, name_en=name_en,
                        governorate=governorate, place_id=place_id, lat=lat, lon=lon, geo_precision=1,
                        kind="town")


class ResultBuilder:
    """Build an ``ExtractionResult`` by hand: spans are found by searching the text."""

    def __init__(self, doc_id: str, text: str, *, url: str | None = None, outlet: str | None = None,
                 published: str | None = None) -> None:
        import datetime as dt

        self.doc = Document(id=doc_id, text=text, url=url, outlet=outlet,
                            published=dt.date.fromisoformat(published) if published else None)
        self.events: list[Event] = []
        self.control: list[ControlFact] = []
        self.sieges: list[Siege] = []
        self.quantities: list[Quantity] = []
        self.suppressed: list[Event] = []
        self.actors: list[ActorMention] = []
        self.places: list[PlaceMention] = []

    def span(self, needle: str) -> Span:
        start = self.doc.text.index(needle)
        return Span(start, start + len(needle))

    def prov(self, evidence: str, confidence: float = 0.8) -> Provenance:
        sp = self.span(evidence)
        return Provenance(doc_id=self.doc.id, span=sp, sentence=Span(0, len(self.doc.text)),
                          extractor="test/1", confidence=confidence)

    def place(self, surface: str, **kw: object) -> PlaceMention:
        pm = place(surface, self.doc.text.index(surface), **kw)  # type: ignore[arg-type]
        self.places.append(pm)
        return pm

    def actor(self, surface: str, actor_id: str) -> ActorMention:
        am = ActorMention(span=self.span(surface), surface=surface, actor_id=actor_id)
        self.actors.append(am)
        return am

    def event(self, type_: str, actor1: str | None, evidence: str, *, actor2: str | None = None,
              place: PlaceMention | None = None, date: str | None = None, suppressed: bool = False,
              fatalities: int | None = None) -> ResultBuilder:
        ev = Event(type=type_, actor1=actor1, actor2=actor2, provenance=self.prov(evidence), place=place, date=date,
                   fatalities=fatalities, modality="hypothetical" if suppressed else "asserted")
        (self.suppressed if suppressed else self.events).append(ev)
        return self

    def control_fact(self, controller: str, evidence: str, *, place: PlaceMention, date: str | None = None,
                     previous: str | None = None) -> ResultBuilder:
        self.control.append(ControlFact(place=place, controller=controller, provenance=self.prov(evidence),
                                        previous=previous, date=date))
        return self

    def siege(self, evidence: str, *, place: PlaceMention, besieger: str, status: str = "ongoing",
              since: str | None = None) -> ResultBuilder:
        self.sieges.append(Siege(place=place, status=status, provenance=self.prov(evidence),  # type: ignore[arg-type]
                                 besieger=besieger, since=since))
        return self

    def quantity(self, metric: str, value: float, evidence: str, *, subject: str | None = None,
                 unit: str = "count") -> ResultBuilder:
        self.quantities.append(Quantity(metric=metric, value=value, provenance=self.prov(evidence), unit=unit,
                                        subject=subject))
        return self

    def build(self) -> ExtractionResult:
        return ExtractionResult(document=self.doc, actors=tuple(self.actors), places=tuple(self.places),
                                events=tuple(self.events), control=tuple(self.control), sieges=tuple(self.sieges),
                                quantities=tuple(self.quantities), suppressed=tuple(self.suppressed),
                                actor_ids=tuple(sorted({a.actor_id for a in self.actors})))


def simple_result(doc_id: str, text: str, **kw: object) -> ExtractionResult:
    return ResultBuilder(doc_id, text, **kw).build()  # type: ignore[arg-type]
