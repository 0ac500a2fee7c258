"""Area shares: each actor's (or bloc's) share of Syria on a date, with the method stated.

``ShareIndex`` is built once per store revision from a ``Timeline`` and an ``AreaModel``: the intervals
become flat numpy arrays (unit, start, end, actor) and every atom gets its candidate units, finest first.
A query for a date is then a vectorised mask over the intervals plus one arg-max per atom; no event is
replayed. The unknown/unattributed share is always shown, and the rows always add up to 100%.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from shapely.geometry.base import BaseGeometry

from marsad.control.area import AreaModel, GeoContext
from marsad.control.blocs import Blocs
from marsad.control.records import TIER
from marsad.control.timeline import ObservationStats, Timeline
from marsad.model.base import Record

Metric = Literal["total", "populated"]
Precedence = Literal["recent", "finest"]
OPEN_END = np.iinfo(np.int32).max
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ShareRow(Record):
    """One bloc's (or actor's) area and percentage."""

    bloc: str
    label: str
    members: tuple[str, ...]
    area_km2: float
    percent: float


@dataclass(frozen=True, slots=True)
class Method(Record):
    """How a share was computed, printed beside every figure."""

    metric: str
    denominator: str
    denominator_km2: float
    outline_km2: float
    attribution: str
    precedence: str
    blocs: tuple[str, ...]
    bloc_source: str
    rule: str
    settlements: int
    atoms: int
    units_used: int
    units_unlocated: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [
            f"metric: {self.metric}",
            f"denominator: {self.denominator} = {self.denominator_km2:,.0f} km² "
            f"(country outline {self.outline_km2:,.0f} km²)",
            f"attribution: {self.attribution}",
            f"precedence: {self.precedence}",
            f"blocs ({self.bloc_source}): " + ("; ".join(self.blocs) if self.blocs else "none, every actor alone"),
            f"reconciliation: {self.rule}",
            f"units: {self.units_used} held units located on the map, {len(self.units_unlocated)} could not be "
            f"located; {self.settlements} settlements, {self.atoms} cells",
        ]
        return out


@dataclass(frozen=True, slots=True)
class ShareResult(Record):
    """Shares on ``date``: ``rows`` by bloc, ``actors`` by actor; both include the unknown share."""

    date: dt.date
    metric: str
    rows: tuple[ShareRow, ...]
    actors: tuple[ShareRow, ...]
    unknown_km2: float
    unknown_percent: float
    denominator_km2: float
    sources: int
    intervals: int
    method: Method
    coarse: tuple[ShareRow, ...] = ()  # per actor: the part attributed by governorate-level facts

    def coarse_percent_of(self, actors: tuple[str, ...]) -> float:
        return sum(r.percent for r in self.coarse if r.bloc in actors)

    def percent_of(self, actors: tuple[str, ...]) -> float:
        """The summed share of a set of actors (e.g. one bloc's members, or one actor alone)."""
        return sum(r.percent for r in self.actors if r.bloc in actors)

    def to_text(self) -> str:
        lines = [f"Control shares of Syria on {self.date.isoformat()} ({self.metric} area)", ""]
        for r in self.rows:
            members = f"  [{' + '.join(r.members)}]" if len(r.members) > 1 else ""
            lines.append(f"  {r.percent:6.2f}%  {r.area_km2:>10,.0f} km²  {r.label}{members}")
        lines.append(f"  {sum(r.percent for r in self.rows):6.2f}%  total (unknown/unattributed included)")
        lines.append("")
        lines.append(f"evidence: {self.intervals} control intervals from {self.sources} sources")
        lines.append("method:")
        lines.extend(f"  {x}" for x in self.method.lines())
        return "\n".join(lines)


ATTRIBUTION = (
    "Voronoi cells of {n} gazetteer settlements clipped to the governorates; a town fact holds its "
    "settlement's cell, a relational region («ريف … الشرقي») holds the cells of that governorate whose "
    "settlement lies in the region's polygon, a governorate fact holds all its cells, a baseline polygon holds "
    "the cells whose settlement lies inside it; sites carry no area"
)
PRECEDENCE = {
    "recent": "where several held units cover one cell, the one most recently reported (its latest supporting "
              "report on or before the date) wins; on a tie the finer unit (town > vicinity > baseline polygon > "
              "region > governorate)",
    "finest": "where several held units cover one cell, the finest unit wins (town > vicinity > baseline "
              "polygon > region > governorate); on a tie the most recently reported",
}


@dataclass(frozen=True)
class ShareIndex:
    """Flat, query-ready control arrays over an area model. Build with ``build_share_index``."""

    model: AreaModel
    unit_ids: tuple[str, ...]
    actors: tuple[str, ...]
    # One row per *segment*: an interval cut at each report confirming it, so that the row live on a date
    # carries the holding's latest confirmation on or before that date (``iv_start``) and its interval
    # (``iv_parent``).
    iv_unit: np.ndarray
    iv_start: np.ndarray
    iv_end: np.ndarray
    iv_actor: np.ndarray
    iv_parent: np.ndarray  # int32: the interval (index into the source table) of each segment
    iv_unit_of: np.ndarray  # int32 (intervals,): each interval's unit
    iv_src_ptr: np.ndarray  # int64 (intervals + 1): interval i's source ids are iv_src_ids[ptr[i]:ptr[i+1]]
    iv_src_ids: np.ndarray  # int32
    cand_unit: np.ndarray  # (atoms, K) unit index; len(unit_ids) = no candidate
    cand_tier: np.ndarray  # (atoms, K)
    unit_tier: np.ndarray  # (units,) tier of each unit
    units_unlocated: tuple[str, ...]
    rule: str
    revision: str = ""
    stats: ObservationStats = field(default_factory=ObservationStats)
    _actor_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def atom_holders(self, day: dt.date, *, precedence: Precedence = "recent") -> tuple[np.ndarray, np.ndarray]:
        """Per atom: the actor index holding it on ``day`` (-1 unknown) and the interval index (-1)."""
        o = day.toordinal()
        n_units = len(self.unit_ids)
        live = np.flatnonzero((self.iv_start <= o) & (o < self.iv_end))
        ctrl = np.full(n_units + 1, -1, dtype=np.int32)
        start = np.full(n_units + 1, -1, dtype=np.int64)
        ivx = np.full(n_units + 1, -1, dtype=np.int64)
        units = self.iv_unit[live]
        ctrl[units] = self.iv_actor[live]
        start[units] = self.iv_start[live]
        ivx[units] = self.iv_parent[live]
        c_ctrl = ctrl[self.cand_unit]
        c_start = start[self.cand_unit]
        finer = 7 - self.cand_tier.astype(np.int64)
        key = c_start * 8 + finer if precedence == "recent" else finer * 10_000_000 + c_start
        key = np.where(c_ctrl >= 0, key, -1)
        if key.shape[1] == 0:
            empty = np.full(key.shape[0], -1, dtype=np.int64)
            return empty.astype(np.int32), empty
        best = key.argmax(axis=1)
        rows = np.arange(key.shape[0])
        holder = c_ctrl[rows, best]
        chosen_iv = np.where(holder >= 0, ivx[self.cand_unit[rows, best]], -1)
        return holder, chosen_iv

    def shares(self, day: dt.date, *, metric: Metric = "total", blocs: Blocs,
               precedence: Precedence = "recent") -> ShareResult:
        """Each bloc's and actor's share on ``day``; the unknown share is explicit."""
        holder, chosen = self.atom_holders(day, precedence=precedence)
        areas = self.model.area_total if metric == "total" else self.model.area_populated
        denom = float(areas.sum())
        per_actor = np.bincount(holder + 1, weights=areas, minlength=len(self.actors) + 1)
        unknown = float(per_actor[0])
        pct = (lambda a: 100.0 * a / denom) if denom > 0 else (lambda a: 0.0)
        actor_rows = [ShareRow(self.actors[i], self.actors[i], (self.actors[i],), float(per_actor[i + 1]),
                               pct(float(per_actor[i + 1])))
                      for i in range(len(self.actors)) if per_actor[i + 1] > 0]
        by_bloc: dict[str, float] = defaultdict(float)
        members: dict[str, list[str]] = defaultdict(list)
        for r in actor_rows:
            b = blocs.bloc_of(r.bloc)
            by_bloc[b] += r.area_km2
            members[b].append(r.bloc)
        rows = [ShareRow(b, blocs.label(b), tuple(sorted(members[b])), a, pct(a)) for b, a in by_bloc.items()]
        rows.sort(key=lambda r: (-r.area_km2, r.bloc))
        actor_rows.sort(key=lambda r: (-r.area_km2, r.bloc))
        unknown_row = ShareRow(UNKNOWN, "unknown / unattributed", (), unknown, pct(unknown))
        ivs = np.unique(chosen[chosen >= 0])
        n_sources = self._count_sources(ivs)
        gov_level = np.zeros(chosen.shape, dtype=bool)
        held = chosen >= 0
        gov_level[held] = self.unit_tier[self.iv_unit_of[chosen[held]]] == TIER["governorate"]
        per_coarse = np.bincount(holder[gov_level] + 1, weights=areas[gov_level], minlength=len(self.actors) + 1)
        coarse = tuple(ShareRow(self.actors[i], "governorate-level facts", (self.actors[i],),
                                float(per_coarse[i + 1]), pct(float(per_coarse[i + 1])))
                       for i in range(len(self.actors)) if per_coarse[i + 1] > 0)
        denominator = ("all of Syria: the sum of the cells (country outline clipped to the governorates)"
                       if metric == "total" else
                       f"populated Syria: the parts of the cells within {self.model.populated_km:g} km of their "
                       "settlement")
        method = Method(
            metric=metric, denominator=denominator, denominator_km2=denom, outline_km2=self.model.outline_km2,
            attribution=ATTRIBUTION.format(n=len(self.model.settlements)), precedence=PRECEDENCE[precedence],
            blocs=tuple(blocs.describe()), bloc_source=blocs.source, rule=self.rule,
            settlements=len(self.model.settlements), atoms=len(self.model.atoms),
            units_used=len(self.unit_ids) - len(self.units_unlocated), units_unlocated=self.units_unlocated)
        return ShareResult(day, metric, (*rows, unknown_row), (*actor_rows, unknown_row), unknown, pct(unknown),
                           denom, n_sources, int(ivs.size), method, coarse)

    def _count_sources(self, ivs: np.ndarray) -> int:
        """Distinct sources behind a set of intervals (vectorised over the flat source table)."""
        if ivs.size == 0:
            return 0
        starts = self.iv_src_ptr[ivs]
        lengths = self.iv_src_ptr[ivs + 1] - starts
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        idx = np.arange(int(lengths.sum())) + offsets
        return int(np.unique(self.iv_src_ids[idx]).size)

    def actor_of(self, index: int) -> str | None:
        return self.actors[index] if index >= 0 else None


def _unit_atoms(timeline: Timeline, model: AreaModel, geo: GeoContext | None,
                polygons: Mapping[str, BaseGeometry]) -> tuple[dict[str, tuple[np.ndarray, int]], list[str]]:
    """Which atoms each held unit covers, and at which tier. Units that cannot be located are listed."""
    located: dict[str, tuple[np.ndarray, int]] = {}
    unlocated: list[str] = []
    region_cache: dict[tuple[str, str], BaseGeometry | None] = {}
    for uid, unit in timeline.units.items():
        atoms: np.ndarray | None = None
        tier = TIER[unit.kind]
        if unit.kind == "site":
            continue
        if unit.kind == "governorate" and unit.governorate:
            atoms = model.atoms_of_governorate(unit.governorate)
        elif unit.kind == "region" and unit.governorate and unit.relation and geo is not None:
            key = (unit.governorate, unit.relation)
            if key not in region_cache:
                region_cache[key] = geo.relational_region(*key)
            poly = region_cache[key]
            atoms = model.atoms_within(poly) if poly is not None and not poly.is_empty else None
        elif unit.kind == "polygon" and uid in polygons:
            atoms = model.atoms_within(polygons[uid])
        elif unit.kind in ("town", "vicinity"):
            idx = model.settlement_index(unit.place_id) if unit.place_id and unit.kind == "town" else None
            if idx is not None:
                atoms = model.atoms_of_settlement(idx)
            elif unit.lat is not None and unit.lon is not None:
                a = model.atom_at(unit.lon, unit.lat)
                atoms = np.array([a]) if a is not None else None
                tier = TIER["vicinity"]
        if atoms is None or atoms.size == 0:
            unlocated.append(uid)
        else:
            located[uid] = (atoms, tier)
    return located, sorted(unlocated)


def build_share_index(timeline: Timeline, model: AreaModel, *, geo: GeoContext | None = None,
                      polygons: Mapping[str, BaseGeometry] | None = None) -> ShareIndex:
    """Flatten a timeline onto an area model (once per store revision)."""
    located, unlocated = _unit_atoms(timeline, model, geo, polygons or {})
    unit_ids = tuple(sorted(located))
    uidx = {u: i for i, u in enumerate(unit_ids)}
    actors = tuple(sorted({iv.actor for iv in timeline.intervals if iv.unit_id in uidx}))
    aidx = {a: i for i, a in enumerate(actors)}
    src_ids: dict[str, int] = {}
    ivs = [iv for iv in timeline.intervals if iv.unit_id in uidx]
    seg_unit: list[int] = []
    seg_start: list[int] = []
    seg_end: list[int] = []
    seg_actor: list[int] = []
    seg_parent: list[int] = []
    for i, iv in enumerate(ivs):
        lo = iv.valid_from.toordinal()
        hi = iv.valid_to.toordinal() if iv.valid_to else OPEN_END
        marks = sorted({lo} | {r.observed.toordinal() for r in iv.supporting
                               if r.observed is not None and lo < r.observed.toordinal() < hi})
        for j, m in enumerate(marks):
            seg_unit.append(uidx[iv.unit_id])
            seg_start.append(m)
            seg_end.append(marks[j + 1] if j + 1 < len(marks) else hi)
            seg_actor.append(aidx[iv.actor])
            seg_parent.append(i)
    iv_unit = np.array(seg_unit, dtype=np.int32)
    iv_start = np.array(seg_start, dtype=np.int32)
    iv_end = np.array(seg_end, dtype=np.int32)
    iv_actor = np.array(seg_actor, dtype=np.int32)
    iv_parent = np.array(seg_parent, dtype=np.int32)
    iv_unit_of = np.fromiter((uidx[iv.unit_id] for iv in ivs), dtype=np.int32, count=len(ivs))
    per_iv = [sorted({src_ids.setdefault(r.source, len(src_ids)) for r in iv.supporting}) for iv in ivs]
    iv_src_ptr = np.zeros(len(ivs) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in per_iv], out=iv_src_ptr[1:])
    iv_src_ids = np.fromiter((s for x in per_iv for s in x), dtype=np.int32, count=int(iv_src_ptr[-1]))
    per_atom: list[list[tuple[int, int]]] = [[] for _ in model.atoms]
    for uid, (atoms, tier) in located.items():
        for a in atoms:
            per_atom[int(a)].append((uidx[uid], tier))
    k = max((len(c) for c in per_atom), default=0)
    cand_unit = np.full((len(per_atom), k), len(unit_ids), dtype=np.int32)
    cand_tier = np.full((len(per_atom), k), 7, dtype=np.int8)
    unit_tier = np.array([located[u][1] for u in unit_ids], dtype=np.int8)
    for a, cands in enumerate(per_atom):
        for j, (u, t) in enumerate(cands):
            cand_unit[a, j] = u
            cand_tier[a, j] = t
    return ShareIndex(model, unit_ids, actors, iv_unit, iv_start, iv_end, iv_actor, iv_parent, iv_unit_of,
                      iv_src_ptr, iv_src_ids, cand_unit,
                      cand_tier, unit_tier, tuple(unlocated), timeline.rule.describe(), timeline.revision,
                      timeline.stats, aidx)
