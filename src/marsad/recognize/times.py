"""Time expressions: absolute and relative dates, spans since/until, durations, and the reference date.

The recogniser reads the *folded* text (``analysis.folded``) with patterns built from ``data/months.tsv``
(Gregorian, Levantine and Maghrebi month names), ``data/time_words.tsv`` (weekdays, units, parts of the day,
edges and relations) and the hedges of ``data/quantity_cues.tsv``; every mention's span points into the
original text. It runs first in the pipeline and also settles ``analysis.reference_date``:

1. the document's ``published`` date when it has one (a dateline in the text that disagrees only adds a warning);
2. else a publication date stated near the top of the text («نشر بتاريخ: ١٢ نيسان ٢٠٢٥», a line holding only
   «04/09/2017» or «11:42 م 17/01/2026», « date 2026-01-19»), else one in the URL («/2017/9/4/»);
3. else the settings' ``default_date`` (``analysis.reference_date`` as the pipeline set it), else ``None``.

Relative expressions («أمس الثلاثاء», «الشهر الماضي», «منذ أكثر من أربع سنوات», a bare weekday) are resolved
against that date and stay ``None`` without one. «غداة»/«عشية» are dated from the nearest day in the same
sentence: the mention's value is the date of the thing the word introduces («الاثنين … غداة إعلان …» → Sunday).
Impossible dates («31 شباط 2019») are kept with ``value=None`` and reported in ``analysis.warnings``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from marsad.model import Span, TimeMention
from marsad.normalize import Folded, fold_text
from marsad.recognize.base import Analysis
from marsad.recognize.lexicon import load_table, split_multi
from marsad.recognize.numbers import NumberFinder, load_number_words, make_number_finder, trie_pattern
from marsad.recognize.timeresolve import (
    Cand,
    Resolved,
    TimeKind,
    TimeLexicon,
    resolve,
    shift_months,
    valid_date,
)
from marsad.settings import Settings

_WB = r"(?<!\w)"
_WE = r"(?!\w)"


def _alt(forms: Iterable[str]) -> str:
    return trie_pattern(forms)


def _first_words(*groups: Iterable[str]) -> set[str]:
    return {f.split()[0] for g in groups for f in g}


def load_time_lexicon(*, user_dir: Path | None = None) -> TimeLexicon:
    """Month names, time words and hedges, folded for matching."""
    months: dict[str, tuple[int, bool]] = {}
    for row in load_table("months.tsv", user_dir=user_dir).rows:
        for form in split_multi(row["forms"]):
            months[fold_text(form)] = (int(row["month"]), row["needs_context"].strip().lower() == "yes")
    words: dict[str, dict[str, tuple[str, int]]] = {}
    for row in load_table("time_words.tsv", user_dir=user_dir).rows:
        count = int(row["count"]) if row["count"].strip() else 0
        for form in split_multi(row["forms"]):
            words.setdefault(row["kind"], {})[fold_text(form)] = (row["key"], count)
    hedges: dict[str, str] = {}
    for row in load_table("quantity_cues.tsv", user_dir=user_dir).rows:
        if row["kind"] == "hedge_before":
            for form in split_multi(row["forms"]):
                hedges[fold_text(form)] = row["key"]
    return TimeLexicon(months=months, words=words, hedges=hedges)


@dataclass(frozen=True)
class TimePatterns:
    """Compiled patterns over folded text. Built once by ``make_time_recognizer``."""

    numeric: re.Pattern[str]
    dmy: re.Pattern[str]
    my: re.Pattern[str]
    month: re.Pattern[str]
    year: re.Pattern[str]
    bare_year: re.Pattern[str]
    relunit: re.Pattern[str]
    drel: re.Pattern[str]
    dayrel: re.Pattern[str]
    weekday: re.Pattern[str]
    weekday_tail: re.Pattern[str]
    period: re.Pattern[str]
    prep_before: re.Pattern[str]
    clock: re.Pattern[str]
    dateline_cue: re.Pattern[str]
    bullet: re.Pattern[str]
    url: tuple[re.Pattern[str], ...]
    bare_prep: re.Pattern[str]
    prep_words: tuple[str, ...]
    today_before: re.Pattern[str]
    after_day: frozenset[str]
    trigger: re.Pattern[str]
    digits: re.Pattern[str]
    triggers: dict[str, tuple[str, ...]]
    by_rule: dict[str, re.Pattern[str]]


def _build_patterns(lex: TimeLexicon, finder: NumberFinder) -> TimePatterns:
    w = lex.words
    month = _alt(lex.months) + _WE
    mpair = rf"(?P<mon>{month})(?:\s*[/\-(]\s*(?P<mon2>{month})(?:\s*\))?)?"
    year = r"(?P<year>(?:1[89]|20)\d{2})(?!\d)(?!\s*(?:ه(?!\w)|هجري))"
    ordinals = _alt(f for f, (k, _) in finder.words.items() if k == "ordinal")
    day = rf"(?P<day>(?<![\d.,:/])\d{{1,2}}(?![\d.,:/]\d)|{ordinals}{_WE})"
    weekday = _alt(w["weekday"])
    rel = _alt(w["relation"])
    edge = _alt(w["edge"])
    season = _alt(w["season"])
    part = _alt(w["part_of_day"])
    this = _alt(w["this"])
    unit = _alt(w["unit"])
    preps = _alt(list(w["since"]) + list(w["ago"]) + list(w["within"]))
    hedge = _alt(lex.hedges)
    numwords = _alt(f for f, (k, _) in finder.words.items() if k in ("unit", "ten", "hundred", "dual", "teen_unit"))
    num = rf"(?:ال\s*)?\d+(?:\.\d+)?|عده|بضعه|بضع|{numwords}(?:\s+(?:و\s*)?{numwords})*"
    since_until = _alt(list(w["since"]) + list(w["until"]))
    yrel = rf"(?:\s+من)?\s+(?:العام|السنه)\s+(?P<yrel>{rel}){_WE}"
    pats: dict[str, Any] = dict(
        numeric=re.compile(
            r"(?<![\d/.\-:])(?:(?P<y1>(?:19|20)\d{2})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
            r"|(?P<d2>\d{1,2})(?P<s2>[/.\-])(?P<m2>\d{1,2})(?P=s2)(?P<y2>(?:19|20)\d{2})"
            r"|(?P<y4>(?:19|20)\d{2})-(?P<m4>0[1-9]|1[0-2])(?![\d\-/]))(?![\d/\-]|\.\d)"),
        dmy=re.compile(
            rf"{_WB}(?:(?P<wd>{weekday})\s*,?\s*)?(?:يوم\s+)?(?:ال\s*)?{day}\s*(?:من\s+)?(?:(?:شهر|الشهر)\s+)?{mpair}"
            rf"(?:\s*,?\s*(?:من\s+)?(?:(?:عام|العام|سنه)\s+)?{year}|{yrel}|\s+(?P<rel>{rel}){_WE})?"),
        my=re.compile(
            rf"{_WB}(?:(?P<edge>{edge}|{season})\s+)?(?:(?:شهر|الشهر)\s+)?{mpair}\s*,?\s*"
            rf"(?:(?:من\s+)?(?:عام|العام|سنه)\s+)?{year}"),
        month=re.compile(
            rf"{_WB}(?:(?P<edge>{edge})\s+)?(?P<shahr>(?:شهر|الشهر)\s+)?{mpair}(?:{yrel}|\s+(?P<rel>{rel}){_WE})?"),
        year=re.compile(rf"{_WB}(?:(?P<edge>{edge}|{season})\s+)?(?:عام|العام|سنه|السنه|عامي|لعام)\s+{year}"),
        bare_year=re.compile(rf"{year}(?!\s*(?:%|ال|\d))"),
        relunit=re.compile(
            rf"{_WB}(?:(?P<edge>{edge}|{season})\s+)?(?:(?P<this>{this})\s+)?"
            rf"(?P<unit>العام|السنه|الشهر|الاسبوع)(?:\s+(?P<rel>{rel}))?{_WE}"),
        drel=re.compile(
            rf"{_WB}{day}\s*(?:من\s+)?(?:(?P<this>{this})\s+الشهر|(?:الشهر|شهر)\s+(?P<rel>{rel})"
            rf"|(?P<rel2>الجاري|الحالي)){_WE}"),
        dayrel=re.compile(
            rf"{_WB}(?:(?P<part>{part})\s+)?(?:(?:يوم|نهار)\s+)?(?P<w>اول\s+(?:من\s+)?امس|امس|البارحه|اليوم|غدا|"
            rf"غداه|عشيه|(?:ال)?ليله\s+(?:ال)?ماضيه|ليله\s+امس|الليله){_WE}"),
        weekday=re.compile(
            rf"(?:(?<=و)|{_WB})(?:(?P<part>{part})\s+)?(?:(?:يوم|نهار)\s+)?(?P<wd>{weekday})"
            rf"(?:\s+(?P<rel>{rel}))?{_WE}"),
        weekday_tail=re.compile(rf"\s*[,(\"]?\s*(?P<wd>{weekday})\s*\)?(?!\w)"),
        period=re.compile(
            rf"{_WB}(?P<prep>{preps})\s+(?:(?P<hedge>{hedge})\s+)?(?:(?P<num>{num})\s*)?(?:ال)?(?P<unit>{unit})"
            rf"(?:\s+ال\s*\d+)?(?:\s+(?:عده|(?P<rel>{rel}|الاخيره|الاخير|الاولي)))?{_WE}"),
        prep_before=re.compile(rf"(?:^|(?<=\W))(?P<prep>{since_until})(?:\s+تاريخ)?(?:\s+{part})?(?:\s+يوم)?\s*$"),
        clock=re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])(?:\s*(?:[مص](?!\w)|صباحا|مساء))?"),
        dateline_cue=re.compile(r"نشر|تاريخ|بتاريخ|date|تحديث|updated|published|posted", re.IGNORECASE),
        bullet=re.compile(r"[ \t\u00a0\u200f\u200e]*[-•*–—▪●]?[ \t\u00a0]*([0-9٠-٩]{1,2})[ \t\u00a0]*[:\-–)]"),
        url=(re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)"),
             re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)"),
             re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-((?:19|20)\d{2})(?!\d)")),
        bare_prep=re.compile(rf"{_WB}{_alt(_BARE_YEAR_PREPS)}\s+$"),
    )
    # every rule starts at one of a few first words (or a digit): find those once, then try only the rules
    # that can start there. A dozen full scans of the text would cost several times more.
    edge_season = _first_words(w["edge"], w["season"])
    ords = _first_words(f for f, (k, _) in finder.words.items() if k == "ordinal")
    starts: dict[str, set[str]] = {
        "dmy": set(w["weekday"]) | {"يوم"} | ords,
        "drel": ords,
        "my": edge_season | {"شهر", "الشهر"} | _first_words(lex.months),
        "month": _first_words(w["edge"]) | {"شهر", "الشهر"} | _first_words(lex.months),
        "year": edge_season | {"عام", "العام", "سنه", "السنه", "عامي", "لعام"},
        "relunit": edge_season | _first_words(w["this"]) | {"العام", "السنه", "الشهر", "الاسبوع"},
        "period": _first_words(w["since"], w["ago"], w["within"]),
        "weekday": _first_words(w["part_of_day"]) | {"يوم", "نهار"} | set(w["weekday"]),
        "dayrel": _first_words(w["part_of_day"]) | {"يوم", "نهار", "اول", "امس", "البارحه", "اليوم", "غدا",
                                                    "غداه", "عشيه", "ليله", "الليله"},
    }
    triggers: dict[str, tuple[str, ...]] = {}
    for rule, words in starts.items():
        for word in words:
            triggers[word] = (*triggers.get(word, ()), rule)
    rules = ("numeric", "dmy", "my", "month", "year", "bare_year", "relunit", "drel", "period", "weekday", "dayrel",
             "clock")
    by_rule: dict[str, re.Pattern[str]] = {r: pats[r] for r in rules}
    # a trigger word starts after a non-word character (the text is searched with a space in front): the
    # engine then only tries the word list at word starts; «والاثنين» is a weekday after a clitic
    clitic_weekdays = {"و" + d for d in w["weekday"]}
    trigger = re.compile(r"\W(?P<w>" + trie_pattern([*triggers, *clitic_weekdays]) + r")(?!\w)")
    prep_words = tuple(sorted({f.removeprefix("و") for f in (*w["since"], *w["until"])}))
    after_day = frozenset(_first_words(lex.months) | {"من", "شهر", "الشهر", "الجاري", "الحالي", "هذا"})
    return TimePatterns(**pats, trigger=trigger, digits=re.compile(r"\d\d*"), prep_words=prep_words,
                        today_before=re.compile(r"اليوم\s*[,(]?\s*$"),
                        after_day=after_day,
                        triggers=triggers, by_rule=by_rule)


_BARE_YEAR_PREPS = ("في", "وفي", "منذ", "ومنذ", "حتى", "وحتى", "خلال", "مطلع", "اواخر", "نهايه", "بدايه", "اوائل")


@dataclass(frozen=True)
class TimeRecognizer:
    """The ``times`` stage: fills ``analysis.times`` and settles ``analysis.reference_date``."""

    lexicon: TimeLexicon
    patterns: TimePatterns
    finder: NumberFinder
    default_date: dt.date | None = None
    name: str = "times"

    def __call__(self, analysis: Analysis) -> Analysis:
        folded = analysis.folded
        warnings: list[str] = []
        cands = _select(self._candidates(folded.text))
        spans = [folded.to_original(c.start, c.end) for c in cands]
        # dates that need no reference date, resolved once: for the dateline and for «الشهر نفسه»
        base = [resolve(c, None, None, self.lexicon, self.finder) if c.rule in _STATED else None for c in cands]
        doc = analysis.document
        ref = analysis.reference_date
        stated = self._stated_date(analysis, cands, spans, base)
        if doc.published is not None:
            if stated is not None and abs((stated - doc.published).days) > 2:
                warnings.append(f"times: published date {doc.published.isoformat()} differs from the date "
                                f"stated in the text ({stated.isoformat()}); kept the published date")
        elif stated is not None and (ref is None or ref == self.default_date):
            ref = stated
        mentions = self._resolve_all(analysis, cands, spans, base, ref, warnings)
        mentions += self._timeline(analysis.text, mentions)
        mentions.sort(key=lambda t: (t.span.start, t.span.end))
        return replace(analysis, times=tuple(mentions), reference_date=ref,
                       warnings=analysis.warnings + tuple(warnings))

    # -- finding ---------------------------------------------------------------------------------------

    def _candidates(self, text: str) -> list[Cand]:
        p = self.patterns
        out: list[Cand] = []
        # where a «منذ/حتى» ends: a date right after one is a start or an end, not a point
        preps = sorted(i + len(w) for w in p.prep_words for i in _find_all(text, w))
        hits = [(t.start("w") - 1, t.group("w")) for t in p.trigger.finditer(" " + text)]
        hits += [(d.start(), d.group()) for d in p.digits.finditer(text)
                 if not d.start() or not text[d.start() - 1].isalpha()]
        hits.sort()
        for s, w in hits:
            if w[0].isdigit():
                rules = _digit_rules(w, text, s + len(w), p.after_day)
            elif w in p.triggers:
                rules = p.triggers[w]
            else:  # «والاثنين»
                s, rules = s + 1, ("weekday",)
            for rule in rules:
                m = p.by_rule[rule].match(text, s)
                if m is None or not self._plausible(rule, m):
                    continue
                if rule == "clock":  # times of day are claimed so that no date is read inside them
                    out.append(Cand(s, m.end(), rule, m))
                    continue
                if rule == "dayrel" and m.group("w") == "اليوم" \
                        and _NOT_TODAY.match(text, m.end()):
                    continue
                start, kind = self._prep(text, s, preps)
                out.append(Cand(start, m.end(), rule, m, None, kind))
                if rule == "dayrel":
                    tail = p.weekday_tail.match(text, m.end())
                    if tail:
                        out.append(Cand(start, tail.end(), rule, m, tail.group("wd"), kind))
        return out

    def _plausible(self, rule: str, m: re.Match[str]) -> bool:
        if rule in ("month", "my", "dmy"):
            mon = self.lexicon.months[_norm(m.group("mon"))]
            mon2 = m.group("mon2")
            if mon2 is not None and self.lexicon.months[_norm(mon2)][0] != mon[0]:
                return False  # «آذار / مايو» is not one month written twice
            if rule == "month" and mon[1] and not (m.group("shahr") or mon2 or m.group("rel")):
                return False  # «آب», «مارس» alone are everyday words
        if rule == "relunit" and not (m.group("rel") or m.group("this")):
            return False
        if rule == "bare_year" and self.patterns.bare_prep.search(m.string, max(0, m.start() - 8), m.start()) is None:
            return False
        if rule == "period":
            count = self.lexicon.words["unit"][_norm(m.group("unit"))][1]
            if m.group("num") is None and count == 1 and m.group("prep") in ("منذ", "ومنذ", "قبل", "وقبل") \
                    and not m.group("rel") and _YEAR_NEXT.match(m.string, m.end()):
                return False  # «منذ عام 2013» is a year, read by the year rule
        return True

    def _prep(self, text: str, start: int, preps: list[int]) -> tuple[int, TimeKind]:
        """Widen a match to a «منذ/حتى» (and «تاريخ», a part of the day, «يوم») right before it."""
        lo = max(0, start - 30)
        i = bisect.bisect_right(preps, start)
        if not i or preps[i - 1] < lo:
            return start, "point"
        pm = self.patterns.prep_before.search(text, lo, start)
        if pm is None:
            return start, "point"
        return pm.start("prep"), "since" if pm.group("prep") in self.lexicon.words["since"] else "until"

    # -- resolving -------------------------------------------------------------------------------------

    def _resolve_all(self, analysis: Analysis, cands: list[Cand], spans: list[Span],
                     base: list[Resolved | None], ref: dt.date | None, warnings: list[str]) -> list[TimeMention]:
        text = analysis.text
        # stated months, for «الشهر نفسه» and yearless dates: the last one on the same line, else the
        # month the text states most often
        newlines = [m.start() for m in _NEWLINE.finditer(text)]
        by_line: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
        counts: dict[tuple[int, int], tuple[int, int]] = {}  # month → (times stated, last position)
        for span, r0 in zip(spans, base, strict=True):
            if r0 is not None and r0.value is not None and not r0.relative and r0.precision in ("day", "month"):
                ym = (int(r0.value[:4]), int(r0.value[5:7]))
                at, yms = by_line.setdefault(bisect.bisect_left(newlines, span.start), ([], []))
                at.append(span.start)
                yms.append(ym)
                counts[ym] = (counts.get(ym, (0, 0))[0] + 1, span.start)
        dominant = max(counts, key=lambda k: counts[k]) if counts else None
        out: list[tuple[Cand, Resolved, Span]] = []
        for c, span, r0 in zip(cands, spans, base, strict=True):
            if c.rule == "clock":
                continue
            if r0 is not None and c.rule != "dmy":
                r = resolve(c, None, None, self.lexicon, self.finder) if c.kind != "point" else r0
            else:
                antecedent = dominant
                line = by_line.get(bisect.bisect_left(newlines, span.start))
                if line is not None:
                    k = bisect.bisect_left(line[0], span.start)
                    if k:
                        antecedent = line[1][k - 1]
                r = resolve(c, ref, antecedent, self.lexicon, self.finder)
            if r.warning:
                warnings.append(f"times: {r.warning} «{text[span.start:span.end]}» at {span.start}")
            out.append((c, r, span))
        out = _anchor_relative_days(out, analysis)
        return [TimeMention(span=span, surface=text[span.start:span.end], value=r.value, precision=r.precision,
                            relative=r.relative, kind=r.kind) for _c, r, span in out]

    def _stated_date(self, analysis: Analysis, cands: list[Cand], spans: list[Span],
                     base: list[Resolved | None]) -> dt.date | None:
        """A publication date stated near the top of the text, else in the URL.

        In order: a date after «نشر/تاريخ/date» (3); a date alone on its line, perhaps with a clock time (2);
        a date in a short line among the first ones (1); «اليوم، الخميس 3 آب» whose weekday fits a year the
        text states (1); then a date in the URL; then a photo caption's «- 2 آب 2017 (رويترز)» (the day of
        the photo, often the day before).
        """
        text = analysis.text
        best: tuple[float, dt.date] | None = None
        years = sorted({int(r.value[:4]) for r in base if r is not None and r.value and not r.relative})
        for c, span, r in zip(cands, spans, base, strict=True):
            if span.start > 800:
                break
            if r is None or c.kind != "point":
                continue
            score = 0.0
            date: dt.date | None = None
            if r.value is not None and r.precision == "day" and not r.relative:
                date = dt.date.fromisoformat(r.value)
                score = self._dateline_score(text, span)
            elif c.rule == "dmy" and c.m.group("wd") and years and self.patterns.today_before.search(
                    analysis.folded.text, max(0, c.start - 10), c.start):
                date = _weekday_year(c, years, self.lexicon, self.finder)
                score = 1.0 if date is not None else 0.0
            if date is not None and score and (best is None or score > best[0]):
                best = (score, date)
        if best is not None and best[0] >= 1:
            return best[1]
        return self._url_date(analysis.document.url) or (best[1] if best is not None else None)

    def _dateline_score(self, text: str, span: Span) -> float:
        ls = text.rfind("\n", 0, span.start) + 1
        le = text.find("\n", span.end)
        le = len(text) if le < 0 else le
        if span.start - ls > 300 or le - span.end > 300:
            return 0.0  # a date inside a long paragraph is not a dateline
        before, after = text[ls:span.start], text[span.end:le]
        rest = self.patterns.clock.sub("", before + after).strip(" \t-|،,:")
        if self.patterns.dateline_cue.search(before):
            return 3.0
        if len(rest) <= 12:
            return 2.0
        if len(rest) <= 45 and text[:ls].count("\n") <= 4:
            return 1.0
        if before.rstrip().endswith("-") and after.lstrip().startswith("("):
            return 0.5
        return 0.0

    def _url_date(self, url: str | None) -> dt.date | None:
        if not url:
            return None
        for i, pat in enumerate(self.patterns.url):
            m = pat.search(url)
            if m:
                a, b, c = (int(g) for g in m.groups())
                y, mo, d = (c, b, a) if i == 2 else (a, b, c)
                if valid_date(y, mo, d):
                    return dt.date(y, mo, d)
        return None

    def _timeline(self, text: str, mentions: list[TimeMention]) -> list[TimeMention]:
        """Bullet lines «- 19: …» under a header line «مايو/ أيار 2013» are days of that month."""
        out: list[TimeMention] = []
        taken = sorted(t.span.start for t in mentions)
        for t in mentions:
            if t.precision != "month" or t.relative or t.value is None or t.kind != "point":
                continue
            ls = text.rfind("\n", 0, t.span.start) + 1
            le = text.find("\n", t.span.end)
            if le < 0 or (text[ls:t.span.start] + text[t.span.end:le]).strip(" \t\u00a0:-"):
                continue  # not a header line
            year, month = int(t.value[:4]), int(t.value[5:7])
            pos, seen, other = le + 1, 0, 0
            while pos < len(text) and other < 3:
                end = text.find("\n", pos)
                end = len(text) if end < 0 else end
                line = text[pos:end]
                if line.strip():
                    m = self.patterns.bullet.match(line)
                    i = bisect.bisect_left(taken, pos)
                    if m is None:
                        if seen or (i < len(taken) and taken[i] < end):
                            break
                        other += 1  # a few lines of prose may sit between the header and its bullets
                    else:
                        d = int(fold_text(m.group(1)))
                        s = pos + m.start(1)
                        if valid_date(year, month, d) and not (i < len(taken) and taken[i] <= s):
                            out.append(TimeMention(span=Span(s, pos + m.end(1)), surface=m.group(1),
                                                   value=f"{year:04d}-{month:02d}-{d:02d}", precision="day"))
                        seen += 1
                pos = end + 1
        return out


def _norm(s: str) -> str:
    return " ".join(s.split())


def _surface(folded: Folded, c: Cand) -> str:
    span = folded.to_original(c.start, c.end)
    return folded.original[span.start:span.end]


def _weekday_year(c: Cand, years: list[int], lex: TimeLexicon, finder: NumberFinder) -> dt.date | None:
    """«اليوم، الخميس 3 آب»: the date in one of the stated years whose weekday is the one written."""
    m = c.m
    month = lex.months[" ".join(m.group("mon").split())][0]
    raw = " ".join(m.group("day").split())
    d = int(raw) if raw.isdigit() else finder.ordinal(raw)
    iso = int(lex.words["weekday"][" ".join(m.group("wd").split())][0])
    fits = [dt.date(y, month, d) for y in years if d and valid_date(y, month, d)
            and dt.date(y, month, d).isoweekday() == iso]
    return fits[0] if len(fits) == 1 else None


def _find_all(text: str, word: str) -> list[int]:
    out = []
    i = text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _digit_rules(digits: str, text: str, end: int, after_day: frozenset[str]) -> tuple[str, ...]:
    """The rules that can start at a digit run, from its length and what follows it."""
    after = text[end:end + 1]
    if after == ":":
        return ("clock",)
    if after and after in "/.-":
        return ("numeric", "bare_year") if len(digits) == 4 else ("numeric",)
    if len(digits) == 4:
        return ("bare_year",)
    if len(digits) > 2:
        return ()
    nxt = text[end:end + 16].split(maxsplit=1)
    if not nxt or nxt[0].strip("/-(),.") not in after_day:  # a day number is followed by its month
        return ()
    return ("dmy", "drel")


_NOT_TODAY = re.compile(r"\s+(?:التالي|نفسه|ذاته)(?!\w)")  # «اليوم التالي» is not today
_YEAR_NEXT = re.compile(r"\s*\d{4}")
_NEWLINE = re.compile("\n")
_STATED = frozenset({"numeric", "dmy", "my"})
_ABSOLUTE = frozenset({"numeric", "dmy", "my", "year", "drel", "clock"})


def _select(cands: list[Cand]) -> list[Cand]:
    """Absolute dates first, then longest first, no overlaps; returned in text order."""
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Cand] = []
    for c in sorted(cands, key=lambda c: (c.rule not in _ABSOLUTE, -(c.end - c.start), c.start)):
        i = bisect.bisect_left(starts, c.start)
        if (i and ends[i - 1] > c.start) or (i < len(starts) and starts[i] < c.end):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        chosen.insert(i, c)
    return chosen


def _anchor_relative_days(out: list[tuple[Cand, Resolved, Span]],
                          analysis: Analysis) -> list[tuple[Cand, Resolved, Span]]:
    """Date «غداة»/«عشية» from the nearest day-precision mention of the same sentence (else leave as is)."""
    res = list(out)
    for i, (c, r, span) in enumerate(out):
        if c.rule != "dayrel" or r.anchor_shift is None:
            continue
        pos = span.start
        sent = analysis.sentence_of(pos)
        best: tuple[int, str] | None = None
        for j, (_c2, r2, span2) in enumerate(out):
            if j == i or r2.value is None or r2.precision != "day" or r2.anchor_shift is not None:
                continue
            p2 = span2.start
            if sent is not None and not (sent.span.start <= p2 < sent.span.end):
                continue
            if best is None or abs(p2 - pos) < best[0]:
                best = (abs(p2 - pos), r2.value)
        if best is not None:
            day = dt.date.fromisoformat(best[1]) + dt.timedelta(days=r.anchor_shift)
            res[i] = (c, r._replace(value=day.isoformat()), span)
    return res


def make_time_recognizer(settings: Settings | None = None, *, lexicon: TimeLexicon | None = None,
                         finder: NumberFinder | None = None) -> TimeRecognizer:
    """Build the ``times`` stage: load the month and time-word tables and compile every pattern once."""
    settings = settings or Settings()
    lex = lexicon or load_time_lexicon(user_dir=settings.lexicon_dir)
    fnd = finder or make_number_finder(load_number_words(user_dir=settings.lexicon_dir))
    return TimeRecognizer(lexicon=lex, patterns=_build_patterns(lex, fnd), finder=fnd,
                          default_date=settings.default_date)


__all__ = ["TimeLexicon", "TimePatterns", "TimeRecognizer", "load_time_lexicon", "make_time_recognizer",
           "shift_months"]
