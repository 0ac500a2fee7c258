"""Word tokens of a folded text for the geoparser, and the clitic-stripped forms of a token.

Every word of every article is tokenized, so this is written for speed: one C-level regex split, offsets as
running sums of the part lengths, and parallel lists rather than one record per token.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress

from marsad.normalize import Folded

_NEWLINE = re.compile(r"[\n\r\u2028\u2029]+")
_WORD_SPLIT = re.compile(r"([0-9a-z\u0621-\u064a]+)")  # split with the words kept: gap, word, gap, ..., gap
_SEP_CHARS = frozenset(",;:/")
_BRK_CHARS = frozenset(".!?\n")
_QUOTE_CHARS = frozenset("\"'()[]")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The word tokens of a folded text as parallel lists: token ``k`` is ``text[k]`` at folded
    ``[start[k], end[k])``, with flags for what stands between token ``k - 1`` and token ``k``. (Lists rather
    than one record per token: every word of every article is tokenized, and only a few are looked at.)"""

    text: list[str]
    start: list[int]
    end: list[int]
    sep: list[bool]  # a comma, semicolon, colon or slash
    brk: list[bool]  # a sentence break
    quote: list[bool]  # a quote or bracket
    conj: list[bool]  # a detached «و»: «و"الحمام"»

    def __len__(self) -> int:
        return len(self.text)


def tokenize(folded: Folded) -> Tokens:
    """Word tokens with the punctuation between them recorded as flags; a detached «و» becomes ``conj``.

    One C-level split gives gap, word, gap, word, ..., gap; offsets are running sums of the part lengths, and
    only gaps other than a single space (a few per sentence) are inspected.
    """
    text = folded.text
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    n = len(words)
    bounds = list(accumulate(map(len, parts)))
    start, end = bounds[0:-1:2], bounds[1::2]
    sep, brk, quote = [False] * n, [False] * n, [False] * n
    gaps = parts[0:-1:2]  # gaps[k] stands before words[k]
    for k in compress(range(n), map(" ".__ne__, gaps)):
        g = gaps[k]
        if not _SEP_CHARS.isdisjoint(g):
            sep[k] = True
        if not _BRK_CHARS.isdisjoint(g):
            brk[k] = True
        if not _QUOTE_CHARS.isdisjoint(g):
            quote[k] = True
    # folding turns line breaks into spaces: find where the original broke lines. A break counts for the first
    # token at or after it when it lies between that token and the one before. (A break after a space folds
    # into that space, so it maps to the next word's first letter: «حلب \nادلب» breaks before «ادلب» too.)
    for line_break in _line_breaks(folded.original):
        pos = folded.to_folded(line_break)
        k = bisect.bisect_left(start, pos)
        if k < n and pos >= (end[k - 1] if k else 0):
            brk[k] = True
    conj = [False] * n
    if "و" in words:  # drop detached «و» tokens; their flags pass to the next token
        for k, word in enumerate(words):
            if word == "و" and k + 1 < n:
                conj[k + 1] = True
                sep[k + 1] = sep[k + 1] or sep[k]
                brk[k + 1] = brk[k + 1] or brk[k]
                quote[k + 1] = quote[k + 1] or quote[k]
        keep = list(map("و".__ne__, words))
        return Tokens(list(compress(words, keep)), list(compress(start, keep)), list(compress(end, keep)),
                      list(compress(sep, keep)), list(compress(brk, keep)), list(compress(quote, keep)),
                      list(compress(conj, keep)))
    return Tokens(words, start, end, sep, brk, quote, conj)


def _line_breaks(text: str) -> list[int]:
    """Where each run of line breaks starts; by ``str.find`` (far quicker than a regex scan) when «\n» is the
    only line break in the text."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        return [m.start() for m in _NEWLINE.finditer(text)]
    out: list[int] = []
    prev = -2
    pos = text.find("\n")
    while pos >= 0:
        if pos != prev + 1:
            out.append(pos)
        prev = pos
        pos = text.find("\n", pos + 1)
    return out


@lru_cache(maxsize=65536)
def stems(tok: str) -> tuple[str, ...]:
    """The token and its clitic-stripped forms, unstripped first: «وبدير» → وبدير, بدير, دير."""
    base = [tok]
    if tok[0] in "وف" and len(tok) > 3:
        base.append(tok[1:])
    out = list(base)
    for s in base:
        if s.startswith("لل") and len(s) > 3:
            out.append("ال" + s[2:])
        elif s[0] in "بلك" and len(s) > 3:
            out.append(s[1:])
    return tuple(out)


def with_clitics(heads: frozenset[str]) -> Iterable[str]:
    """The tokens whose ``stems`` include one of ``heads``. ``stems`` strips at most «و»/«ف», then «ب»/«ل»/«ك»
    or «لل» → «ال», so every such token is a head with those clitics put back; each candidate is checked."""
    for x in heads:
        bases = [x, *(c + x for c in "بلك")]
        if x.startswith("ال"):
            bases.append("لل" + x[2:])
        for b in bases:
            for tok in (b, "و" + b, "ف" + b):
                if not heads.isdisjoint(stems(tok)):
                    yield tok
