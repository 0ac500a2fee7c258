"""Small hand-built facts, places and a synthetic map for the control tests (no gazetteer, no store)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from marsad.control.area import Settlement
from marsad.control.source import DocFacts, MemorySource
from marsad.model import ControlFact, Event, PlaceMention, Provenance, Quantity, Siege, Span

_counter = itertools.count()


def prov(doc: str = "d1", conf: float = 0.8, start: int | None = None) -> Provenance:
    s = next(_counter) * 10 if start is None else start
    return Provenance(doc, Span(s, s + 5), Span(s, s + 9), "test", conf)


def town(pid: str, name: str, gov: str = "Aleppo", lat: float = 36.0, lon: float = 37.0,
         kind: str = "town") -> PlaceMention:
    return PlaceMention(Span(0, 1), name, name_en=name, kind=kind, governorate=gov, place_id=pid, lat=lat,
                        lon=lon, geo_precision=1)


def gov(name: str) -> PlaceMention:
    return PlaceMention(Span(0, 1), name, name_en=f"{name} Governorate", kind="governorate", governorate=name)


def region(gov_name: str, relation: str) -> PlaceMention:
    return PlaceMention(Span(0, 1), f"ريف {gov_name}", name_en=gov_name, kind="governorate",
                        governorate=gov_name, relation=relation, geo_precision=2)


def event(type_: str, actor1: str | None, place: PlaceMention | None, date: str | None, *,
          actor2: str | None = None, doc: str = "d1", conf: float = 0.8) -> Event:
    return Event(type_, actor1, prov(doc, conf), actor2=actor2, place=place, date=date)


def control(place: PlaceMention, controller: str, date: str | None, *, previous: str | None = None,
            doc: str = "d1", conf: float = 0.8) -> ControlFact:
    return ControlFact(place, controller, prov(doc, conf), previous=previous, date=date)


def siege(place: PlaceMention, status: str, *, besieger: str | None = None, besieged: str | None = None,
          since: str | None = None, until: str | None = None, population: int | None = None,
          doc: str = "d1") -> Siege:
    return Siege(place, status, prov(doc), besieger=besieger, besieged=besieged, since=since,  # type: ignore[arg-type]
                 until=until, population=population)


def share(subject: str | None, value: float, *, doc: str = "d1", start: int | None = None,
          baseline: str | None = None, as_of: str | None = None, is_change: bool = False,
          scope: str | None = "Syria", hedge: str | None = None, metric: str = "share_of_territory",
          unit: str = "percent") -> Quantity:
    return Quantity(metric, value, prov(doc, 0.8, start), unit=unit, subject=subject, scope=scope,
                    baseline=baseline, as_of=as_of, is_change=is_change, hedge=hedge)


@dataclass
class DocBuilder:
    """Collects facts per document and builds a ``MemorySource``."""

    docs: dict[str, DocFacts] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def add(self, doc_id: str, *, outlet: str | None = None, published: str | None = None,
            events: tuple[Event, ...] = (), control: tuple[ControlFact, ...] = (),
            sieges: tuple[Siege, ...] = (), quantities: tuple[Quantity, ...] = (),
            text: str | None = None, title: str | None = None) -> DocBuilder:
        pub = dt.date.fromisoformat(published) if published else None
        self.docs[doc_id] = DocFacts(doc_id, outlet, pub, title, events, control, sieges, quantities)
        if text is not None:
            self.texts[doc_id] = text
        return self

    def source(self) -> MemorySource:
        return MemorySource(tuple(self.docs.values()), dict(self.texts))


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@dataclass(frozen=True)
class FakeGeo:
    """A synthetic country: two square 'governorates', West (0..2) and East (2..4), 0..2 high.

    Areas are planar: one degree squared is 100 km², so the country is 800 km².
    """

    settlements_: tuple[Settlement, ...]

    def outline(self) -> BaseGeometry:
        return box(0, 0, 4, 2)

    def governorates(self) -> dict[str, BaseGeometry]:
        return {"Aleppo": box(0, 0, 2, 2), "Raqqa": box(2, 0, 4, 2)}

    def relational_region(self, governorate: str, relation: str) -> BaseGeometry | None:
        g = self.governorates().get(governorate)
        if g is None:
            return None
        x0, y0, x1, y1 = g.bounds
        mid = (x0 + x1) / 2
        halves = {"countryside:east": box(mid, y0, x1, y1), "east": box(mid, y0, x1, y1),
                  "countryside:west": box(x0, y0, mid, y1), "west": box(x0, y0, mid, y1)}
        return halves.get(relation)

    def area_km2(self, geom: BaseGeometry) -> float:
        return float(geom.area) * 100.0

    def settlements(self) -> tuple[Settlement, ...]:
        return self.settlements_


def fake_geo() -> FakeGeo:
    """Eight settlements, one at the centre of each 1x1 square: A1..A4 in Aleppo, R1..R4 in Raqqa."""
    pts: list[Settlement] = []
    names = {(0.5, 0.5): "A1", (1.5, 0.5): "A2", (0.5, 1.5): "A3", (1.5, 1.5): "A4",
             (2.5, 0.5): "R1", (3.5, 0.5): "R2", (2.5, 1.5): "R3", (3.5, 1.5): "R4"}
    for (x, y), n in names.items():
        pts.append(Settlement(n, n, lat=y, lon=x, governorate="Aleppo" if n[0] == "A" else "Raqqa",
                              population=1000))
    return FakeGeo(tuple(pts))


def square(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return box(x0, y0, x1, y1)
