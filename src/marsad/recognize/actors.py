"""The actor recogniser: Arabic surface forms → canonical actor ids, with time scoping and anaphora.

The factory compiles the registry (``actors_registry``: all of it data) into a token index once: each alias's
first folded word with every clitic it can carry (و ف ب ل ك, ال→لل), then its second word, longest entries
first. A document is read in one left-to-right pass over its folded words; the longest alias wins.

- Time-scoped aliases («الجيش السوري» → ``@syria_government``) resolve on the document's date; a sentence that
  opens with an absolute date of its own is read on that date; an undated text uses the latest absolute date
  the time stage found, or the era cues of ``actor_context.tsv`` (Assad era by default).
- Anaphors («التنظيم», «الهيئة», «الحزب», «الفصائل», «الجيش», «القوات») take the nearest earlier fitting mention,
  else their default.
- Conditions: nationality adjectives need a trigger noun («دعم جوي روسي»); countries and capitals are places
  after place words, preposition clitics or as datelines; regime wording («الإرهابيين») is mapped to the
  faction last named, else the armed opposition, only in texts quoting state media.
- Merges: a generic noun followed by a named actor is one mention («عناصر تنظيم الدولة»), a nationality
  adjective names the generic noun before it («وزارة الدفاع التركية»), «بقيادة X» joins the name.
- An actor cited as a source («بحسب الأمم المتحدة») gets confidence 0.4; :func:`reported_actor_ids` leaves such
  actors out of the document's actor list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import accumulate, compress

from marsad.model import ActorMention, Span
from marsad.normalize import fold_text
from marsad.recognize.actors_registry import (
    NOT_AN_ACTOR,
    ActorInfo,
    ActorRegistry,
    AliasRule,
    AnaphorRule,
    ContextCue,
)
from marsad.recognize.base import Analysis

__all__ = ["ActorInfo", "ActorRecognizer", "ActorRegistry", "make_actor_recognizer", "reported_actor_ids"]

# Words of the folded text: Arabic letters (folding leaves only the basic block), Latin lower case and digits.
# An explicit class is faster than \w on Arabic text.
_TOKEN = re.compile(r"[\u0621-\u064aa-z0-9]+")
# «[^…][^…]*», not «[^…]+»: a pattern that opens with a character class lets the engine skip ahead to where a
# match can start (the same holds for «\d\d*» in times.py)
_SPLIT = re.compile(r"([^\u0621-\u064aa-z0-9][^\u0621-\u064aa-z0-9]*)")
_MAX_VARIANTS = 32
_TRIGGER_WINDOW = 3
_LED_BY = frozenset({"بقياده", "بزعامه"})
_SOURCE_PREPS = frozenset({"في", "من", "لدى", "ل"})
_SOURCE_CONFIDENCE = 0.4
REPORT_MIN_CONFIDENCE = 0.45  # above a source-only citation («بحسب الأمم المتحدة»)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A compiled surface: its folded tokens, the mention part ``[lo, hi)`` and what it means."""

    tokens: tuple[str, ...]
    lo: int
    hi: int
    rules: tuple[AliasRule, ...] = ()
    anaphor: AnaphorRule | None = None


@dataclass(frozen=True, slots=True)
class _Slot:
    """What a first token can open: multi-token entries keyed by their second token (longest first, each with
    its tokens after the second), and the single-token entry, each with the number of clitic letters to leave
    out of the mention."""

    multi: dict[str, tuple[tuple[_Entry, int, tuple[str, ...]], ...]]
    single: tuple[_Entry, int] | None


@dataclass(frozen=True, slots=True)
class _CueEntry:
    tokens: tuple[str, ...]
    cues: tuple[ContextCue, ...]


@dataclass(frozen=True, slots=True)
class _CueSlot:
    """The cues a first token can open: multi-token ones keyed by their second token (longest first, each with
    its tokens after the second), and the single-token one."""

    multi: dict[str, tuple[tuple[_CueEntry, tuple[str, ...]], ...]]
    single: _CueEntry | None


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The folded text's word tokens (``words[i]`` starts at folded offset ``starts[i]``) and, per pass, the
    sentence starts and the tokens already read as places."""

    text: str
    starts: list[int]
    words: tuple[str, ...]
    sentence_starts: list[int]
    places: set[int]


@dataclass(slots=True)
class _Found:
    start: int  # folded offsets of the mention
    end: int
    tok_lo: int
    tok_hi: int
    actor_id: str
    kind: str
    confidence: float
    words: tuple[str, ...]  # the folded words of the mention (and of its antecedent), for anaphora heads
    sentence: int
    adjective: bool = False
    conj: bool = False  # the mention opens with a conjunction clitic («والمليشيات»)
    weak: bool = False  # a generic noun or anaphor that a following adjective or named actor may specify


def _prefixed_forms(word: str) -> tuple[tuple[str, int], ...]:
    """How ``word`` can stand in text with clitics (the inverse of stripping): التنظيم → وبالتنظيم, للتنظيم …
    Each form comes with the number of leading letters that are not part of the mention."""
    out: dict[str, int] = {word: 0}
    inner = [(word, 0)]
    for q in "بلك":
        inner.append((q + word, 1))
    if word.startswith("ال") and len(word) > 3:
        inner.append(("لل" + word[2:], 0))  # «للنظام»: the article's lam is kept in the mention
    for form, n in inner:
        out.setdefault(form, n)
        for p in "وف":
            out.setdefault(p + form, n + 1)
    return tuple(out.items())


def _split_surface(surface: str) -> tuple[tuple[str, ...], int, int]:
    """«إعلان [دمشق]» → (folded tokens, lo, hi) with the bracketed part as the mention."""
    lo = hi = -1
    tokens: list[str] = []
    for raw in surface.split():
        opens, closes = raw.startswith("["), raw.endswith("]")
        word = raw.strip("[]")
        if opens:
            lo = len(tokens)
        folded = _TOKEN.findall(fold_text(word))
        tokens.extend(folded)
        if closes:
            hi = len(tokens)
    if lo < 0 or hi < 0:
        lo, hi = 0, len(tokens)
    return tuple(tokens), lo, hi


def _token_variants(tokens: tuple[str, ...], rules: tuple[tuple[re.Pattern[str], str], ...]) -> list[tuple[str, ...]]:
    options: list[list[str]] = []
    for tok in tokens:
        opts = [tok]
        for pat, rep in rules:
            new = pat.sub(rep, tok, count=1)
            if new != tok and new not in opts:
                opts.append(new)
        options.append(opts)
    return [tuple(v) for v in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]


@dataclass(frozen=True)
class ActorRecognizer:
    """The ``actors`` stage. Build it with :func:`make_actor_recognizer`.

    ``index`` maps a folded first token *as it stands in text* (clitics included: «وبقوات») to the entries it
    can open, each with the number of clitic letters to leave out of the mention, longest entries first.
    """

    registry: ActorRegistry
    index: dict[str, _Slot]
    cue_index: dict[str, _CueSlot]
    triggers: frozenset[str]
    keys: frozenset[str] = frozenset()
    cue_keys: frozenset[str] = frozenset()
    any_keys: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    place_names: frozenset[str] = frozenset()
    gap_words: frozenset[str] = frozenset()
    source_words: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # last word → words before
    kinds: dict[str, str] = field(default_factory=dict)
    report_as: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (canonical id, mention kind)
    name: str = "actors"

    # -- the pass ----------------------------------------------------------------------------------------------

    def __call__(self, analysis: Analysis) -> Analysis:
        folded = analysis.folded
        parts = _SPLIT.split(folded.text)  # word, separator, word, …: offsets are running sums of lengths
        words = tuple(parts[0::2])
        starts = list(accumulate(map(len, parts), initial=0))[0::2]
        sent_starts = [folded.to_folded(s.span.start) for s in analysis.sentences]
        toks = _Tokens(folded.text, starts, words, sent_starts, set())
        spots = list(compress(range(len(words)), map(self.any_keys.__contains__, words)))

        era_weights, state_media = self._scan_cues(words, [j for j in spots if words[j] in self.cue_keys])
        date, era = _doc_date(analysis, era_weights)
        sentence_dates = _sentence_dates(analysis, sent_starts) if analysis.times else {}

        found: list[_Found] = []
        index = self.index
        n = len(words)
        nxt = 0  # the first token not yet consumed by a match
        for i in [j for j in spots if words[j] in index]:
            if i < nxt:
                continue
            slot = index[words[i]]
            best = slot.single
            if i + 1 < n:
                for entry, strip, rest in slot.multi.get(words[i + 1], ()):  # longest first
                    if not rest or words[i + 2:i + 2 + len(rest)] == rest:
                        best = entry, strip
                        break
            if best is None:
                continue
            entry, strip = best
            sentence = bisect_right(sent_starts, starts[i + entry.lo]) - 1
            stated = sentence_dates.get(sentence)
            when = stated[1] if stated is not None and stated[0] < starts[i] else date
            hit = self._interpret(entry, toks, i, strip, found, date=when, era=None if when else era,
                                  state_media=state_media, sentence=sentence)
            if hit is not None:
                self._add(found, hit, words)
                nxt = i + len(entry.tokens)
            elif entry.rules and entry.rules[0].target == NOT_AN_ACTOR:
                nxt = i + len(entry.tokens)

        mentions = []
        orig = folded.original
        offsets = folded.offsets
        for f in found:
            a, b = offsets[f.start], offsets[f.end - 1] + 1
            # positional: (span, surface, actor_id, kind, confidence)
            mentions.append(ActorMention(Span(a, b), orig[a:b], f.actor_id, f.kind, f.confidence))  # type: ignore[arg-type]
        mentions.sort(key=lambda m: (m.span.start, m.span.end, m.actor_id))
        return replace(analysis, actors=tuple(mentions))

    def _add(self, found: list[_Found], hit: _Found, words: tuple[str, ...]) -> None:
        """Append a hit, merging it with the one before where the two are one actor."""
        if found:
            prev = found[-1]
            if prev.tok_hi == hit.tok_lo - 1 and words[prev.tok_hi] in _LED_BY:
                # «التحالف الدولي بقيادة الولايات المتحدة»: the leader is part of the name
                found[-1] = replace(prev, end=hit.end, tok_hi=hit.tok_hi)
                return
            adjacent = prev.tok_hi == hit.tok_lo
            if adjacent and hit.adjective and prev.weak:
                # a nationality adjective names a generic/anaphoric noun: «وزارة الدفاع التركية», «الجيش الروسي»
                found[-1] = replace(prev, end=hit.end, tok_hi=hit.tok_hi, actor_id=hit.actor_id,
                                    kind="foreign" if hit.kind == "foreign" else "named", confidence=hit.confidence,
                                    words=prev.words + hit.words, weak=False)
                return
            if (adjacent and ((prev.weak and prev.kind != "anaphor") or prev.actor_id.startswith("generic:"))
                    and not hit.actor_id.startswith("generic:") and not hit.conj and not hit.weak):
                # a partitive: «عناصر تنظيم الدولة», «مسلحي العشائر» name the actor that follows
                found[-1] = replace(hit, start=prev.start, tok_lo=prev.tok_lo, words=prev.words + hit.words)
                return
        found.append(hit)

    def _interpret(self, entry: _Entry, toks: _Tokens, i: int, strip: int, found: list[_Found], *,
                   date: dt.date | None, era: str | None, state_media: bool, sentence: int) -> _Found | None:
        words = toks.words
        lo, hi = i + entry.lo, i + entry.hi
        start = toks.starts[lo] + (strip if entry.lo == 0 else 0)
        end = toks.starts[hi - 1] + len(words[hi - 1])
        mwords = words[lo:hi]
        if entry.anaphor is not None:
            ana = entry.anaphor
            for prev in reversed(found):
                if ana.scope == "sentence" and prev.sentence != sentence:
                    break
                pkind = self.kinds.get(prev.actor_id, "")
                head_ok = not ana.heads or any(w.endswith(h) for h in ana.heads for w in prev.words)
                if prev.actor_id in ana.ids or (head_ok and (not ana.kinds or pkind in ana.kinds)
                                                 and (ana.heads or ana.kinds)):
                    return _Found(start, end, lo, hi, prev.actor_id, "anaphor", 0.8, prev.words + mwords, sentence,
                                  False, False, True)
            if ana.default is None:
                return None
            target = self.registry.resolve(ana.default, date=date, era=era)
            if target is None:
                return None
            return _Found(start, end, lo, hi, self.report_as[target][0], "anaphor", 0.6, mwords, sentence,
                          False, False, True)
        for rule in entry.rules:
            target = rule.target
            if target == NOT_AN_ACTOR:
                return None
            condition = rule.condition
            if condition:  # most aliases have none
                if condition == "state_media" and not state_media:
                    continue
                if condition == "after_trigger" and not (
                    self._after_trigger(words, i)
                    or (found and found[-1].weak and found[-1].tok_hi == i)  # «النظام الإيراني», «المسلحين الأتراك»
                ):
                    continue
                if condition == "not_after_place" and self._as_place(toks, i, strip):
                    toks.places.add(i)
                    continue
            if rule.target.startswith("@"):  # a time-scoped role; any other target is the actor itself
                target = self.registry.resolve(rule.target, date=date, era=era)
            if condition == "state_media" and target is not None:
                # regime wording names the faction last named («إرهابيي تنظيم داعش … الإرهابيين»)
                for prev in reversed(found):
                    if self.kinds.get(prev.actor_id) in ("rebel", "jihadist"):
                        target = prev.actor_id
                        break
            if target is None:
                continue
            target, kind = self.report_as[target]
            confidence = rule.confidence
            before = words[i - 1] if i else ""
            if (before in self.source_words or before in _SOURCE_PREPS) and self._is_source(words, i):
                confidence = min(confidence, _SOURCE_CONFIDENCE)
            return _Found(start, end, lo, hi, target, kind, confidence, mwords, sentence,
                          condition == "after_trigger",  # adjective
                          strip > 0 and entry.lo == 0 and words[i][0] in "وف",  # conj
                          rule.kind == "generic" or condition == "state_media")  # weak
        return None

    def _after_trigger(self, words: tuple[str, ...], i: int) -> bool:
        """A trigger noun stands within three words before ``i``, not counting hedges («يعتقد أنها»)."""
        budget = _TRIGGER_WINDOW
        j = i - 1
        while j >= 0 and budget > 0:
            w = words[j]
            if w in self.triggers:
                return True
            if w not in self.gap_words:
                budget -= 1
            j -= 1
        return False

    def _is_source(self, words: tuple[str, ...], i: int) -> bool:
        """The actor is cited as a source («بحسب الأمم المتحدة», «وفق النظام», «مصادر في المعارضة»)."""
        j = i - 1
        if j >= 1 and words[j] in _SOURCE_PREPS:
            j -= 1
        if j < 0:
            return False
        for before in self.source_words.get(words[j], ()):  # «بحسب», «المتحدث باسم»
            if not before or (j >= len(before) and words[j - len(before):j] == before):
                return True
        return False

    def _as_place(self, toks: _Tokens, i: int, strip: int) -> bool:
        """A country or capital standing as a place: after a place word («في/إلى/من/داخل»), with a preposition
        clitic («بتركيا», «لروسيا»), coordinated with such a place («في تركيا وروسيا»), or as a dateline
        («موسكو - …»)."""
        words = toks.words
        clitics = words[i][:strip]
        if any(c in clitics for c in "بلك"):
            return True
        j = i - 1
        if j >= 0 and words[j] in self.place_words:
            # «بدعم من روسيا», «المدعومة من تركيا»: support from a state names the state
            return not (words[j] == "من" and j >= 1 and (words[j - 1] in self.triggers or "مدعوم" in words[j - 1]))
        if j >= 1 and words[j] in ("مع", "بين") and words[j - 1] in self.place_words:
            return True  # «الحدود مع العراق»
        if clitics in ("و", "ف") and (j in toks.places or (j >= 0 and words[j] in self.place_names)):
            return True  # «في تركيا وروسيا», «شمال سوريا والعراق»
        start = toks.starts[i]
        if start == 0 or toks.text[start - 1] == "\n" or start in toks.sentence_starts:
            after = toks.text[start + len(words[i]):start + len(words[i]) + 3].lstrip(" ")
            return after[:1] in (":", "-", "(", ",")
        return False

    def _scan_cues(self, words: tuple[str, ...], positions: list[int]) -> tuple[dict[str, float], bool]:
        """Era weights and whether the text quotes state media. Cues inside a longer cue don't count."""
        weights = {"assad": 0.0, "transitional": 0.0}
        state_media = False
        reach = 0
        n = len(words)
        index = self.cue_index
        for i in positions:
            slot = index[words[i]]
            entry = None
            if i + 1 < n:
                for cand, rest in slot.multi.get(words[i + 1], ()):  # longest first
                    if not rest or words[i + 2:i + 2 + len(rest)] == rest:
                        entry = cand
                        break
            if entry is None:
                entry = slot.single
                if entry is None:
                    continue
            k = len(entry.tokens)
            if i + k <= reach:
                continue
            reach = i + k
            for cue in entry.cues:
                if cue.cue == "state_media":
                    state_media = True
                elif cue.cue.startswith("era:"):
                    weights[cue.cue[4:]] += cue.weight
        return weights, state_media


def _doc_date(analysis: Analysis, weights: dict[str, float]) -> tuple[dt.date | None, str]:
    """The date (or, without one, the era) that decides time-scoped identities.

    The document's reference date is authoritative. Otherwise the latest absolute date in the text is a clue
    that strong era cues may overrule (a 2025 text recounting 2013); with neither, the cues decide, and with no
    cue it is the Assad era."""
    if analysis.reference_date is not None:
        return analysis.reference_date, ""
    margin = weights["transitional"] - weights["assad"]
    latest = _latest_date(analysis)
    if latest is not None and abs(margin) < 3:
        return latest, ""
    return None, "transitional" if margin > 0 else "assad"


def _sentence_dates(analysis: Analysis, sent_starts: list[int]) -> dict[int, tuple[int, dt.date]]:
    """Sentences that open with an absolute date of their own («في أيار 2013 اقتحم الجيش السوري …»): the
    time-scoped actors after that date in the sentence are read on it. Value: (folded offset, date)."""
    out: dict[int, tuple[int, dt.date]] = {}
    for t in analysis.times:
        if t.relative or t.kind != "point" or t.value is None:
            continue
        day = _parse_day(t.value)
        if day is None:
            continue
        pos = analysis.folded.to_folded(t.span.start)
        out.setdefault(bisect_right(sent_starts, pos) - 1, (pos, day))
    return out


def _parse_day(value: str) -> dt.date | None:
    try:
        parts = [int(p) for p in value.split("-")]
        day = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None
    return day if 1990 <= day.year <= 2100 else None


def _latest_date(analysis: Analysis) -> dt.date | None:
    """The latest absolute date the time stage found (a clue to when an undated text was written)."""
    days = [d for t in analysis.times if t.value and not t.relative and (d := _parse_day(t.value)) is not None]
    return max(days) if days else None


def make_actor_recognizer(registry: ActorRegistry) -> ActorRecognizer:
    """Compile ``registry`` into the token index of an :class:`ActorRecognizer` (done once)."""
    variant_rules = tuple((re.compile(v.pattern), v.replacement) for v in registry.variants)

    grouped: dict[tuple[tuple[str, ...], int, int], list[AliasRule]] = {}
    for rule in registry.aliases:  # user rows come first: they take precedence
        tokens, lo, hi = _split_surface(rule.surface)
        if not tokens:
            continue
        for variant in _token_variants(tokens, variant_rules):
            grouped.setdefault((variant, lo, hi), []).append(rule)
    entries = [_Entry(tokens, lo, hi, rules=tuple(rules)) for (tokens, lo, hi), rules in grouped.items()]

    have = {e.tokens for e in entries}
    for ana in registry.anaphors:
        tokens, _, _ = _split_surface(ana.surface)
        if tokens and tokens not in have:
            have.add(tokens)
            entries.append(_Entry(tokens, 0, len(tokens),
                                  anaphor=replace(ana, heads=tuple(fold_text(h) for h in ana.heads))))

    index: dict[str, list[tuple[_Entry, int]]] = {}
    for e in entries:
        forms = _prefixed_forms(e.tokens[0]) if e.lo == 0 else ((e.tokens[0], 0),)
        for form, strip in forms:
            index.setdefault(form, []).append((e, strip))

    cue_groups: dict[tuple[str, ...], list[ContextCue]] = {}
    triggers: set[str] = set()
    place_words: set[str] = set()
    place_names: set[str] = set()
    gap_words: set[str] = set()
    source_words: dict[str, list[tuple[str, ...]]] = {}
    for cue in registry.cues:
        tokens, _, _ = _split_surface(cue.surface)
        if not tokens:
            continue
        if cue.cue == "trigger":
            triggers.update(form for form, _ in _prefixed_forms(tokens[-1]))
            continue
        if cue.cue == "place_before":
            place_words.update(form for form, _ in _prefixed_forms(tokens[-1]))
            continue
        if cue.cue == "gap":
            gap_words.update(tokens)
            continue
        if cue.cue == "place_name":
            place_names.update(form for form, _ in _prefixed_forms(tokens[-1]))
            continue
        if cue.cue == "source_before":
            for form, _ in _prefixed_forms(tokens[-1]):
                source_words.setdefault(form, []).append(tokens[:-1])
            continue
        for variant in _token_variants(tokens, variant_rules):
            cue_groups.setdefault(variant, []).append(cue)
    cue_index: dict[str, list[_CueEntry]] = {}
    for tokens, cues in cue_groups.items():
        for form, _ in _prefixed_forms(tokens[0]):
            cue_index.setdefault(form, []).append(_CueEntry(tokens, tuple(cues)))

    final_index: dict[str, _Slot] = {}
    for key, cands in index.items():
        multi: dict[str, list[tuple[_Entry, int]]] = {}
        singles = sorted((c for c in cands if len(c[0].tokens) == 1), key=lambda c: c[1])
        for c in cands:
            if len(c[0].tokens) > 1:
                multi.setdefault(c[0].tokens[1], []).append(c)
        final_index[key] = _Slot(
            multi={k: tuple((c[0], c[1], c[0].tokens[2:]) for c in sorted(v, key=lambda c: (-len(c[0].tokens), c[1])))
                   for k, v in multi.items()},
            single=singles[0] if singles else None)
    final_cues: dict[str, _CueSlot] = {}
    for key, group in cue_index.items():
        ordered = sorted(group, key=lambda e: -len(e.tokens))  # longest first, as read
        cue_multi: dict[str, list[tuple[_CueEntry, tuple[str, ...]]]] = {}
        for ce in ordered:
            if len(ce.tokens) > 1:
                cue_multi.setdefault(ce.tokens[1], []).append((ce, ce.tokens[2:]))
        final_cues[key] = _CueSlot(multi={k: tuple(v) for k, v in cue_multi.items()},
                                   single=next((ce for ce in ordered if len(ce.tokens) == 1), None))
    return ActorRecognizer(registry=registry, index=final_index, cue_index=final_cues, triggers=frozenset(triggers),
                           keys=frozenset(final_index), cue_keys=frozenset(final_cues),
                           any_keys=frozenset(final_index) | frozenset(final_cues), place_words=frozenset(place_words),
                           place_names=frozenset(place_names), gap_words=frozenset(gap_words),
                           source_words={k: tuple(v) for k, v in source_words.items()},
                           kinds={i: a.kind for i, a in registry.actors.items()},
                           report_as={i: _report_as(registry, i) for i in registry.actors})


def _report_as(registry: ActorRegistry, actor_id: str) -> tuple[str, str]:
    """The canonical id a mention of ``actor_id`` is reported as, and the mention kind."""
    target = registry.canonical(actor_id)
    info = registry.get(target)
    if target.startswith("generic:"):
        return target, "generic"
    if info is not None and not info.core:
        return target, "foreign"
    return target, "named"


def reported_actor_ids(analysis: Analysis, registry: ActorRegistry, *,
                       min_confidence: float = REPORT_MIN_CONFIDENCE) -> tuple[str, ...]:
    """The document's actor list: canonical (core) ids with a mention outside page chrome whose confidence is at
    least ``min_confidence`` (an actor only cited as a source is left out), in order of first mention."""
    chrome = [s.span for s in analysis.sentences if s.chrome]
    out: dict[str, None] = {}
    for m in analysis.actors:
        if m.confidence < min_confidence or not registry.is_core(m.actor_id):
            continue
        if any(c.contains(m.span) for c in chrome):
            continue
        out.setdefault(m.actor_id, None)
    return tuple(out)
