"""The production ``GeoContext``: boundaries from ``marsad.geo.boundaries``, settlements and sites from the gazetteer.

Both are imported when first used, never at import time. ``fingerprint`` identifies the geometry inputs so
that cached area models are rebuilt when the boundaries or the gazetteer change.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from marsad.control.area import Settlement
from marsad.control.sites import Site, sites_from_places
from marsad.control.units import GOVERNORATES
from marsad.errors import ConfigError

SETTLEMENT_PLACE_KINDS = frozenset({"city", "town", "village"})


def _boundaries() -> Any:
    try:
        return importlib.import_module("marsad.geo.boundaries")
    except ImportError as exc:  # the boundaries module is another component; say so plainly
        raise ConfigError("governorate boundaries are not available (marsad.geo.boundaries is missing); "
                          "control shares and maps need them") from exc


@dataclass(frozen=True)
class GazetteerGeo:
    """Boundaries + gazetteer. ``gazetteer_path`` is an optional user gazetteer layered over the bundled one."""

    gazetteer_path: Path | None = None
    _cache: dict[tuple[str, str], BaseGeometry | None] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def gazetteer(self) -> Any:
        from marsad.geo.gazetteer import Gazetteer

        return Gazetteer.load(extra=self.gazetteer_path)

    def outline(self) -> BaseGeometry:
        return _boundaries().syria_outline()

    def governorates(self) -> dict[str, BaseGeometry]:
        govs = dict(_boundaries().governorates())
        unknown = sorted(set(govs) - set(GOVERNORATES))
        if unknown:
            raise ConfigError(f"boundaries name unknown governorates: {', '.join(unknown)}")
        return govs

    def relational_region(self, governorate: str, relation: str) -> BaseGeometry | None:
        key = (governorate, relation)
        if key not in self._cache:
            try:
                self._cache[key] = _boundaries().relational_region(governorate, relation)
            except (KeyError, ValueError, ConfigError):
                self._cache[key] = None
        return self._cache[key]

    def area_km2(self, geom: BaseGeometry) -> float:
        return float(_boundaries().area_km2(geom))

    def settlements(self) -> Sequence[Settlement]:
        out = []
        for p in self.gazetteer.places:
            if p.kind in SETTLEMENT_PLACE_KINDS and p.country in (None, "SY") and p.lat is not None \
                    and p.lon is not None:
                out.append(Settlement(p.place_id, p.name_en, p.lat, p.lon, p.governorate, p.population or None))
        return out

    def sites(self) -> tuple[Site, ...]:
        return sites_from_places(self.gazetteer.places)

    def resolve(self, name: str) -> Any:
        """A place mention for a baseline row's place: a gazetteer id, an Arabic name or an English name."""
        from marsad.model.document import Span
        from marsad.model.mentions import PlaceMention

        gaz = self.gazetteer
        place = gaz.get(name)
        if place is None:
            hits = [p for p in gaz.lookup(name) if p.country in (None, "SY")]
            if not hits:
                low = name.strip().lower()
                hits = [p for p in gaz.places if p.name_en.lower() == low and p.country in (None, "SY")]
            place = max(hits, key=lambda p: p.population) if hits else None
        if place is None:
            return None
        return PlaceMention(Span(0, 0), name, name_en=place.name_en, kind=place.kind, governorate=place.governorate,
                            place_id=place.place_id, lat=place.lat, lon=place.lon)

    def fingerprint(self) -> str:
        """Changes when the boundaries module or the gazetteer content change."""
        h = hashlib.sha256()
        h.update(shapely.to_wkb(self.outline()))
        for name, geom in sorted(self.governorates().items()):
            h.update(name.encode() + shapely.to_wkb(geom))
        for s in self.settlements():
            h.update(f"{s.place_id}|{s.lat:.5f}|{s.lon:.5f}\n".encode())
        return h.hexdigest()[:16]
