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
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import chain

from marsad.model.document import Span


@dataclass(frozen=True)
class CharMap:
    """A character folding table: ``table[ch]`` is the replacement string, ``''`` to delete."""

    table: dict[str, str]
    version: str
    # Derived once per table (see ``fold``): the one-to-one replacements, applied with ``str.replace`` (whitespace
    # → space, A-Z → a-z included), and whether that is exact for this table.
    pairs: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    fast: bool = field(init=False, repr=False, compare=False)
    # What the fast path rewrites after the one-to-one replacements: stretches of spaces and deleted marks
    # holding a mark or more than one space; what goes at the ends; and the expanding characters (to fall back).
    junk: re.Pattern[str] = field(init=False, repr=False, compare=False)
    edge: frozenset[str] = field(init=False, repr=False, compare=False)
    expanding: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        one: dict[str, str] = {chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
        one.update((k, v) for k, v in self.table.items() if len(v) == 1)
        one.update((ws, " ") for ws in _WS)
        odd = sorted(k for k, v in self.table.items() if len(v) != 1 and k not in _WS)
        pairs = tuple((k, v) for k, v in one.items() if k != v)
        # str.replace in sequence equals a one-pass map only if no output is itself replaced, and the space
        # collapse is exact only if every space comes from whitespace; otherwise fold character by character.
        outputs = {v for _, v in pairs} | {ch for k in odd for ch in self.table[k]}
        fast = not (outputs & ({k for k, _ in pairs} | set(odd))) and not any(ch in _WS for k in odd
                                                                               for ch in self.table[k])
        object.__setattr__(self, "pairs", pairs)
        object.__setattr__(self, "fast", fast)
        deleted = [k for k in odd if not self.table[k]]
        dele = "".join(map(re.escape, deleted))
        exp = "".join(map(re.escape, (k for k in odd if self.table[k])))
        # (one character class first lets the regex engine skip ahead: twice as fast as «[ m]{2,}|[m]»)
        junk = f"[ {dele}](?:[ {dele}]+|(?<=[{dele}]))" if dele else "  +"
        object.__setattr__(self, "junk", re.compile(junk))
        object.__setattr__(self, "edge", frozenset([" ", *deleted]))
        object.__setattr__(self, "expanding", re.compile(f"[{exp}]") if exp else None)

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
    # ``(folded start, original start, length)`` of each stretch of consecutive offsets, when ``fold`` knows
    # them (it does): the inverse map is then built per stretch. ``None``: derived from ``offsets``.
    runs: tuple[tuple[int, int, int], ...] | None = field(default=None, repr=False, compare=False)

    def to_original(self, start: int, end: int) -> Span:
        """Map a folded ``[start, end)`` to the original text."""
        if end <= start:
            o = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return Span.trusted(o, o)
        stop = self.offsets[end - 1] + 1
        original = self.original
        while stop < len(original) and _is_mark(original[stop]):
            stop += 1  # keep trailing diacritics/tatweel with their letter
        return Span.trusted(self.offsets[start], stop)  # (offsets increase: start <= stop)

    def to_folded(self, pos: int) -> int:
        """The first folded index whose original offset is ``>= pos``."""
        inv = self.inverse
        return inv[pos] if 0 <= pos < len(inv) else bisect_left(self.offsets, pos)

    @cached_property
    def inverse(self) -> list[int]:
        """``to_folded`` for every original offset, built once per document.

        Folding keeps long stretches of consecutive offsets; only deletions, expansions and collapsed spaces
        break them. Each stretch maps back as one ``range`` and each deleted stretch as one repeated value,
        so the Python-level work is per stretch, not per character."""
        offs = self.offsets
        n = len(offs)
        inv: list[int] = []
        for j0, o0, length in self.runs if self.runs is not None else _runs(offs):
            if o0 > len(inv):  # deleted characters before the stretch map to its first folded index
                inv.extend([j0] * (o0 - len(inv)))
            inv.extend(range(j0 + len(inv) - o0, j0 + length))  # (an expanded character's repeat is mapped)
        inv.extend([n] * (len(self.original) + 1 - len(inv)))
        return inv


def _runs(offs: Sequence[int]) -> list[tuple[int, int, int]]:
    n = len(offs)
    if not n:
        return []
    breaks = [k for k, a, b in zip(range(1, n), offs, offs[1:], strict=False) if b - a != 1]
    return [(j0, offs[j0], j1 - j0) for j0, j1 in zip([0, *breaks], [*breaks, n], strict=True)]


def _is_mark(ch: str) -> bool:
    return "\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640"


_WS = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")


def fold(text: str, charmap: CharMap | None = None) -> Folded:
    """Fold ``text`` for matching and keep the offset map.

    The one-to-one replacements run as ``str.replace`` over the whole text (offsets unchanged); the few
    deleted marks and whitespace runs (one space at the run's first offset, none at the start or the end) are
    then cut out in one pass, keeping runs of offsets. A text with an expanding character takes
    ``fold_reference``, the same function character by character; the two are tested equal.
    """
    cm = charmap or default_charmap()
    if not cm.fast or (cm.expanding is not None and cm.expanding.search(text) is not None):
        return fold_reference(text, cm)
    t = text
    for k, v in cm.pairs:
        if k in t:
            t = t.replace(k, v)
    # What is left to do: delete marks, collapse space runs (a run's one space stands at its first space's
    # offset, none at the ends), all in one pass over the stretches that change; the rest is kept in runs.
    parts: list[str] = []
    runs: list[tuple[int, int, int]] = []
    edge = cm.edge
    start, end = 0, len(t)
    while start < end and t[start] in edge:  # nothing at the ends: leading and trailing spaces and marks go
        start += 1
    while end > start and t[end - 1] in edge:
        end -= 1
    pos, out = start, 0
    for m in cm.junk.finditer(t, start, end):
        a, b = m.span()
        parts.append(t[pos:a])
        runs.append((out, pos, a - pos))
        out += a - pos
        sp = t.find(" ", a, b)
        if sp >= 0:
            parts.append(" ")
            runs.append((out, sp, 1))
            out += 1
        pos = b
    if pos == 0 and end == len(t):
        return Folded(original=text, text=t, offsets=tuple(range(end)), runs=((0, 0, end),) if end else ())
    parts.append(t[pos:end])
    runs.append((out, pos, end - pos))
    offsets = tuple(chain.from_iterable(range(o, o + n) for _, o, n in runs))
    return Folded(original=text, text="".join(parts), offsets=offsets, runs=tuple(runs))


def fold_reference(text: str, charmap: CharMap | None = None) -> Folded:
    """``fold`` character by character: the definition the fast version is tested against."""
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
