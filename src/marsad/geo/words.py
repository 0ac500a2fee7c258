"""Cue words for the place recogniser (``data/place_words.tsv``), folded for matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from marsad.normalize import fold_text
from marsad.recognize.lexicon import parse_tsv

ROLES = (
    "type", "plural", "dual", "dir_noun", "dir_adj", "countryside", "dir_region", "nisba", "site_adj",
    "country_ref", "stop", "after", "metonymy_before", "metonymy_after", "tz_before", "person_before", "ambiguous",
)


@dataclass(frozen=True)
class PlaceWords:
    """Folded cue words by role. ``types``/``plural``/``dual`` map to a kind, directions to a direction,
    ``nisba`` and ``country_ref`` to an ISO2 code."""

    types: dict[str, str]
    plural: dict[str, str]
    dual: dict[str, str]
    dir_noun: dict[str, str]
    dir_adj: dict[str, str]
    countryside: frozenset[str]
    dir_region: dict[str, str]
    nisba: dict[str, str]
    site_adj: frozenset[str]
    country_ref: dict[str, str]
    stop: frozenset[str]
    after: frozenset[str]
    metonymy_before: frozenset[str]
    metonymy_after: frozenset[str]
    tz_before: frozenset[str]
    person_before: frozenset[str]
    ambiguous: frozenset[str]
    # every word of the roles ``is_cue`` asks about, in one set
    cues: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cues", frozenset().union(
            self.stop, self.types, self.plural, self.dual, self.dir_noun, self.dir_adj, self.countryside, self.nisba,
            self.site_adj, self.metonymy_after, self.dir_region))

    @classmethod
    def load(cls) -> PlaceWords:
        return _load()

    def is_cue(self, stem: str) -> bool:
        """A word that cannot start an unknown place name."""
        return stem in self.cues


@cache
def _load() -> PlaceWords:
    text = resources.files("marsad.data").joinpath("place_words.tsv").read_text(encoding="utf-8")
    table = parse_tsv(text, "place_words.tsv")
    by_role: dict[str, dict[str, str]] = {r: {} for r in ROLES}
    for row in table.rows:
        role = row["role"]
        if role not in by_role:
            from marsad.errors import DataFileError

            raise DataFileError(f"place_words.tsv: unknown role {role!r}", value=role)
        by_role[role][fold_text(row["word"])] = row.get("value", "")
    return PlaceWords(
        types=by_role["type"], plural=by_role["plural"], dual=by_role["dual"], dir_noun=by_role["dir_noun"],
        dir_adj=by_role["dir_adj"], countryside=frozenset(by_role["countryside"]),
        dir_region=by_role["dir_region"], nisba=by_role["nisba"], site_adj=frozenset(by_role["site_adj"]),
        country_ref=by_role["country_ref"], stop=frozenset(by_role["stop"]), after=frozenset(by_role["after"]),
        metonymy_before=frozenset(by_role["metonymy_before"]), metonymy_after=frozenset(by_role["metonymy_after"]),
        tz_before=frozenset(by_role["tz_before"]), person_before=frozenset(by_role["person_before"]),
        ambiguous=frozenset(by_role["ambiguous"]),
    )
