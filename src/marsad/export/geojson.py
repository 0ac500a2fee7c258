"""GeoJSON (RFC 7946) FeatureCollections of events, sieges and control areas.

Properties are flat scalars (lists joined with ``;``) so QGIS and geopandas read them as plain columns.
A record without coordinates keeps its feature with ``"geometry": null``, which RFC 7946 allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from marsad.export.records import ExportEvent, padded_date
from marsad.model.facts import Siege
from marsad.model.mentions import PlaceMention


def _point(place: PlaceMention | None) -> dict[str, Any] | None:
    if place is None or place.lat is None or place.lon is None:
        return None
    return {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}


def event_feature(rec: ExportEvent) -> dict[str, Any]:
    ev = rec.event
    pl = ev.place
    p = ev.provenance
    props = {
        "id": rec.id, "type": ev.type, "actor1": ev.actor1 or "", "actor2": ev.actor2 or "",
        "assoc_actors": ";".join(ev.assoc_actors), "date": rec.date or "", "event_date": padded_date(rec.date),
        "time_precision": ev.time_precision, "fatalities": ev.fatalities if ev.fatalities is not None else -1,
        "place": (pl.name_en or pl.surface) if pl else "", "place_ar": pl.surface if pl else "",
        "governorate": (pl.governorate or "") if pl else "", "geo_precision": pl.geo_precision if pl else 3,
        "modality": ev.modality, "evidence": rec.evidence, "evidence_start": p.span.start,
        "evidence_end": p.span.end, "confidence": round(p.confidence, 3), "sources": rec.sources,
        "doc_id": rec.doc_id, "url": rec.url or "", "outlet": rec.outlet or "",
    }
    return {"type": "Feature", "id": rec.id, "geometry": _point(pl), "properties": props}


def siege_feature(siege: Siege, *, fid: str, evidence: str = "") -> dict[str, Any]:
    pl = siege.place
    props = {
        "id": fid, "place": pl.name_en or pl.surface, "place_ar": pl.surface, "governorate": pl.governorate or "",
        "status": siege.status, "besieger": siege.besieger or "", "besieged": siege.besieged or "",
        "since": siege.since or "", "until": siege.until or "",
        "population": siege.population if siege.population is not None else -1,
        "doc_id": siege.provenance.doc_id, "evidence": evidence,
    }
    return {"type": "Feature", "id": fid, "geometry": _point(pl), "properties": props}


def collection(features: Iterable[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def normalise_collection(data: Mapping[str, Any]) -> dict[str, Any]:
    """A control-area collection from the control module, checked to be a FeatureCollection."""
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        from marsad.errors import MalformedError

        raise MalformedError("control layer is not a GeoJSON FeatureCollection")
    return dict(data)


def sieges_collection(sieges: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Point features from the control layer's siege items (``lat``/``lon`` plus flat properties)."""
    feats = []
    for s in sieges:
        lat, lon = s.get("lat"), s.get("lon")
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        props = {k: (v if isinstance(v, (str, int, float, bool)) or v is None else json.dumps(v, ensure_ascii=False))
                 for k, v in s.items() if k not in ("lat", "lon")}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def iter_geojson(features: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Stream a FeatureCollection as text chunks (large exports never sit in memory whole)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for feat in features:
        yield ("" if first else ",\n") + json.dumps(feat, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def write_geojson(features: Iterable[Mapping[str, Any]], fp: TextIO) -> int:
    n = 0

    def counted() -> Iterator[Mapping[str, Any]]:
        nonlocal n
        for f in features:
            n += 1
            yield f

    for chunk in iter_geojson(counted()):
        fp.write(chunk)
    return n
