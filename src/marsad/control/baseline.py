"""Baseline snapshots: a user's own map of who held what on a date, which the timeline then evolves.

Accepted inputs:

* CSV with a header row: ``place`` (a gazetteer id, an Arabic or English name, or a governorate),
  ``controller`` (an actor id or its English name), ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``);
  optional ``lat``, ``lon``, ``governorate``, ``relation``, ``kind`` and ``source``.
* GeoJSON (a FeatureCollection): the same keys in each feature's ``properties``. A Polygon or
  MultiPolygon geometry is held as drawn (a ``poly:`` unit); a Point locates the place when no gazetteer
  entry is found.

Every row becomes an observation of kind ``baseline``: it ranks below any report of the same day and is
replaced by any later report. The snapshot is saved as normalised GeoJSON (``Baseline.to_geojson``), so the
original file is not needed afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from marsad.control.records import FactRef, Observation, Unit
from marsad.control.timeline import parse_day
from marsad.control.units import canonical_governorate, unit_of
from marsad.errors import ConfigError, MalformedError
from marsad.model.document import Span
from marsad.model.mentions import PlaceMention

Resolver = Callable[[str], PlaceMention | None]


@dataclass(frozen=True, slots=True)
class BaselineRow:
    """One held unit of a snapshot."""

    unit: Unit
    controller: str
    date: dt.date
    row: int
    source: str


@dataclass(frozen=True)
class Baseline:
    """A named snapshot: rows plus the polygons of drawn units."""

    name: str
    rows: tuple[BaselineRow, ...]
    polygons: dict[str, BaseGeometry] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    def observations(self) -> Iterable[Observation]:
        for r in self.rows:
            ref = FactRef(f"baseline:{self.name}", r.row, r.row + 1, "baseline", r.source, r.date, 0.9, r.date)
            yield Observation(r.unit, r.date, "baseline", r.controller, ref, date_basis="baseline")

    def to_geojson(self) -> dict[str, Any]:
        feats = []
        for r in self.rows:
            geom = self.polygons.get(r.unit.unit_id)
            if geom is None and r.unit.lat is not None and r.unit.lon is not None:
                geom_json: Any = {"type": "Point", "coordinates": [r.unit.lon, r.unit.lat]}
            else:
                geom_json = mapping(geom) if geom is not None else None
            feats.append({"type": "Feature", "geometry": geom_json, "properties": {
                "unit_id": r.unit.unit_id, "unit_kind": r.unit.kind, "name": r.unit.name,
                "governorate": r.unit.governorate, "relation": r.unit.relation, "place_id": r.unit.place_id,
                "place_kind": r.unit.place_kind, "controller": r.controller, "date": r.date.isoformat(),
                "row": r.row, "source": r.source}})
        return {"type": "FeatureCollection", "name": self.name, "features": feats}

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any]) -> Baseline:
        """Read back a snapshot saved by ``to_geojson``."""
        rows: list[BaselineRow] = []
        polygons: dict[str, BaseGeometry] = {}
        for f in data.get("features", []):
            p = f["properties"]
            unit = Unit(p["unit_id"], p["unit_kind"], p["name"], governorate=p.get("governorate"),
                        relation=p.get("relation"), place_id=p.get("place_id"), place_kind=p.get("place_kind"))
            geom = f.get("geometry")
            if geom and geom.get("type") == "Point":
                lon, lat = geom["coordinates"][:2]
                unit = Unit(unit.unit_id, unit.kind, unit.name, unit.governorate, unit.relation, unit.place_id,
                            unit.place_kind, float(lat), float(lon))
            elif geom:
                polygons[unit.unit_id] = shape(geom)
            rows.append(BaselineRow(unit, p["controller"], dt.date.fromisoformat(p["date"]), int(p["row"]),
                                    p.get("source") or ""))
        return cls(str(data.get("name") or "baseline"), tuple(rows), polygons)


def _rows_csv(text: str) -> list[tuple[dict[str, str], BaseGeometry | None]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise MalformedError("baseline CSV has no header row")
    return [({(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}, None) for row in reader]


def _rows_geojson(text: str) -> list[tuple[dict[str, str], BaseGeometry | None]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedError(f"baseline GeoJSON is not JSON: {exc}") from exc
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list):
        raise MalformedError("baseline GeoJSON must be a FeatureCollection with features")
    out = []
    for f in feats:
        props = {str(k).lower(): "" if v is None else str(v) for k, v in (f.get("properties") or {}).items()}
        geom = shape(f["geometry"]) if f.get("geometry") else None
        out.append((props, geom))
    return out


def _actor(value: str, actors: Mapping[str, str]) -> str | None:
    v = value.strip()
    if v in actors.values():
        return v
    return actors.get(v.lower())


def parse_baseline(text: str, *, name: str, fmt: str, resolver: Resolver, actors: Mapping[str, str],
                   default_source: str = "user baseline") -> Baseline:
    """Parse a CSV or GeoJSON snapshot. ``actors`` maps lower-cased ids and English names to actor ids.

    Rows whose controller is unknown, whose date is missing, or whose place cannot be located are
    skipped and listed in ``Baseline.skipped`` with the reason.
    """
    rows_in = _rows_csv(text) if fmt == "csv" else _rows_geojson(text)
    rows: list[BaselineRow] = []
    polygons: dict[str, BaseGeometry] = {}
    skipped: list[str] = []
    for i, (props, geom) in enumerate(rows_in, 1):
        place = props.get("place") or props.get("name") or props.get("place_id") or ""
        controller = _actor(props.get("controller", ""), actors)
        day = parse_day(props.get("date") or None)
        source = props.get("source") or default_source
        if controller is None:
            skipped.append(f"row {i}: unknown controller {props.get('controller')!r}")
            continue
        if day is None:
            skipped.append(f"row {i}: no usable date {props.get('date')!r}")
            continue
        if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
            uid = f"poly:{name}:{i}"
            unit = Unit(uid, "polygon", place or uid, governorate=canonical_governorate(props.get("governorate")))
            polygons[uid] = geom
            rows.append(BaselineRow(unit, controller, day, i, source))
            continue
        mention = _locate(props, place, geom, resolver)
        located = unit_of(mention) if mention else None
        if located is None:
            skipped.append(f"row {i}: cannot locate place {place!r}")
            continue
        rows.append(BaselineRow(located, controller, day, i, source))
    if not rows:
        raise ConfigError(f"baseline {name}: no usable rows", detail=skipped[:20])
    return Baseline(name, tuple(rows), polygons, tuple(skipped))


def _locate(props: Mapping[str, str], place: str, geom: BaseGeometry | None,
            resolver: Resolver) -> PlaceMention | None:
    relation = props.get("relation") or None
    gov = canonical_governorate(props.get("governorate") or None)
    if place and canonical_governorate(place) and not props.get("kind"):
        g = canonical_governorate(place)
        return PlaceMention(Span(0, 0), place, name_en=g, kind="governorate", governorate=g, relation=relation)
    found = resolver(place) if place else None
    lat = _num(props.get("lat")) if props.get("lat") else (geom.y if geom is not None else None)
    lon = _num(props.get("lon")) if props.get("lon") else (geom.x if geom is not None else None)
    if found is not None:
        return PlaceMention(Span(0, 0), place, name_en=found.name_en, kind=props.get("kind") or found.kind,
                            governorate=found.governorate or gov, place_id=found.place_id,
                            lat=found.lat if found.lat is not None else lat,
                            lon=found.lon if found.lon is not None else lon, relation=relation)
    if lat is None or lon is None:
        return None
    return PlaceMention(Span(0, 0), place or f"{lat},{lon}", name_en=place or None,
                        kind=props.get("kind") or "village", governorate=gov, lat=lat, lon=lon, relation=relation)


def _num(v: str | None) -> float | None:
    try:
        return float(v) if v else None
    except ValueError:
        return None


def load_baseline_file(path: Path, *, resolver: Resolver, actors: Mapping[str, str],
                       name: str | None = None) -> Baseline:
    """Read a CSV or GeoJSON snapshot from disk (format from the extension)."""
    suffix = path.suffix.lower()
    fmt = "csv" if suffix in (".csv", ".tsv", ".txt") else "geojson" if suffix in (".geojson", ".json") else ""
    if not fmt:
        raise ConfigError(f"baseline must be .csv or .geojson, got {path.name}", value=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc}", value=str(path)) from exc
    return parse_baseline(text, name=name or path.stem, fmt=fmt, resolver=resolver, actors=actors,
                          default_source=f"baseline {path.name}")
