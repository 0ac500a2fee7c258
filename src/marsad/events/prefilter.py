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
from itertools import accumulate, compress
from typing import Any

_MAX_SET = 4000
_HEAD_CHARS = 12
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
    # Per rule, the longer literal openings a match must begin with (``()``: no filter). Read once per
    # distinct word, they cut the regex attempts per article by half (most three-letter keys are shared).
    heads: tuple[tuple[str, ...], ...] = ()

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
        heads = []
        for pat in patterns:
            longer = possible_prefixes(pat, _HEAD_CHARS)
            heads.append(() if "" in longer else tuple(sorted(longer)))
        return cls(patterns=tuple(re.compile(clitic + "(?:" + p + ")") for p in patterns),
                   index={k: tuple(sorted(v)) for k, v in index.items()}, always=tuple(always), heads=tuple(heads))

    # Bounded memos (cleared past 100,000 keys): the rules of a word, and the words with rules in a token.
    cache: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)
    token_cache: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        state: dict[str, object] = {k: getattr(self, k) for k in ("patterns", "index", "always", "heads")}
        state["cache"] = {}
        state["token_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)

    def _candidates(self, word: str) -> tuple[int, ...]:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(self.cache) > 100_000:
            self.cache.clear()
        found = self._compute(word)
        self.cache[word] = found
        return found

    def _token(self, tok: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """``(offset, rules)`` of the words of one space-free token that some rule may start at."""
        words = [(0, tok)] if tok.isalnum() else [(m.start(), m.group()) for m in _WORD.finditer(tok)]
        return tuple((o, rules) for o, w in words if (rules := self._candidates(w)))

    def hits(self, tokens: Tokens) -> list[tuple[int, tuple[int, ...]]]:
        """``(start, rules)`` of every word where some rule may match, in text order. The per-token lookups
        run in C (``map`` over the memo, ``compress``); Python loops only over the tokens with rules."""
        memo = self.token_cache
        if len(memo) > 100_000:
            memo.clear()
        toks = tokens.tokens
        entries = list(map(memo.get, toks))
        if None in entries:  # tokens never seen before
            for i in [i for i, e in enumerate(entries) if e is None]:
                entries[i] = memo[toks[i]] = self._token(toks[i])
        out: list[tuple[int, tuple[int, ...]]] = []
        ends = tokens.ends
        for i in compress(range(len(toks)), entries):
            entry = entries[i] or ()  # (never empty here: compress kept it)
            base = ends[i] - len(toks[i]) + i  # (each token is followed by one separating space)
            if len(entry) == 1:
                out.append((base + entry[0][0], entry[0][1]))
            else:
                out.extend((base + o, rules) for o, rules in entry)
        return out

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
                    found.update(i for i in hit if self._may_open(i, v))
        return tuple(sorted(found))

    def _may_open(self, rule: int, v: str) -> bool:
        """Can rule ``rule`` match where the text reads ``v`` up to the end of the word? A match starts with
        one of the rule's heads, so either the word starts with the head or the head runs on past the word."""
        heads = self.heads[rule] if self.heads else ()
        return not heads or any(v.startswith(h) or h.startswith(v) for h in heads)

    def scan(self, text: str, tokens: Tokens) -> list[tuple[int, re.Match[str]]]:
        """Non-overlapping matches; at a word the first rule that matches wins."""
        out = []
        pos = 0
        pats = self.patterns
        for start, rules in self.hits(tokens):
            if start < pos:
                continue
            for i in rules:
                m = pats[i].match(text, start)
                if m:
                    out.append((i, m))
                    pos = m.end()
                    break
        return out

    def scan_all(self, text: str, tokens: Tokens) -> list[tuple[int, re.Match[str]]]:
        """Every rule's matches at every word (cues may overlap one another)."""
        out = []
        pats = self.patterns
        for start, rules in self.hits(tokens):
            for i in rules:
                m = pats[i].match(text, start)
                if m:
                    out.append((i, m))
        return out


@dataclass(frozen=True)
class Tokens:
    """A text split at single spaces: ``tokens[i]`` ends at ``ends[i] + i`` (the spaces before it counted).

    Folded text has single spaces only, so this is one ``str.split`` and one running sum in C, and the
    words (``\\w+``) of each distinct token are found once per corpus (``WordIndex.token_cache``)."""

    tokens: list[str]
    ends: list[int]


def words_of(text: str) -> Tokens:
    """Computed once per document and shared by the trigger and cue scans."""
    tokens = text.split(" ")
    return Tokens(tokens, list(accumulate(map(len, tokens))))
