"""Quantities: stated figures with their unit, hedge, counted noun and metric.

Numbers come from ``recognize.numbers`` (digits, Arabic-Indic digits, number words); everything else is read
from ``data/quantity_cues.tsv``: units («%», «في المائة», «كم مربع», «كيلومترات»), hedges («نحو», «أكثر من»,
«على الأقل»), the counted noun that decides a metric («قتلى» → fatalities, «لاجئ» → displaced), context words
for neutral head counts («أربعة طلاب قتلوا» → fatalities) and share cues («من مساحة», «نسبة سيطرة»).

Metrics follow ``../shared/eval/README.md``: share_of_territory, area_km2, fatalities, injured, displaced,
besieged_civilians, detained, distance_km, other. Values follow its conventions: percentages as numbers
(46 for «46%»), «أكثر من ثلث» → 33.3, «116.067 كم مربع» → 116067 (a dot before exactly three digits is a
thousands separator for areas and head counts).

Not quantities: numbers inside time, place or actor mentions (years, dates, «اللواء 137» when the place
stage knows it), identifiers («القرار 2254», «الفرقة 17», «M4»), times of day, ages and durations («15 عاماً»),
phone numbers, ordinals («الـ 5») and vague amounts («عشرات», «آلاف»: they have no value).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from pathlib import Path

from marsad.model import QuantityMention
from marsad.normalize import fold_text
from marsad.recognize.base import Analysis
from marsad.recognize.lexicon import load_table, split_multi
from marsad.recognize.numbers import (
    NumberFinder,
    NumberMatch,
    NumberToken,
    load_number_words,
    make_number_finder,
    trie_pattern,
)

_CLITICS = r"(?:[وف]?(?:[بك]?ال|لل|[بلك])?)"
_FUNCTION_WORDS = frozenset(fold_text(w) for w in [
    "من", "في", "على", "إلى", "الى", "عن", "خلال", "منذ", "بعد", "قبل", "و", "أو", "ثم", "حتى", "مع", "بين", "عند",
    "لدى", "ضد", "نحو", "حول", "دون", "فقط", "فيما", "كما", "أن", "إن", "التي", "الذي", "الذين", "وهو", "وهي", "هو",
    "هي", "تم", "قد", "لم", "لن", "كان", "كانت"])
_PERSON_METRICS = ("fatalities", "injured", "displaced", "detained", "besieged_civilians")
_ARMED_METRICS = ("fatalities", "injured", "detained")


def _pattern(form: str) -> str:
    star = form.endswith("*")
    body = re.escape(form.rstrip("*")).replace(r"\ ", r"\s+")
    return body + (r"\w*" if star else "")


def _groups(rows: dict[str, list[str]]) -> str:
    parts = []
    for key, forms in rows.items():
        forms = sorted(set(forms), key=lambda f: (-len(f), f))
        parts.append(f"(?P<{key}>" + "|".join(_pattern(f) for f in forms) + ")")
    return "|".join(parts)


_BREAKDOWN = re.compile(r"[\s,]*(?:و?من\s+)?(?:بينهم|بينهن|منهم|منهن)\s*(?:من\s+)?")
_PARTITIVE = re.compile(r"\s*\)?\s*من\s+(?!\d)")
_DIGIT_BEFORE = re.compile(r"\d\s*$")
_CONTINUED = re.compile(r"[^\d.;:!?]{0,45}\sو\s*|\s*,?\s*و\s*")


@dataclass
class _Draft:
    """A quantity being read (folded offsets); ``tail`` is where its counted noun or unit ends."""

    start: int
    end: int
    tail: int
    value: float
    unit: str
    metric: str | None
    hedge: str | None = None
    noun: tuple[int, int] | None = None
    noun_class: str | None = None
    breakdown: bool = False


_SCAN_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "كال", "لل", "ولل", "وب", "ول", "فب", "فل")
_PROCLITICS = ("وال", "بال", "فال", "كال", "ولل", "فلل", "لل", "ال", "وب", "ول", "وك", "فب", "فل",
               "و", "ف", "ب", "ل", "ك")
_ENCLITICS = ("هم", "هن", "ها", "ه")


@dataclass(frozen=True)
class WordClasses:
    """Folded forms → a class, with «*» forms matching any ending; proclitics and pronoun suffixes allowed."""

    exact: dict[str, str]
    stars: dict[str, str]
    shortest_star: int

    @classmethod
    def build(cls, rows: dict[str, list[str]]) -> WordClasses:
        exact: dict[str, str] = {}
        stars: dict[str, str] = {}
        for key, forms in rows.items():
            for f in forms:
                if f.endswith("*"):
                    stars.setdefault(f[:-1], key)
                else:
                    exact.setdefault(f, key)
        return cls(exact, stars, min((len(k) for k in stars), default=99))

    def of(self, word: str) -> str | None:
        hit = self._stem(word)
        if hit is not None:
            return hit
        for pre in _PROCLITICS:
            if word.startswith(pre) and len(word) - len(pre) >= 2:
                hit = self._stem(word[len(pre):])
                if hit is not None:
                    return hit
        return None

    def _stem(self, w: str) -> str | None:
        hit = self.exact.get(w)
        if hit is not None:
            return hit
        for suf in _ENCLITICS:
            if w.endswith(suf) and w[:-len(suf)] in self.exact:
                return self.exact[w[:-len(suf)]]
        for n in range(len(w), self.shortest_star - 1, -1):
            hit = self.stars.get(w[:n])
            if hit is not None:
                return hit
        return None


@dataclass
class _Doc:
    """Per-call state: the folded text and its context/share cues (start, end, kind, key) in text order."""

    text: str
    cues: list[tuple[int, int, str, str]]
    cue_starts: list[int]
    last_percent: _Draft | None = None


@dataclass(frozen=True)
class QuantityLexicon:
    """The rows of ``quantity_cues.tsv`` grouped by kind, each as ``{key: [folded forms]}``."""

    cues: dict[str, dict[str, list[str]]]

    @classmethod
    def load(cls, *, user_dir: Path | None = None) -> QuantityLexicon:
        cues: dict[str, dict[str, list[str]]] = {}
        for row in load_table("quantity_cues.tsv", user_dir=user_dir).rows:
            for form in split_multi(row["forms"]):
                folded = fold_text(form.rstrip("*")) + ("*" if form.endswith("*") else "")
                cues.setdefault(row["kind"], {}).setdefault(row["key"], []).append(folded)
        return cls(cues=cues)


@dataclass(frozen=True)
class QuantityPatterns:
    """Compiled patterns. Words before a number are read on the reversed text, anchored at the number."""

    unit: re.Pattern[str]
    scan: re.Pattern[str]
    scan_base: dict[str, str]
    scan_cue: dict[str, tuple[str, str] | None]  # a scanned form → its (kind, key) as a context/share cue
    dual_keys: dict[str, str]
    clitics: re.Pattern[str]
    noun: re.Pattern[str]
    noun_words: WordClasses
    area_unit: re.Pattern[str]
    cue_words: WordClasses
    hedge_before_rev: re.Pattern[str]
    hedge_keys: dict[str, str]
    hedge_after: re.Pattern[str]
    identifier_rev: re.Pattern[str]
    identifier_far_rev: re.Pattern[str]
    skip_after: re.Pattern[str]
    unit_keys: dict[str, tuple[str, int]]


def _rev(forms: list[str]) -> list[str]:
    return [f[::-1] for f in forms]


def _kind_key(hit: str) -> tuple[str, str]:
    kind, _, key = hit.partition(":")
    return kind, key


def _build(lex: QuantityLexicon, finder: NumberFinder) -> QuantityPatterns:
    c = lex.cues
    units: dict[str, list[str]] = {}
    duals: dict[str, list[str]] = {}
    unit_keys: dict[str, tuple[str, int]] = {}
    for key, forms in c["unit"].items():
        name, _, implied = key.partition(":")
        group = f"u_{name}" + (f"_{implied}" if implied else "")
        unit_keys[group] = (name, int(implied or 0))
        (duals if implied else units).setdefault(group, []).extend(f for f in forms if f != "%")
    # forms that stand for the number 2 by themselves: dual units («كيلومترين») and dual nouns («عنصران»)
    dual_keys = {f: g for g, forms in duals.items() for f in forms}
    dual_keys.update({f: f"d_{k}" for k, forms in c["noun_dual"].items() for f in forms})
    # context and share cues are found once per document, then looked up per number
    cue_forms = [f for kind in ("context", "share") for forms in c[kind].values() for f in forms]
    scan_base: dict[str, str] = {}  # a form as written (with its proclitic) → the bare form
    for forms, clitics in ((list(finder.words), ("", "و", "ب")), (["#"], _SCAN_CLITICS),
                           (list(dual_keys), _SCAN_CLITICS), (cue_forms, _SCAN_CLITICS)):
        for f in forms:
            for cl in clitics:
                scan_base.setdefault(cl + f, f)
    scan_forms = list(scan_base)
    cue_words = WordClasses.build({f"{kind}:{key}": forms for kind in ("context", "share")
                                   for key, forms in c[kind].items()})
    scan_cue: dict[str, tuple[str, str] | None] = {}
    for f in scan_forms:
        hit = cue_words.of(f)
        scan_cue[f] = None if hit is None else _kind_key(hit)
    hedge_keys = {f: k for k, forms in c["hedge_before"].items() for f in forms}
    idents = [f for forms in c["identifier"].values() for f in forms]
    far = [f for forms in c["identifier_far"].values() for f in forms]
    return QuantityPatterns(
        unit=re.compile(rf"\s*(?:(?P<u_percent_sign>%)|(?:{_groups(units)})(?!\w))"),
        # one scan finds, at word starts (the text is searched with a space in front), number words and digit
        # runs, dual forms and cues, each with the proclitics it may carry («وخمسة», «بـ19», «والقتلى»)
        scan=re.compile(r"\W(?P<w>" + trie_pattern(scan_forms, specials={"#": r"\d+(?:[.,]\d+)*"}) + r")(?!\w)"),
        scan_base=scan_base,
        scan_cue=scan_cue,
        dual_keys=dual_keys,
        clitics=re.compile(_CLITICS),
        noun=re.compile(r"\s*(?:من\s+)?(?P<n>[^\W\d_]+)"),
        noun_words=WordClasses.build(c["noun"]),
        area_unit=re.compile(_groups({"km2": c["unit"]["km2"]})),
        cue_words=cue_words,
        hedge_before_rev=re.compile(rf"[\s(]*(?P<h>{trie_pattern(_rev(list(hedge_keys)))})[وب]?(?!\w)"),
        hedge_keys=hedge_keys,
        hedge_after=re.compile(rf"\s*\)?\s*,?\s*(?:{_groups(c['hedge_after'])})(?!\w)"),
        identifier_rev=re.compile(rf"[\s(\-]*{trie_pattern(_rev(idents))}[وفبل]?(?!\w)"),
        identifier_far_rev=re.compile(rf"[\s(]*(?:\w+\s+){{1,3}}{trie_pattern(_rev(far))}[وفبل]?(?!\w)"),
        skip_after=re.compile(rf"\s*(?:{_groups(c['skip_after'])})(?!\w)"),
        unit_keys=unit_keys,
    )


@dataclass(frozen=True)
class QuantityRecognizer:
    """The ``quantities`` stage: fills ``analysis.quantities``. Runs after times, actors and places."""

    patterns: QuantityPatterns
    finder: NumberFinder
    name: str = "quantities"
    context_window: int = 70
    share_window: int = 140

    def __call__(self, analysis: Analysis) -> Analysis:
        folded = analysis.folded
        text = folded.text
        p = self.patterns
        taken = _taken_spans(analysis)
        taken_starts = [t[0] for t in taken]
        offsets = folded.offsets
        sentences = analysis.sentences
        sent_starts = [s.span.start for s in sentences]
        bounds: dict[int, tuple[int, int, bool]] = {}
        tokens: list[NumberToken] = []
        found: list[tuple[int, NumberMatch | tuple[int, int, str]]] = []
        cues: list[tuple[int, int, str, str]] = []
        words = self.finder.words
        for m in p.scan.finditer(" " + text):
            s, e = m.start("w") - 1, m.end() - 1
            w = m.group("w")
            base = p.scan_base.get(w)
            if "0" <= w[-1] <= "9":  # a digit run, maybe after a proclitic
                k = s
                while not text[k].isdigit():
                    k += 1
                tok = self.finder.token(text, k, e)
                if tok is not None:
                    tokens.append(tok)
                continue
            if base is not None and base in words:
                tok = self.finder.token(text, e - len(base), e)
                if tok is not None:
                    tokens.append(tok)
                continue
            if base is not None and base in p.dual_keys:
                found.append((e - len(base), (e - len(base), e, base)))
            if w in p.scan_cue:  # every form of the scan but those with a «*» ending
                cue = p.scan_cue[w]
            else:
                hit = p.cue_words.of(w)
                cue = None if hit is None else _kind_key(hit)
            if cue is not None:
                cues.append((s, e, *cue))
        tokens.sort(key=lambda t: t.start)
        found += [(n.start, n) for n in self.finder.group(text, tokens)]
        found.sort(key=lambda f: f[0])
        drafts: list[_Draft] = []
        doc = _Doc(text, cues, [c[0] for c in cues])
        for pos, item in found:
            end = item.end if isinstance(item, NumberMatch) else item[1]
            ostart, oend = offsets[pos], offsets[end - 1] + 1
            if _inside(taken, taken_starts, ostart, oend):
                continue
            i = bisect.bisect_right(sent_starts, ostart) - 1
            if i not in bounds:
                if i >= 0:
                    sent = sentences[i]
                    bounds[i] = (folded.to_folded(sent.span.start), folded.to_folded(sent.span.end), sent.chrome)
                else:
                    bounds[i] = (0, len(text), False)
            lo, hi, chrome = bounds[i]
            if chrome:
                continue
            if isinstance(item, NumberMatch):
                d = self._read(doc, item, lo, max(hi, end)) if item.value is not None else None
            elif _DIGIT_BEFORE.search(text, max(0, pos - 4), pos):
                d = None  # «2 كيلومترين»: the number was read already
            else:
                d = self._dual(doc, item, lo, max(hi, end))
            if d is None:
                continue
            self._inherit(text, d, drafts, doc)
            if d.metric is not None:
                drafts.append(d)
                if d.unit == "percent":
                    doc.last_percent = d
        out = []
        for d in drafts:
            span = folded.to_original(d.start, d.end)
            noun = None
            if d.noun is not None:
                ns = folded.to_original(*d.noun)
                noun = analysis.text[ns.start:ns.end]
            out.append(QuantityMention(span=span, surface=analysis.text[span.start:span.end], value=d.value,
                                       unit=d.unit, metric=d.metric or "other", hedge=d.hedge, noun=noun))
        return replace(analysis, quantities=tuple(out))

    def _inherit(self, text: str, d: _Draft, drafts: list[_Draft], doc: _Doc) -> None:
        """Breakdowns («89 قتيلاً، بينهم 18 عنصراً … و4 أطفال») and lists of shares take the metric before."""
        prev = drafts[-1] if drafts else None
        gap = text[prev.tail:d.start] if prev is not None else ""
        if prev is not None and d.unit == "count" and d.noun_class in ("person", "armed", None) \
                and prev.metric in _PERSON_METRICS:
            if _BREAKDOWN.fullmatch(gap) or (prev.breakdown and _CONTINUED.fullmatch(gap)):
                d.metric, d.breakdown = prev.metric, True
        elif d.unit == "percent" and d.metric is None:
            last = doc.last_percent
            if last is not None and last.metric == "share_of_territory" and d.start - last.tail < 400:
                d.metric = "share_of_territory"
        if d.unit == "percent" and d.metric is None and _PARTITIVE.match(text, d.end):
            d.metric = "other"  # «80% من المدينة»; a bare rate («بنسبة 150%») is left out

    def _read(self, doc: _Doc, num: NumberMatch, lo: int, hi: int) -> _Draft | None:
        p = self.patterns
        text = doc.text
        s, e = num.start, num.end
        if num.kind in ("digits", "mixed") and _looks_like_code(text, s, e):
            return None
        before = text[max(0, s - 40):s][::-1]
        if p.identifier_rev.match(before) or p.skip_after.match(text, e):
            return None
        if num.kind == "digits" and p.identifier_far_rev.match(before):
            return None
        um = p.unit.match(text, e)
        unit = "count"
        end = e
        start = s
        if um is not None:
            unit = "percent" if um.lastgroup == "u_percent_sign" else p.unit_keys[um.lastgroup or ""][0]
            end = um.end()
        elif s and text[s - 1] == "%" and num.kind == "digits":  # «%40»: the sign put first by bidi editing
            unit, start = "percent", s - 1
        if unit == "currency":
            return None  # prices and exchange rates are not conflict figures
        value = num.value
        assert value is not None
        if unit == "m":  # «على بعد 500 متر»: distances are kept in kilometres
            unit, value = "km", value / 1000
        if num.kind == "fraction":
            if unit != "count" or not self._share_near(doc, s, lo, hi):
                return None
            unit, value = "percent", round(value * 100, 1)
        noun_span, noun_class = None, None
        if unit == "count":
            noun_span, noun_class = self._noun(text, end)
            if noun_class is None and num.kind == "digits" and value.is_integer() and 1900 <= value <= 2100:
                return None  # a year
            if value < 1:
                return None
        if num.dotted_thousands and (unit == "km2" or (unit == "count" and noun_class is not None)):
            value = num.thousands_value or value
        metric = self._metric(doc, s, end, lo, hi, unit, noun_class)
        if metric is None and unit == "percent" and p.area_unit.search(text, lo, hi):
            metric = "share_of_territory"  # «قسد: 25.6%، أي نحو 47.400 كم مربع»
        tail = noun_span[1] if noun_span else end
        hedge, hstart = self._hedge(text, start, tail, lo)
        return _Draft(start=hstart if hstart is not None else start, end=end, tail=tail, value=value, unit=unit,
                      metric=metric, hedge=hedge, noun=noun_span, noun_class=noun_class)

    def _dual(self, doc: _Doc, item: tuple[int, int, str], lo: int, hi: int) -> _Draft | None:
        s, e, word = item
        key = self.patterns.dual_keys[word]
        hedge, hstart = self._hedge(doc.text, s, e, lo)
        start = hstart if hstart is not None else s
        if key in self.patterns.unit_keys:  # «كيلومترين مربعين»
            unit, implied = self.patterns.unit_keys[key]
            return _Draft(start=start, end=e, tail=e, value=float(implied), unit=unit,
                          metric={"km2": "area_km2", "km": "distance_km"}.get(unit, "other"), hedge=hedge)
        cls = key.removeprefix("d_")  # «قتل عنصران»
        metric = self._metric(doc, s, e, lo, hi, "count", cls)
        return _Draft(start=start, end=e, tail=e, value=2.0, unit="count", metric=metric, hedge=hedge,
                      noun=(s, e), noun_class=cls)

    def _noun(self, text: str, pos: int) -> tuple[tuple[int, int] | None, str | None]:
        nm = self.patterns.noun.match(text, pos)
        if nm is None or nm.group("n") in _FUNCTION_WORDS:
            return None, None
        cls = self.patterns.noun_words.of(nm.group("n"))
        if cls is None:
            return None, None
        return (nm.start("n"), nm.end("n")), cls

    def _share_near(self, doc: _Doc, pos: int, lo: int, hi: int) -> bool:
        a, b = max(lo, pos - self.share_window), min(hi, pos + self.share_window)
        cues = doc.cues
        i = bisect.bisect_left(doc.cue_starts, a)
        while i < len(cues) and cues[i][0] < b:
            if cues[i][2] == "share" and cues[i][1] <= b:
                return True
            i += 1
        return False

    def _metric(self, doc: _Doc, s: int, e: int, lo: int, hi: int, unit: str,
                noun_class: str | None) -> str | None:
        if unit == "percent":
            return "share_of_territory" if self._share_near(doc, s, lo, hi) else None
        if unit == "km2":
            return "area_km2"
        if unit == "km":
            return "distance_km"
        if unit != "count":
            return "other"
        if noun_class in _PERSON_METRICS or noun_class == "other":
            return noun_class
        allowed = _ARMED_METRICS if noun_class == "armed" else _PERSON_METRICS
        best: tuple[int, str] | None = None
        a, b = max(lo, s - self.context_window), min(hi, e + self.context_window)
        text, cues = doc.text, doc.cues
        i = bisect.bisect_left(doc.cue_starts, a)
        while i < len(cues) and cues[i][0] < b:
            cs, ce, kind, key = cues[i]
            i += 1
            if kind != "context" or key not in allowed or ce > b or (cs < e and ce > s):
                continue
            gap = text[ce:s] if ce <= s else text[e:cs]
            dist = len(gap) + 25 * (gap.count(",") + gap.count(";"))
            if best is None or dist < best[0]:
                best = (dist, key)
        if best is not None:
            return best[1]
        return None if noun_class is None else "other"

    def _hedge(self, text: str, s: int, e: int, lo: int) -> tuple[str | None, int | None]:
        lo = max(lo, s - 30)
        hm = self.patterns.hedge_before_rev.match(text[lo:s][::-1])
        if hm is not None:
            return self.patterns.hedge_keys[hm.group("h")[::-1]], s - hm.end()
        am = self.patterns.hedge_after.match(text, e)
        if am is not None:
            return am.lastgroup, None
        return None, None


def _looks_like_code(text: str, s: int, e: int) -> bool:
    """Times of day, URLs and paths, phone numbers: digits that are not amounts."""
    before = text[max(0, s - 1):s]
    after = text[e:e + 2]
    if before in (":", "/", "+", "#", "-") or after[:1] in (":", "/") or (after[:1] == "-" and after[1:2].isdigit()):
        return True
    digits = text[s:e]
    return len(digits) >= 7 and digits.isdigit() and digits.startswith("0")


def _taken_spans(analysis: Analysis) -> list[tuple[int, int]]:
    """Original-text spans of the time, place and actor mentions, sorted."""
    spans = [(t.span.start, t.span.end) for t in analysis.times]
    spans += [(p.span.start, p.span.end) for p in analysis.places]
    spans += [(a.span.start, a.span.end) for a in analysis.actors]
    spans.sort()
    return spans


def _inside(taken: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect.bisect_left(starts, e)  # spans starting before e
    for j in range(max(0, i - 8), i):  # noqa: SIM110 (a plain loop: no generator for every number)
        if taken[j][1] > s:
            return True
    return False


def make_quantity_recognizer(*, lexicon: QuantityLexicon | None = None, finder: NumberFinder | None = None,
                             user_dir: Path | None = None) -> QuantityRecognizer:
    """Build the ``quantities`` stage: load the cue table and number words, compile every pattern once."""
    lex = lexicon or QuantityLexicon.load(user_dir=user_dir)
    fnd = finder or make_number_finder(load_number_words(user_dir=user_dir))
    return QuantityRecognizer(patterns=_build(lex, fnd), finder=fnd)
