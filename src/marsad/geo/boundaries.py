"""Syria's outline and governorate polygons, relational regions, and equal-area measurement.

The polygons come from ``data/boundaries.geojson`` (Natural Earth 1:10m, public domain), built by
``tools/build_boundaries.py``. They are read once on first use (``functools.cache`` on the loader).

Relational regions follow the place recogniser's ``relation`` codes: ``countryside`` (the governorate outside
its capital), ``countryside:east`` (the part of that countryside east of the capital), compound directions
``countryside:north-west``, and ``part:east`` (the eastern part of the whole governorate).
"""

from __future__ import annotations

import json
import math
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from marsad.errors import ConfigError, DataFileError

AEA = "+proj=aea +lat_1=33 +lat_2=36.5 +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"
# Capital of each governorate (lon, lat), from the bundled gazetteer's GeoNames coordinates.
CAPITALS: dict[str, tuple[float, float]] = {
    "Damascus": (36.29128, 33.5102), "Rif Dimashq": (36.29128, 33.5102), "Aleppo": (37.16117, 36.20124),
    "Homs": (36.72339, 34.72682), "Hama": (36.75783, 35.13179), "Latakia": (35.78674, 35.53168),
    "Tartus": (35.88667, 34.88902), "Idlib": (36.63393, 35.93062), "Raqqa": (39.00624, 35.95283),
    "Deir ez-Zor": (40.14084, 35.33588), "Hasakah": (40.74772, 36.50237), "Daraa": (36.10628, 32.61889),
    "Suwayda": (36.56649, 32.70896), "Quneitra": (35.82389, 33.12611),
}
_CITY_RADIUS_KM = {"Aleppo": 12.0, "Damascus": 0.0, "Homs": 8.0, "Hama": 6.0}
_VECTORS = {"north": (0.0, 1.0), "south": (0.0, -1.0), "east": (1.0, 0.0), "west": (-1.0, 0.0)}


@cache
def _features() -> dict[str, Any]:
    try:
        raw = resources.files("marsad.data").joinpath("boundaries.geojson").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError("no bundled boundaries.geojson (run tools/build_boundaries.py)") from exc
    from shapely.geometry import shape

    out: dict[str, Any] = {}
    for feat in json.loads(raw)["features"]:
        out[feat["properties"]["name"]] = shape(feat["geometry"])
    return out


def syria_outline() -> Any:
    """Syria's outline (a shapely (Multi)Polygon in lon/lat)."""
    return _features()["Syria"]


def governorates() -> dict[str, Any]:
    """Governorate polygons keyed by canonical English name (Damascus, Rif Dimashq, Aleppo, ...)."""
    return {k: v for k, v in _features().items() if k != "Syria"}


def governorate_at(lat: float, lon: float) -> str | None:
    """The governorate containing a point, or ``None`` outside Syria."""
    from shapely.geometry import Point

    pt = Point(lon, lat)
    for name, geom in governorates().items():
        if geom.contains(pt):
            return name
    return None


@cache
def _transformer() -> Any:
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:4326", AEA, always_xy=True)


def area_km2(geom: Any) -> float:
    """Area in km² in an Albers equal-area projection centred on Syria."""
    import numpy as np
    import shapely

    tr = _transformer()

    def project(coords: Any) -> Any:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return float(shapely.transform(geom, project).area) / 1e6


def _direction_vector(direction: str) -> tuple[float, float]:
    dx = dy = 0.0
    for part in direction.split("-"):
        if part not in _VECTORS:
            raise ConfigError(f"unknown direction {part!r} in {direction!r}", value=direction)
        vx, vy = _VECTORS[part]
        dx, dy = dx + vx, dy + vy
    norm = math.hypot(dx, dy)
    if norm == 0:
        raise ConfigError(f"direction {direction!r} cancels out", value=direction)
    return dx / norm, dy / norm


def half_plane(origin: tuple[float, float], direction: str, *, size: float = 20.0) -> Any:
    """A large polygon covering the side of ``origin`` (lon, lat) that ``direction`` points to."""
    from shapely.geometry import Polygon

    dx, dy = _direction_vector(direction)
    px, py = -dy, dx  # perpendicular
    ox, oy = origin
    return Polygon([(ox + px * size, oy + py * size), (ox + px * size + dx * size, oy + py * size + dy * size),
                    (ox - px * size + dx * size, oy - py * size + dy * size), (ox - px * size, oy - py * size)])


def _city_disc(governorate: str) -> Any:
    from shapely.geometry import Point

    lon, lat = CAPITALS[governorate]
    radius_km = _CITY_RADIUS_KM.get(governorate, 4.0)
    if radius_km <= 0:
        return Point(lon, lat).buffer(0)
    deg = radius_km / 111.0
    return Point(lon, lat).buffer(deg / max(math.cos(math.radians(lat)), 0.1), quad_segs=16)


def relational_region(governorate: str, relation: str) -> Any:
    """The part of ``governorate`` that ``relation`` names.

    ``countryside`` → the governorate minus its capital city; ``countryside:east`` → that countryside east of
    the capital; ``part:east`` → the governorate east of its capital; ``None``/``""`` → the whole governorate.
    For «ريف دمشق» pass ``("Damascus", "countryside")`` or ``("Rif Dimashq", "countryside")``: both give Rif Dimashq.
    """
    polys = governorates()
    if governorate not in polys:
        raise ConfigError(f"unknown governorate {governorate!r}", value=governorate)
    base, _, direction = (relation or "").partition(":")
    geom = polys[governorate]
    if base == "countryside":
        if governorate == "Damascus":
            governorate, geom = "Rif Dimashq", polys["Rif Dimashq"]
        else:
            geom = geom.difference(_city_disc(governorate))
    elif base not in ("", "part", "near"):
        raise ConfigError(f"unknown relation {relation!r}", value=relation)
    if direction and direction != "centre":
        geom = geom.intersection(half_plane(CAPITALS[governorate], direction))
    return geom


def syria_part(direction: str) -> Any:
    """The part of Syria on the ``direction`` side of its centroid («شرق سوريا» → ``syria_part("east")``)."""
    outline = syria_outline()
    c = outline.centroid
    return outline.intersection(half_plane((c.x, c.y), direction)) if direction else outline


@lru_cache(maxsize=512)
def region_point(governorate: str | None, relation: str) -> tuple[float, float] | None:
    """A representative (lat, lon) inside a relational region; ``governorate=None`` means Syria as a whole."""
    direction = relation.partition(":")[2]
    if direction == "centre":
        direction = ""
    try:
        geom = syria_part(direction) if governorate is None else relational_region(governorate, relation)
    except ConfigError:
        return None
    if geom.is_empty:
        return None
    pt = geom.representative_point()
    return round(pt.y, 4), round(pt.x, 4)
