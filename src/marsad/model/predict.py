"""Serialise an ``ExtractionResult`` into the gold/prediction JSON shape, with richer fields kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from marsad.model.facts import Provenance
    from marsad.model.mentions import PlaceMention
    from marsad.model.result import ExtractionResult


def _prov(p: Provenance, text: str) -> dict[str, Any]:
    return {
        "evidence_span": [p.span.start, p.span.end],
        "evidence": text[p.span.start : p.span.end],
        "sentence_span": [p.sentence.start, p.sentence.end],
        "confidence": round(p.confidence, 3),
        "extractor": p.extractor,
    }


def _place(pl: PlaceMention | None) -> dict[str, Any]:
    if pl is None:
        return {"place_surface": None, "place": None}
    return {
        "place_surface": pl.surface,
        "place": pl.name_en or pl.surface,
        "place_id": pl.place_id,
        "place_span": [pl.span.start, pl.span.end],
        "governorate": pl.governorate,
        "lat": pl.lat,
        "lon": pl.lon,
        "geo_precision": pl.geo_precision,
    }


def _distinct_places(places: Any) -> list[Any]:
    """One entry per place (gold convention «places are exhaustive, one entry per place»): the first mention of
    each ``PlaceMention.key`` (gazetteer id plus relation, or the surface when unresolved)."""
    seen: set[str] = set()
    out = []
    for p in places:
        if p.key not in seen:
            seen.add(p.key)
            out.append(p)
    return out


def prediction(res: ExtractionResult, *, include_suppressed: bool = False) -> dict[str, Any]:
    from marsad.model.facts import ControlFact, Event, Quantity, Siege

    doc = res.document
    text = doc.text

    def event(e: Event) -> dict[str, Any]:
        return {
            "type": e.type, "actor1": e.actor1, "actor2": e.actor2, **_place(e.place), "date": e.date,
            "time_precision": e.time_precision, "fatalities": e.fatalities, "modality": e.modality,
            "assoc_actors": list(e.assoc_actors), **_prov(e.provenance, text),
        }

    def control(c: ControlFact) -> dict[str, Any]:
        return {"controller": c.controller, "previous": c.previous, **_place(c.place), "date": c.date,
                "modality": c.modality, **_prov(c.provenance, text)}

    def siege(s: Siege) -> dict[str, Any]:
        return {"besieger": s.besieger, "besieged": s.besieged, "status": s.status, **_place(s.place),
                "since": s.since, "until": s.until, "population": s.population, "modality": s.modality,
                **_prov(s.provenance, text)}

    def quantity(q: Quantity) -> dict[str, Any]:
        return {"subject": q.subject, "metric": q.metric, "value": q.value, "unit": q.unit, "scope": q.scope,
                "baseline": q.baseline, "hedge": q.hedge, "as_of": q.as_of, "is_change": q.is_change,
                "modality": q.modality, **_prov(q.provenance, text)}

    out: dict[str, Any] = {
        "id": doc.id,
        "published": doc.published.isoformat() if doc.published else None,
        "actors": list(res.actor_ids),
        "places": [
            {"surface": p.surface, "span": [p.span.start, p.span.end], "name_en": p.name_en, "kind": p.kind,
             "governorate": p.governorate, "place_id": p.place_id, "lat": p.lat, "lon": p.lon,
             "geo_precision": p.geo_precision, "country": p.country, "relation": p.relation,
             "resolved": p.resolved}
            for p in _distinct_places(res.places)
        ],
        "events": [event(e) for e in res.events],
        "control": [control(c) for c in res.control],
        "sieges": [siege(s) for s in res.sieges],
        "quantities": [quantity(q) for q in res.quantities],
        "actor_mentions": [{"surface": a.surface, "span": [a.span.start, a.span.end], "actor_id": a.actor_id,
                            "kind": a.kind} for a in res.actors],
        "times": [{"surface": t.surface, "span": [t.span.start, t.span.end], "value": t.value,
                   "precision": t.precision} for t in res.times],
    }
    if res.warnings:
        out["warnings"] = list(res.warnings)
    if include_suppressed:
        sup = []
        for f in res.suppressed:
            if isinstance(f, Event):
                sup.append({"kind": "event", **event(f)})
            elif isinstance(f, ControlFact):
                sup.append({"kind": "control", **control(f)})
            elif isinstance(f, Siege):
                sup.append({"kind": "siege", **siege(f)})
            elif isinstance(f, Quantity):
                sup.append({"kind": "quantity", **quantity(f)})
        out["suppressed"] = sup
    return out
