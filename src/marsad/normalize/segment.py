"""Sentence and clause segmentation over the *original* text.

It survives what real pages carry: page chrome (captions, «+A حجم الخط -A», share counters, camera/tag
icons, bare URLs and English photo credits), bullet lines («-», «•»), quotations «…» and “…”, ellipses
used as headline separators, decimal and thousands separators (116.067), and abbreviations («د.», «م.»).
Chrome sentences are kept, flagged ``chrome=True``: places in captions still count, events do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from marsad.model.document import Span
from marsad.model.result import Sentence

_ENDERS = ".!?؟…"
_CLAUSE_MARKS = "،,؛;:"
_OPEN_Q = "«“"
_ENDER_RUN = re.compile(r"[.!?؟…][.!?؟…»”\"')]*")
_CLAUSE_MARK = re.compile(r"[،,؛;:]")
_CLOSE_Q = "»”"
_BULLET = re.compile(r"[ \t\u00a0]*(?:[-•*▪●◦–—]+|\d{1,2}[-–)]|[(]?\d{1,2}[)])[ \t\u00a0]*")
_CHROME = re.compile(
    r"حجم الخط|camera icon|tag icon|^\s*(?:ع\s*){2,}$|صورة من\s*:|pic\.twitter|^\s*(?:https?://|www\.)\S+\s*$|"
    r"اقرأ أيضا|اقرأ أيضاً|شارك(?:ها)? على|تابعونا|Getty Images|REUTERS|AFP\b|^\s*إعلان\s*$|"
    r"^\s*\d+\s*(?:مشاهدة|تعليق|مشاركة)|^\s*date\s+[\d-]+(?:\s+منذ\s+\S+)?\s*$|"
    r"\((?:سانا|رويترز|Reuters|AFP|أ ف ب|فرانس برس|الأناضول|Getty|AP|انترنت|إنترنت|متداول|تويتر|فيسبوك)\)\s*$",
    re.IGNORECASE,
)
# Words that must occur for an Arabic, unanchored alternative of _CHROME to match (see _may_be_chrome).
_CHROME_WORDS = ("حجم", "صور", "اقرأ", "شارك", "تابعونا")
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_FEW_ARABIC = re.compile(r"[^\u0600-\u06ff]*[\u0600-\u06ff](?:[^\u0600-\u06ff]*[\u0600-\u06ff]){2}")  # 3 Arabic letters
_DEFAULT_ABBREVS = ("د", "م", "ص", "ق", "ج", "س", "ت", "أ", "ا", "ه", "هـ", "ش", "ب", "ن", "ك")


@dataclass(frozen=True)
class Segmenter:
    """A pure, picklable sentence/clause segmenter. ``max_sentence`` bounds pathological input."""

    abbreviations: frozenset[str] = field(default_factory=lambda: frozenset(_DEFAULT_ABBREVS))
    max_sentence: int = 1200

    def __call__(self, text: str) -> tuple[Sentence, ...]:
        out: list[Sentence] = []
        seen_lines: set[str] = set()
        for line_start, line_end in _lines(text):
            m = _BULLET.match(text, line_start, line_end)
            start = line_start
            # a bullet marker «-» or «•» opens the line: the sentence starts after it
            if (m and m.end() < line_end and _ARABIC.search(text, m.end(), min(line_end, m.end() + 40))
                    and m.group().strip() and not text[m.end() - 1].isdigit()):
                start = m.end()
            line = text[start:line_end].strip()
            repeated = len(line) > 20 and line in seen_lines  # a caption printed twice is page chrome
            seen_lines.add(line)
            for s, e in self._split_line(text, start, line_end):
                s, e = _strip(text, s, e)
                if e > s:
                    sent = self._sentence(text, s, e)
                    out.append(Sentence(sent.span, sent.clauses, chrome=True) if repeated else sent)
        return tuple(out)

    def _split_line(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Split one line at sentence enders, not inside «…» quotes (unless a quote runs on too long)."""
        parts: list[tuple[int, int]] = []
        s = start
        half = self.max_sentence // 2
        for m in _ENDER_RUN.finditer(text, start, end):
            i, j = m.start(), m.end()
            if i < s:
                continue
            if i - s <= half and _quote_depth(text, s, i) > 0:
                continue
            if self._is_break(text, i, j, end):
                parts.append((s, j))
                s = j
        if s < end:
            parts.append((s, end))
        out: list[tuple[int, int]] = []
        for a, b in parts:  # bound pathological run-on sentences at a space
            while b - a > self.max_sentence:
                cut = text.rfind(" ", a + self.max_sentence // 2, a + self.max_sentence)
                cut = cut if cut > a else a + self.max_sentence
                out.append((a, cut))
                a = cut
            out.append((a, b))
        return out

    def _is_break(self, text: str, i: int, j: int, end: int) -> bool:
        ch = text[i]
        if ch == ".":
            # decimal / thousands separators: 116.067, 3.5
            if i > 0 and text[i - 1].isdigit() and j < end and text[j].isdigit():
                return False
            # abbreviations: a short token before the dot («د.», «م.»)
            k = i
            while k > 0 and not text[k - 1].isspace() and text[k - 1] not in _ENDERS:
                k -= 1
            tok = text[k:i]
            if tok in self.abbreviations or (len(tok) == 1 and tok.isalpha()):
                return False
            # a dot glued to the next word with no space (web typo «الأمر.وقال») still ends a sentence
        return not (ch == "…" and j < end and text[j] == ")")

    def _sentence(self, text: str, s: int, e: int) -> Sentence:
        chunk = text[s:e]
        latin = _LATIN.search(chunk) is not None
        chrome = (_may_be_chrome(chunk, latin) and _CHROME.search(chunk) is not None) or \
            _FEW_ARABIC.match(chunk) is None
        if not chrome and latin:  # count only when Latin letters are present
            chrome = len(_LATIN.findall(chunk)) > 2 * max(len(_ARABIC.findall(chunk)), 1)
        return Sentence(span=Span(s, e), clauses=_clauses(text, s, e), chrome=chrome)


def _may_be_chrome(chunk: str, latin: bool) -> bool:
    """A necessary condition for ``_CHROME`` to match ``chunk``, ten times cheaper than the search: every
    alternative has a Latin letter, a «)», one of ``_CHROME_WORDS``, or is anchored at a line that opens
    with «ع», «إ» or a digit. Most sentences fail it and skip the search."""
    if latin or ")" in chunk:
        return True
    for w in _CHROME_WORDS:
        if w in chunk:
            return True
    head = chunk.lstrip()[:1]
    return head in ("ع", "إ") or head.isdecimal()


_TERMINAL = ".!?؟:…\"»”)"


def _lines(text: str) -> list[tuple[int, int]]:
    """Lines of the text; a hard-wrapped line (no closing punctuation, a letter on both sides of one line
    break, not the opening line) continues on the next."""
    raw = []
    pos = 0
    for m in re.finditer(r"\r\n|\n|\r|\u2028|\u2029", text):
        raw.append((pos, m.start()))
        pos = m.end()
    raw.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in raw:
        if out and s - out[-1][1] in (1, 2) and out[-1][0] > 0:
            ps, pe = out[-1]
            prev = text[ps:pe].rstrip()
            nxt = text[s:e].lstrip()
            if (len(prev) > 30 and prev[-1:] not in _TERMINAL and _ARABIC.match(prev[-1:])
                    and nxt[:1] and _ARABIC.match(nxt[:1]) and not _BULLET.match(nxt)):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


_STRIP_LEFT = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                        "\u2028\u2029\u202f\u205f\u3000\u200f\u200e\ufeff")
_STRIP_RIGHT = _STRIP_LEFT - frozenset("\u200f\u200e\ufeff")


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _STRIP_LEFT:
        s += 1
    while e > s and text[e - 1] in _STRIP_RIGHT:
        e -= 1
    return s, e


def _clauses(text: str, s: int, e: int) -> tuple[Span, ...]:
    spans = []
    cs = s
    for m in _CLAUSE_MARK.finditer(text, s, e):
        i = m.start()
        if text[i] in ",." and s < i < e - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue  # 1,200 and 3.5 are numbers
        if _quote_depth(text, cs, i) > 0:
            continue
        a, b = _strip(text, cs, i)
        if b > a:
            spans.append(Span(a, b))
        cs = i + 1
    a, b = _strip(text, cs, e)
    if b > a:
        spans.append(Span(a, b))
    return tuple(spans)


def _quote_depth(text: str, s: int, e: int) -> int:
    seg = text[s:e]
    opened = seg.count("«") + seg.count("“")
    if not opened:
        return 0
    return opened - seg.count("»") - seg.count("”")
