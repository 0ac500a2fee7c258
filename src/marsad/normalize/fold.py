"""Arabic folding for matching, with an offset map back into the original text.

Folding never changes what is stored or shown: it produces a *matching* view of the text. Every folded
character remembers the original offset it came from, so a match ``[a, b)`` in the folded text maps
back to an exact ``Span`` of the original.

What is folded (see ``data/charmap.json`` for the table and its provenance header):
alef and hamza seats (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ta marbuta (ة → ه), alef maqsura (ى → ي), diacritics and
tatweel (removed), Arabic-Indic and Persian digits (→ ASCII), Arabic punctuation and quote/dash variants,
zero-width and bidi marks (removed), Latin case, and runs of whitespace (→ one space).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from marsad.model.document import Span


@dataclass(frozen=True)
class CharMap:
    """A character folding table: ``table[ch]`` is the replacement string, ``''`` to delete."""

    table: dict[str, str]
    version: str

    @classmethod
    def load(cls, name: str = "charmap.json") -> CharMap:
        raw = json.loads(resources.files("marsad.data").joinpath(name).read_text(encoding="utf-8"))
        table: dict[str, str] = {}
        for group in raw["groups"]:
            for src, dst in group["map"].items():
                for ch in src:
                    table[ch] = dst
        return cls(table=table, version=raw["header"]["version"])


@cache
def default_charmap() -> CharMap:
    """The bundled charmap. Cached on first use; nothing is read at import time."""
    return CharMap.load()


@dataclass(frozen=True)
class Folded:
    """A folded view of ``original``. ``offsets[i]`` is the original index of folded character ``i``."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> Span:
        """Map a folded ``[start, end)`` to the original text."""
        if end <= start:
            o = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return Span(o, o)
        stop = self.offsets[end - 1] + 1
        original = self.original
        while stop < len(original) and _is_mark(original[stop]):
            stop += 1  # keep trailing diacritics/tatweel with their letter
        return Span(self.offsets[start], stop)

    def to_folded(self, pos: int) -> int:
        """The first folded index whose original offset is ``>= pos``."""
        import bisect

        return bisect.bisect_left(self.offsets, pos)


def _is_mark(ch: str) -> bool:
    return "\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640"


_WS = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")


def fold(text: str, charmap: CharMap | None = None) -> Folded:
    """Fold ``text`` for matching and keep the offset map."""
    table = (charmap or default_charmap()).table
    out: list[str] = []
    offs: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if ch in _WS:
            if not prev_space:
                out.append(" ")
                offs.append(i)
                prev_space = True
            continue
        rep = table.get(ch)
        if rep is None:
            rep = ch.lower() if "A" <= ch <= "Z" else ch
        if not rep:
            continue
        for r in rep:
            out.append(r)
            offs.append(i)
        prev_space = False
    if out and out[-1] == " ":
        out.pop()
        offs.pop()
    return Folded(original=text, text="".join(out), offsets=tuple(offs))


def fold_text(text: str, charmap: CharMap | None = None) -> str:
    """Fold without the offset map (for lexicon entries and queries)."""
    return fold(text, charmap).text
