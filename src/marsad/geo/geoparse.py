"""Geoparsing: find toponyms in folded Arabic text and resolve them against the gazetteer.

Matching walks the gazetteer's name trie (longest name first) from the token as it stands and with its clitics
stripped (و ف, then ب ل ك, «لل» → «ال»). Around the names it reads:

* type words kept in the surface: «مدينة السخنة», «مطار دير الزور العسكري», «حي الرصافة»;
* relational forms: «ريف حلب الشرقي», «الريف الغربي لمحافظة السويداء», «جنوب الرقة», «شمال غربي سوريا»,
  «الشمال السوري», «الحدود السورية التركية», duals «محافظتي الرقة ودير الزور»;
* lists «X وY وZ», «قرى A وB», «"A، B، وC"»: unknown items beside known places become unresolved places;
* exclusions: spans of actor mentions, a capital or country used for its government («أنقرة ترفض»), a
  time-zone label («بتوقيت دمشق»), names after a title («الشيخ حسن»), and ambiguous common words
  (``place_words.tsv`` role ``ambiguous``) unless a type word or a list supports them.

Candidates are ranked with the document's context: governorates already stated (strongly when stated as
«محافظة X» / «ريف X»), type-word compatibility, population and distance to the other places.

The work is split: ``tokens`` (word tokens and clitic forms), ``matching`` (candidate mentions) and ``resolve``
(ranking and the mention records).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from marsad.geo.gazetteer import Gazetteer
from marsad.geo.matching import Hit, Matcher
from marsad.geo.resolve import Resolver
from marsad.geo.tokens import Tokens
from marsad.geo.words import PlaceWords
from marsad.model import PlaceMention
from marsad.normalize import Folded


@dataclass(frozen=True)
class Geoparser:
    """Finds and resolves place mentions. Pure and picklable."""

    gazetteer: Gazetteer
    words: PlaceWords
    matcher: Matcher = field(init=False, repr=False, compare=False)
    resolver: Resolver = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matcher", Matcher(self.gazetteer, self.words))
        object.__setattr__(self, "resolver", Resolver(self.gazetteer))

    def find(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> tuple[Tokens, list[Hit]]:
        """Candidate hits over the folded text, outside the ``exclude`` folded ranges."""
        return self.matcher.find(folded, exclude=exclude)

    def resolve(self, folded: Folded, toks: Tokens, hits: Sequence[Hit]) -> list[PlaceMention]:
        return self.resolver.resolve(folded, toks, hits)

    def __call__(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> list[PlaceMention]:
        toks, hits = self.matcher.find(folded, exclude=exclude)
        return self.resolver.resolve(folded, toks, hits)
