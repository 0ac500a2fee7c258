"""A word-level index over many regular expressions, so each word is tried only against the rules that can
start there.

A large alternation with an optional clitic prefix («و» «ف» «ب» «ل» «ك» «ال») makes Python's ``re`` retry every
branch under every clitic combination at every word start. Instead, each rule's possible first letters are
read off its parsed pattern once (``possible_prefixes``); at run time the clitics are stripped from each word
and only the rules indexed under the word's first letters are matched, in priority order. The rules of
each distinct word are memoised, so on a running corpus most words cost one dictionary lookup.
"""

from __future__ import annotations

import re
import re._constants as C
import re._parser as P
from dataclasses import dataclass, field
from typing import Any

_MAX_SET = 4000
_WORD = re.compile(r"\w+")


def _prefixes(seq: list[tuple[Any, Any]], n: int) -> set[str]:
    """Strings (up to ``n`` characters) a match of ``seq`` can start with; a shorter string ends in a wildcard."""
    if n == 0 or not seq:
        return {""}
    op, av = seq[0]
    rest = seq[1:]
    out: set[str]
    if op is C.LITERAL:
        out = {chr(av) + s for s in _prefixes(rest, n - 1)}
    elif op is C.IN:
        chars = [chr(v) for o, v in av if o is C.LITERAL]
        if len(chars) != len(av):
            return {""}
        tails = _prefixes(rest, n - 1)
        out = {c + s for c in chars for s in tails}
    elif op is C.BRANCH:
        out = set()
        for branch in av[1]:
            out |= _prefixes(list(branch) + rest, n)
    elif op is C.SUBPATTERN:
        out = _prefixes(list(av[3]) + rest, n)
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        if lo == 0 and list(sub) == [(C.IN, [(C.CATEGORY, C.CATEGORY_SPACE)])]:
            return _prefixes(rest, n)  # optional spaces: matches start at words, so they are transparent
        once = _prefixes(list(sub) + rest, n) if hi == 1 else _prefixes(list(sub), n)
        out = once | (_prefixes(rest, n) if lo == 0 else set())
    elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        out = _prefixes(rest, n)
    else:  # ANY, CATEGORY, NOT_LITERAL, group references: anything can follow
        return {""}
    return out if len(out) <= _MAX_SET else {""}


def possible_prefixes(pattern: str, n: int = 3) -> set[str]:
    return _prefixes(list(P.parse(pattern).data), n)


@dataclass(frozen=True)
class WordIndex:
    """Rules indexed by the first 1..3 letters they can start with; ``always`` holds rules that can start anywhere."""

    patterns: tuple[re.Pattern[str], ...]
    index: dict[str, tuple[int, ...]]
    always: tuple[int, ...]

    @classmethod
    def build(cls, patterns: list[str], *, clitic: str) -> WordIndex:
        index: dict[str, set[int]] = {}
        always: list[int] = []
        for i, pat in enumerate(patterns):
            prefs = possible_prefixes(pat)
            if "" in prefs:
                always.append(i)
                continue
            for p in prefs:
                index.setdefault(p, set()).add(i)
        return cls(patterns=tuple(re.compile(clitic + "(?:" + p + ")") for p in patterns),
                   index={k: tuple(sorted(v)) for k, v in index.items()}, always=tuple(always))

    cache: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        state = {k: getattr(self, k) for k in ("patterns", "index", "always")}
        state["cache"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)

    def _candidates(self, word: str) -> tuple[int, ...]:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(self.cache) > 100_000:  # bounded memo of words already seen
            self.cache.clear()
        found = self._compute(word)
        self.cache[word] = found
        return found

    def _compute(self, word: str) -> tuple[int, ...]:
        found: set[int] = set(self.always)
        variants = {word}
        for a in ("", "و", "ف"):
            if a and not word.startswith(a):
                continue
            w1 = word[len(a):]
            for b in ("", "ب", "ل", "ك"):
                if b and not w1.startswith(b):
                    continue
                w2 = w1[len(b):]
                for c in ("", "ال", "ل"):
                    if c and not w2.startswith(c):
                        continue
                    variants.add(w2[len(c):])
        index = self.index
        for v in variants:
            for k in (v[:3], v[:2], v[:1]):
                hit = index.get(k)
                if hit:
                    found.update(hit)
        return tuple(sorted(found))

    def scan(self, text: str, words: list[tuple[int, str]]) -> list[tuple[int, re.Match[str]]]:
        """Non-overlapping matches at the given ``(start, word)`` list; at a word the first rule that matches wins."""
        out = []
        pos = 0
        memo = self.cache
        pats = self.patterns
        for start, word in words:
            if start < pos:
                continue
            rules = memo.get(word)  # most words are seen before and start no rule: one dict lookup
            if rules is None:
                rules = self._candidates(word)
            for i in rules:
                m = pats[i].match(text, start)
                if m:
                    out.append((i, m))
                    pos = m.end()
                    break
        return out

    def scan_all(self, text: str, words: list[tuple[int, str]]) -> list[tuple[int, re.Match[str]]]:
        """Every rule's matches at the given words (cues may overlap one another)."""
        out = []
        memo = self.cache
        pats = self.patterns
        for start, word in words:
            rules = memo.get(word)
            if rules is None:
                rules = self._candidates(word)
            for i in rules:
                m = pats[i].match(text, start)
                if m:
                    out.append((i, m))
        return out


def words_of(text: str) -> list[tuple[int, str]]:
    """``(start, word)`` of every word: computed once per document and shared by the trigger and cue scans."""
    return [(m.start(), m.group()) for m in _WORD.finditer(text)]
