"""The area model: Syria cut into small *atoms* that control can be attributed to.

Every settlement (a populated place from the gazetteer) gets its Voronoi cell; cells are clipped to the
governorates (and the country outline). One atom is one cell's part in one governorate (slivers of the outline
that no governorate polygon covers join the nearest governorate), so the atoms tile the country exactly and
shares always add up to 100%. Areas are equal-area km² (``GeoContext.area_km2``) of edges densified to ~2 km.

* a town fact attributes its settlement's cell (in the town's own governorate);
* a relational region («ريف حلب الشرقي») attributes every cell of that governorate whose settlement lies in
  the region's polygon (``boundaries.relational_region``);
* a governorate fact attributes every cell of the governorate;
* a user baseline polygon attributes every cell whose settlement lies inside it;
* sites (airbases, fields, crossings) are points and carry no area of their own.

``populated`` area is the part of each cell within ``populated_km`` of its settlement (a disc): the
desert far from any populated place drops out of both the numerator and the denominator.

Geometry comes through ``GeoContext`` (``marsad.geo.boundaries`` + the gazetteer in production; a
synthetic map in tests). Build once, then reuse: an ``AreaModel`` is picklable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from marsad.model.base import Record

KM_PER_DEGREE = 111.32
SEGMENT_DEGREES = 0.02  # densify edges to ~2 km before measuring


@dataclass(frozen=True, slots=True)
class Settlement(Record):
    """A populated place used as a Voronoi seed."""

    place_id: str
    name: str
    lat: float
    lon: float
    governorate: str | None = None
    population: int | None = None


class GeoContext(Protocol):
    """The geometry control needs. Coordinates are lon/lat (EPSG:4326)."""

    def outline(self) -> BaseGeometry: ...

    def governorates(self) -> dict[str, BaseGeometry]: ...

    def relational_region(self, governorate: str, relation: str) -> BaseGeometry | None: ...

    def area_km2(self, geom: BaseGeometry) -> float: ...

    def settlements(self) -> Sequence[Settlement]: ...


@dataclass(frozen=True)
class AreaModel:
    """Atoms (cell ∩ governorate), their areas and representative points. Immutable once built."""

    atoms: tuple[BaseGeometry, ...]
    atom_gov: tuple[str | None, ...]
    atom_settlement: np.ndarray  # int32: index into ``settlements`` of the atom's seed, -1 for none
    atom_home: np.ndarray  # bool: the seed lies in the atom's governorate
    atom_x: np.ndarray  # float64: the point that decides region membership
    atom_y: np.ndarray
    area_total: np.ndarray  # float64 km²
    area_populated: np.ndarray  # float64 km²
    settlements: tuple[Settlement, ...]
    outline_km2: float
    populated_km: float
    _by_place: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _tree: shapely.STRtree | None = field(default=None, repr=False, compare=False)

    @property
    def total_km2(self) -> float:
        return float(self.area_total.sum())

    @property
    def populated_total_km2(self) -> float:
        return float(self.area_populated.sum())

    def settlement_index(self, place_id: str) -> int | None:
        return self._by_place.get(place_id)

    def atoms_of_settlement(self, idx: int) -> np.ndarray:
        return np.flatnonzero((self.atom_settlement == idx) & self.atom_home)

    def atoms_of_governorate(self, gov: str) -> np.ndarray:
        return np.array([i for i, g in enumerate(self.atom_gov) if g == gov], dtype=np.int64)

    def atoms_within(self, geom: BaseGeometry, *, governorate: str | None = None) -> np.ndarray:
        """Atoms whose deciding point lies in ``geom`` (optionally only within one governorate)."""
        inside = shapely.contains_xy(geom, self.atom_x, self.atom_y)
        if governorate is not None:
            inside &= np.array([g == governorate for g in self.atom_gov], dtype=bool)
        return np.flatnonzero(inside)

    def atom_at(self, lon: float, lat: float) -> int | None:
        """The atom containing a point, or ``None`` outside the country."""
        p = Point(lon, lat)
        cands = self._tree.query(p) if self._tree is not None else range(len(self.atoms))
        hits = sorted(int(i) for i in cands if self.atoms[int(i)].covers(p))
        return hits[0] if hits else None


def _seeds(settlements: Sequence[Settlement], outline: BaseGeometry) -> list[Settlement]:
    seen: set[tuple[float, float]] = set()
    out: list[Settlement] = []
    for s in settlements:
        key = (round(s.lon, 5), round(s.lat, 5))
        if key in seen or not outline.covers(Point(s.lon, s.lat)):
            continue
        seen.add(key)
        out.append(s)
    return out


def _disc(lon: float, lat: float, km: float, km_per_degree: float, planar: bool) -> BaseGeometry:
    r = km / km_per_degree
    xscale = 1.0 if planar else 1.0 / max(math.cos(math.radians(lat)), 0.05)
    circle = Point(0.0, 0.0).buffer(r, quad_segs=16)
    return shapely.affinity.translate(shapely.affinity.scale(circle, xfact=xscale, origin=(0, 0)), lon, lat)


def _area(geo: GeoContext, geom: BaseGeometry) -> float:
    """Equal-area km², with long edges densified first (a straight lon/lat edge is curved once projected)."""
    return float(geo.area_km2(shapely.segmentize(geom, SEGMENT_DEGREES)))


def build_area_model(geo: GeoContext, *, populated_km: float = 10.0, km_per_degree: float = KM_PER_DEGREE,
                     planar: bool = False) -> AreaModel:
    """Cut the country into atoms.

    ``km_per_degree`` and ``planar`` set the populated disc's scale: lon/lat degrees by default (longitude
    stretched by 1/cos(lat)); a planar synthetic map in tests.
    """
    outline = geo.outline()
    govs = {name: g.intersection(outline) for name, g in geo.governorates().items()}
    seeds = _seeds(geo.settlements(), outline)
    if len(seeds) >= 2:
        cells = list(shapely.voronoi_polygons(MultiPoint([(s.lon, s.lat) for s in seeds]),
                                              extend_to=outline, ordered=True).geoms)
    else:
        cells = [outline]
    gov_names = list(govs)
    gov_tree = shapely.STRtree([govs[n] for n in gov_names])
    covered = shapely.union_all(list(govs.values())) if govs else shapely.Polygon()
    residual = outline.difference(covered)
    atoms: list[BaseGeometry] = []
    atom_gov: list[str | None] = []
    atom_seed: list[int] = []
    for i, cell in enumerate(cells):
        seed = i if i < len(seeds) else -1
        cell = cell.intersection(outline)
        if cell.is_empty:
            continue
        mine: dict[str | None, int] = {}
        for j in gov_tree.query(cell, predicate="intersects"):
            part = cell.intersection(govs[gov_names[int(j)]])
            if part.area > 0:
                mine[gov_names[int(j)]] = len(atoms)
                atoms.append(part)
                atom_gov.append(gov_names[int(j)])
                atom_seed.append(seed)
        if residual.area > 0:
            # slivers of the outline that no governorate polygon covers join the nearest governorate
            for piece in getattr(cell.intersection(residual), "geoms", [cell.intersection(residual)]):
                if piece.area <= 0 or piece.geom_type != "Polygon":
                    continue
                near = gov_tree.nearest(piece.representative_point()) if gov_names else None
                name = gov_names[int(near)] if near is not None else None
                if name in mine:
                    atoms[mine[name]] = atoms[mine[name]].union(piece)
                else:
                    mine[name] = len(atoms)
                    atoms.append(piece)
                    atom_gov.append(name)
                    atom_seed.append(seed)
    home = np.zeros(len(atoms), dtype=bool)
    xs = np.zeros(len(atoms))
    ys = np.zeros(len(atoms))
    populated = np.zeros(len(atoms))
    for k, (atom, seed) in enumerate(zip(atoms, atom_seed, strict=True)):
        if seed >= 0:
            s = seeds[seed]
            pt = Point(s.lon, s.lat)
            home[k] = atom.covers(pt)
            if home[k]:
                xs[k], ys[k] = s.lon, s.lat
            else:
                rp = atom.representative_point()
                xs[k], ys[k] = rp.x, rp.y
            near = atom.intersection(_disc(s.lon, s.lat, populated_km, km_per_degree, planar))
            populated[k] = _area(geo, near) if not near.is_empty else 0.0
        else:
            rp = atom.representative_point()
            xs[k], ys[k] = rp.x, rp.y
    totals = np.array([_area(geo, a) for a in atoms], dtype=np.float64)
    by_place = {s.place_id: i for i, s in enumerate(seeds)}
    return AreaModel(tuple(atoms), tuple(atom_gov), np.array(atom_seed, dtype=np.int32), home, xs, ys, totals,
                     populated, tuple(seeds), _area(geo, outline), populated_km, by_place,
                     shapely.STRtree(atoms))
