"""Arabic numbers: digits (ASCII and Arabic-Indic), separators and number words, with their values.

The finder works on *folded* text (``marsad.normalize.fold``): Arabic-Indic digits are already ASCII, «٫» is
«.», «٬» is «,», hamza seats and ta marbuta are folded. Number words come from ``data/number_words.tsv``.

* digits: «62.22», «1,200», «116.067» (kept as 116.067 with ``dotted_thousands=True``: the caller decides
  whether the dot is a thousands separator, e.g. for an area or a head count → 116067);
* words: «ستة وأربعون» → 46, «خمسة آلاف» → 5000, «مليون و942 ألف» → 1942000, «ألفي» → 2000,
  «ثلاثمئة» → 300, «أحد عشر» → 11;
* fractions: «ثلث» → 1/3 (``kind="fraction"``), «نصف مليون» → 500000;
* vague amounts: «عشرات», «مئات», «آلاف», «عشرات الآلاف» → ``value=None``, ``kind="vague"``.

``parse_arabic_number`` parses a string that is one number; ``NumberFinder.find`` finds every number in a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from marsad.normalize import fold_text
from marsad.recognize.lexicon import load_table, split_multi

NumberKind = Literal["digits", "words", "mixed", "fraction", "vague"]
WordKind = Literal["unit", "teen_unit", "ten", "hundred", "scale", "dual", "plural_scale", "vague", "fraction",
                   "ordinal"]

_COUNT_KINDS = frozenset({"unit", "ten", "hundred", "digits", "teen_unit"})
_SCALE_KINDS = frozenset({"scale", "plural_scale"})


@dataclass(frozen=True, slots=True)
class NumberWord:
    """One folded number word form with its kind and value."""

    form: str
    kind: WordKind
    value: float


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in folded text: ``[start, end)`` are offsets into the text that was searched."""

    start: int
    end: int
    value: float | None
    kind: NumberKind
    text: str
    dotted_thousands: bool = False

    @property
    def thousands_value(self) -> float | None:
        """The value reading a «116.067»-style dot as a thousands separator (else the plain value)."""
        if self.dotted_thousands and self.value is not None:
            return float(self.text.replace(".", "").replace(",", ""))
        return self.value


class NumberToken(NamedTuple):
    """One number word or digit run; ``NumberFinder.group`` joins tokens into numbers. (A named tuple: a
    document has many and they never leave this module and ``quantities``.)"""

    start: int
    end: int
    kind: str
    value: float
    wa: bool  # written with the conjunction «و» glued or just before it


def load_number_words(*, user_dir: Path | None = None) -> tuple[NumberWord, ...]:
    """The number words of ``data/number_words.tsv`` (folded), longest first."""
    table = load_table("number_words.tsv", user_dir=user_dir)
    words: list[NumberWord] = []
    for row in table.rows:
        kind = row["kind"]
        value = float(row["value"])
        for form in split_multi(row["forms"]):
            words.append(NumberWord(form=fold_text(form), kind=kind, value=value))  # type: ignore[arg-type]
    words.sort(key=lambda w: -len(w.form))
    return tuple(words)


_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
DIGITS_TAIL = r"\d*(?:[.,]\d+)*"  # after a first digit: the digit run a finder's pattern takes as one token
_DOTTED = re.compile(r"\d{1,3}\.\d{3}")
_PERCENT_TAIL = re.compile(r"\s*(?:%|(?:في|ب)\s*ال(?:مايه|ميه|مئه))$")
_MULTI_DOT = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
_COMMA_DECIMAL = re.compile(r"\d{1,3},\d{1,2}")


def trie_pattern(words: Iterable[str], *, suffix: str = "", digits: str | None = None,
                 specials: dict[str, str] | None = None) -> str:
    """A regex alternation of ``words`` factored as a trie («ثلاث|ثلاثه|ثلاثون» → «ثلاث(?:ه|ون)?»).

    Python's regex engine tries a plain alternation branch by branch at every position; the factored form
    fails on the first character almost everywhere, and because every top-level branch starts with a
    literal the engine can skip ahead to the positions where a word may start. ``suffix`` is appended to
    every word («(?!\\w)»); ``digits``, if given, is the tail of an extra branch per leading digit
    («\\d*» matches any digit run), so digits do not spoil that skip. A «*» in a word matches any word
    characters («قتل*» → «قتل\\w*»); ``specials`` maps other placeholder characters to regexes.
    """
    special = {"*": r"\w*", **(specials or {})}
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def esc(ch: str) -> str:
        return special.get(ch) or re.escape(ch)

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [esc(ch) + emit(sub) for ch, sub in sorted(node.items(), key=lambda kv: kv[0] == "*") if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    top = [esc(ch) + emit(sub) + suffix for ch, sub in sorted(trie.items()) if ch]
    if digits is not None:
        top = [d + digits for d in "0123456789"] + top
    return "(?:" + "|".join(top) + ")"


@dataclass(frozen=True)
class NumberFinder:
    """Finds numbers in folded text. Build it with ``make_number_finder``; it is pure and picklable."""

    token_re: re.Pattern[str]
    digits_re: re.Pattern[str]
    words: dict[str, tuple[str, float]] = field(compare=False, hash=False)
    ordinals: dict[str, int] = field(compare=False, hash=False)

    def find(self, text: str, start: int = 0, end: int | None = None) -> tuple[NumberMatch, ...]:
        """Every number in ``text[start:end]`` (offsets stay relative to ``text``)."""
        end = len(text) if end is None else end
        tokens: list[NumberToken] = []
        for m in self.token_re.finditer(text, start, end):
            tok = self.token(text, m.start(), m.end())
            if tok is not None:
                tokens.append(tok)
        return self.group(text, tokens)

    def token(self, text: str, s: int, e: int) -> NumberToken | None:
        """The number token of ``text[s:e]`` (a number word or a digit run, as ``token_re`` finds them), or
        ``None`` when it is inside a word or a code («M4»)."""
        w = text[s:e]
        before = text[s - 1] if s else " "
        if w[0].isdigit():
            if w.isdecimal():  # a plain digit run (most of them), read as the patterns below would read it
                value = float(w)
            else:
                d = self.digits_re.match(w)
                if d is None:
                    return None
                value = float(d.group().replace(",", ""))
                if _MULTI_DOT.fullmatch(w) or _COMMA_DECIMAL.fullmatch(w):  # «1.200.000», «2,5»
                    value = float(w.replace(".", "")) if "." in w else float(w.replace(",", "."))
                    d = _MULTI_DOT.match(w) or _COMMA_DECIMAL.match(w)
                    assert d is not None
                e = s + d.end()
            after = text[e] if e < len(text) else " "
            if (before.isascii() and before.isalpha()) or before in ".," or (after.isascii() and after.isalnum()):
                return None  # «M4», «T4», «14oVw»: codes, not amounts
            k = s
            while k > 0 and text[k - 1].isalpha():
                k -= 1
            if s - k > 3:  # «كوردستان24» is a name; «بـ19», «ال24» carry a clitic
                return None
            return NumberToken(s, e, "digits", value, s - k == 1 and before == "و")
        wa = False
        if before.isalnum():  # inside a word, unless after a one-letter clitic «و»/«ب»
            if before not in "وب" or (s > 1 and text[s - 2].isalnum()):
                return None
            wa = before == "و"
        entry = self.words.get(w)
        if entry is None or entry[0] == "ordinal":
            return None
        return NumberToken(s, e, entry[0], entry[1], wa)

    def group(self, text: str, tokens: list[NumberToken]) -> tuple[NumberMatch, ...]:
        """Join adjacent tokens into numbers («خمسة آلاف», «مليون و942 ألف») and evaluate them."""
        out: list[NumberMatch] = []
        group: list[NumberToken] = []
        for tok in tokens:
            if group and self._joins(text, group[-1], tok):
                group.append(tok)
                continue
            if group:
                out.extend(self._evaluate(text, group))
            group = [tok]
        if group:
            out.extend(self._evaluate(text, group))
        return tuple(out)

    def ordinal(self, word: str) -> int | None:
        """The day number of a folded ordinal word («الخامس» → 5), if it is one."""
        return self.ordinals.get(word)

    @staticmethod
    def _joins(text: str, a: NumberToken, b: NumberToken) -> bool:
        gap = text[a.end:b.start]
        wa = b.wa
        if gap.strip():
            if gap.strip() != "و":
                return False
            wa = True
        elif len(gap) > 2:
            return False
        if wa:
            # «ستة وأربعون», «مئة وخمسون», «مليون و942 ألف»; never «3 و4» (two separate figures)
            if a.kind == "scale" and b.kind == "fraction":  # «مليون ونصف»
                return True
            if a.kind in _SCALE_KINDS or a.kind in ("hundred", "dual"):
                return b.kind in _COUNT_KINDS
            return a.kind in ("unit", "teen_unit") and b.kind == "ten" and b.value >= 20
        if b.kind in _SCALE_KINDS:
            return a.kind in _COUNT_KINDS or a.kind == "fraction"
        if b.kind == "ten" and b.value == 10:  # «أحد عشر», «ثلاثة عشر»
            return a.kind in ("unit", "teen_unit") and a.value < 10
        if b.kind == "hundred" and b.value == 100:  # «ثلاث مئة»
            return a.kind == "unit" and a.value >= 3
        return b.kind == "vague" and a.kind == "vague"  # «عشرات الآلاف»

    def _evaluate(self, text: str, group: list[NumberToken]) -> list[NumberMatch]:
        s, e = group[0].start, group[-1].end
        if len(group) == 1 and group[0].kind == "digits":  # a lone digit run (most numbers): as the loop below
            return [NumberMatch(s, e, group[0].value, "digits", text[s:e],
                                dotted_thousands=_DOTTED.fullmatch(text, s, e) is not None)]
        kinds = {t.kind for t in group}
        if kinds <= {"vague", "plural_scale"}:
            return [NumberMatch(s, e, None, "vague", text[s:e])]
        if kinds <= {"teen_unit"}:
            return []  # «أحد» alone is «one of», not a figure
        if group[0].kind == "vague":  # «مئات الآلاف» is vague; «مئات» then a count is two things
            return [NumberMatch(s, e, None, "vague", text[s:e])]
        total = 0.0
        cur = 0.0
        prev: NumberToken | None = None
        for tok in group:
            k, v = tok.kind, tok.value
            if k == "ten" and v == 10 and prev is not None and prev.kind in ("unit", "teen_unit") and not tok.wa:
                cur += 10
            elif k == "hundred" and v == 100 and prev is not None and prev.kind == "unit" and not tok.wa:
                cur += prev.value * 100 - prev.value
            elif k in _SCALE_KINDS:
                total += (cur or 1.0) * v
                cur = 0.0
            elif k == "fraction" and prev is not None and prev.kind == "scale":
                total += v * prev.value
            elif k == "dual":
                total += v
            else:
                cur += v
            prev = tok
        total += cur
        if kinds == {"fraction"}:
            return [NumberMatch(s, e, total, "fraction", text[s:e])]
        kind: NumberKind = "digits" if kinds == {"digits"} else ("mixed" if "digits" in kinds else "words")
        dotted = (kinds == {"digits"} and len(group) == 1 and _DOTTED.fullmatch(text, s, e) is not None)
        return [NumberMatch(s, e, total, kind, text[s:e], dotted_thousands=dotted)]


def make_number_finder(words: tuple[NumberWord, ...] | None = None) -> NumberFinder:
    """Build a finder from number words (default: the bundled table). Regexes are compiled here, once."""
    words = words if words is not None else load_number_words()
    table: dict[str, tuple[str, float]] = {}
    ordinals: dict[str, int] = {}
    for w in words:
        table.setdefault(w.form, (w.kind, w.value))
        if w.kind == "ordinal":
            ordinals.setdefault(w.form, int(w.value))
    pattern = trie_pattern(table, suffix=r"(?!\w)", digits=DIGITS_TAIL)
    return NumberFinder(token_re=re.compile(pattern), digits_re=re.compile(_DIGITS), words=table, ordinals=ordinals)


@cache
def default_number_finder() -> NumberFinder:
    """The finder over the bundled number words, built on first use."""
    return make_number_finder()


def find_numbers(text: str, *, finder: NumberFinder | None = None) -> tuple[NumberMatch, ...]:
    """Every number in ``text`` (folded here; offsets are into the *folded* text)."""
    return (finder or default_number_finder()).find(fold_text(text))


def parse_arabic_number(text: str, *, finder: NumberFinder | None = None) -> float | None:
    """The value of ``text`` when it is one number («ستة وأربعون» → 46.0, «٦٢٫٢٢» → 62.22), else ``None``.

    A trailing «%» or «في المائة» is allowed and ignored; vague amounts («عشرات») give ``None``.
    """
    folded = fold_text(text).strip()
    folded = _PERCENT_TAIL.sub("", folded)
    if not folded:
        return None
    matches = (finder or default_number_finder()).find(folded)
    if len(matches) != 1:
        return None
    m = matches[0]
    head = folded[:m.start]
    if folded[m.end:].strip() or head.strip() not in ("", "و", "ب"):
        return None
    return m.value
