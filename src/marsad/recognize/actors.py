"""The actor recogniser: Arabic surface forms → canonical actor ids, with time scoping and anaphora.

The factory compiles the registry's aliases into a token index once (first folded token → candidate entries,
longest first); a document is then read in one left-to-right pass over its folded tokens, trying each token
as written and with its clitics (و ف ب ل ك, لل→ال) stripped. The longest alias wins. Time-scoped aliases
(«الجيش السوري» → ``@syria_government``) resolve against the document's date, or, without one, the latest
absolute date the time stage found, or the era cues of ``actor_context.tsv`` (Assad era by default).
Anaphors («التنظيم», «الهيئة», «الجيش») take the nearest earlier fitting mention, else their default.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from marsad.model import ActorMention
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

__all__ = ["ActorInfo", "ActorRecognizer", "ActorRegistry", "make_actor_recognizer"]

_TOKEN = re.compile(r"[^\W_]+")
_MAX_VARIANTS = 32
_TRIGGER_WINDOW = 3
# prepositions before a capital that make it a place, not its government («في موسكو», «إلى أنقرة»)
_PLACE_PREPS = frozenset({"في", "الى", "من", "عن", "نحو", "قرب", "داخل", "خارج", "حول", "عاصمه", "العاصمه"})


@dataclass(frozen=True, slots=True)
class _Entry:
    """A compiled surface: its folded tokens, the mention part ``[lo, hi)`` and what it means."""

    tokens: tuple[str, ...]
    lo: int
    hi: int
    rules: tuple[AliasRule, ...] = ()
    anaphor: AnaphorRule | None = None


@dataclass(frozen=True, slots=True)
class _CueEntry:
    tokens: tuple[str, ...]
    cues: tuple[ContextCue, ...]


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    forms: tuple[tuple[str, int], ...]  # (form, number of clitic letters stripped)


@dataclass(slots=True)
class _Found:
    start: int  # folded offsets of the mention
    end: int
    tok_lo: int
    tok_hi: int
    actor_id: str
    kind: str
    confidence: float
    heads: frozenset[str]
    sentence: int
    adjective: bool = False


def _clitic_forms(tok: str) -> tuple[tuple[str, int], ...]:
    """The token as written and with leading clitics stripped: وبالتنظيم → بالتنظيم, التنظيم."""
    out: dict[str, int] = {tok: 0}
    stage = [(tok, 0)]
    if len(tok) > 3 and tok[0] in "وف":
        stage.append((tok[1:], 1))
        out.setdefault(tok[1:], 1)
    for form, n in stage:
        if len(form) > 3 and form[0] in "بلك":
            out.setdefault(form[1:], n + 1)
            if form.startswith("لل") and len(form) > 4:
                out.setdefault("ال" + form[2:], n + 1)
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
    """The ``actors`` stage. Build it with :func:`make_actor_recognizer`."""

    registry: ActorRegistry
    index: dict[str, tuple[_Entry, ...]]
    cue_index: dict[str, tuple[_CueEntry, ...]]
    triggers: frozenset[str]
    kinds: dict[str, str] = field(default_factory=dict)
    name: str = "actors"

    # -- the pass ----------------------------------------------------------------------------------------------

    def __call__(self, analysis: Analysis) -> Analysis:
        folded = analysis.folded
        text = folded.text
        toks = [_Token(m.start(), m.end(), m.group(), _clitic_forms(m.group())) for m in _TOKEN.finditer(text)]
        if not toks:
            return replace(analysis, actors=())
        sent_starts = [folded.to_folded(s.span.start) for s in analysis.sentences]

        def sentence_of(pos: int) -> int:
            return bisect_right(sent_starts, pos) - 1

        era_weights, state_media = self._scan_cues(toks)
        date = analysis.reference_date or _latest_date(analysis)
        era = None
        if date is None or abs(era_weights["transitional"] - era_weights["assad"]) >= 3:
            if era_weights["transitional"] > era_weights["assad"]:
                era, date = "transitional", None
            elif date is None:
                era = "assad"

        found: list[_Found] = []
        i = 0
        n = len(toks)
        while i < n:
            best: tuple[int, int, _Entry] | None = None
            for form, strip in toks[i].forms:
                for entry in self.index.get(form, ()):
                    k = len(entry.tokens)
                    if best is not None and (k < best[0] or (k == best[0] and strip >= best[1])):
                        continue
                    if i + k > n or any(toks[i + j].text != entry.tokens[j] for j in range(1, k)):
                        continue
                    best = (k, strip, entry)
            if best is None:
                i += 1
                continue
            k, strip, entry = best
            hit = self._interpret(entry, toks, i, strip, found, date=date, era=era, state_media=state_media,
                                  sentence=sentence_of(toks[i + entry.lo].start))
            if hit is not None:
                self._add(found, hit)
                i += k
            elif entry.rules and entry.rules[0].target == NOT_AN_ACTOR:
                i += k
            else:
                i += 1

        mentions = []
        orig = folded.original
        for f in found:
            span = folded.to_original(f.start, f.end)
            mentions.append(ActorMention(span=span, surface=orig[span.start:span.end], actor_id=f.actor_id,
                                         kind=f.kind, confidence=round(f.confidence, 3)))  # type: ignore[arg-type]
        mentions.sort(key=lambda m: (m.span.start, m.span.end, m.actor_id))
        return replace(analysis, actors=tuple(mentions))

    def _add(self, found: list[_Found], hit: _Found) -> None:
        """Append a hit; a nationality adjective right after a generic/anaphoric mention names it
        («وزارة الدفاع التركية», «الجيش الروسي»)."""
        if found:
            prev = found[-1]
            adjacent = prev.tok_hi == hit.tok_lo
            if adjacent and hit.adjective and prev.kind in ("generic", "anaphor"):
                found[-1] = replace(prev, end=hit.end, tok_hi=hit.tok_hi, actor_id=hit.actor_id, kind="named",
                                    confidence=hit.confidence, heads=prev.heads | hit.heads)
                return
            if adjacent and prev.actor_id.startswith("generic:") and hit.kind in ("named", "foreign"):
                # a partitive: «عناصر تنظيم الدولة», «مسلحي العشائر» name the actor that follows
                found[-1] = replace(hit, start=prev.start, tok_lo=prev.tok_lo, heads=prev.heads | hit.heads)
                return
        found.append(hit)

    def _interpret(self, entry: _Entry, toks: list[_Token], i: int, strip: int, found: list[_Found], *,
                   date: dt.date | None, era: str | None, state_media: bool, sentence: int) -> _Found | None:
        lo, hi = i + entry.lo, i + entry.hi
        start = toks[lo].start + (strip if entry.lo == 0 else 0)
        end = toks[hi - 1].end
        heads = frozenset(t for j in range(lo, hi) for t, _ in toks[j].forms)
        if entry.anaphor is not None:
            ana = entry.anaphor
            for prev in reversed(found):
                if ana.scope == "sentence" and prev.sentence != sentence:
                    break
                pkind = self.kinds.get(prev.actor_id, "")
                if prev.actor_id in ana.ids or (any(h in prev.heads or "ال" + h in prev.heads for h in ana.heads)
                                                 and (not ana.kinds or pkind in ana.kinds)):
                    return _Found(start, end, lo, hi, prev.actor_id, "anaphor", 0.8, prev.heads | heads, sentence)
            if ana.default is None:
                return None
            target = self.registry.resolve(ana.default, date=date, era=era)
            if target is None:
                return None
            return _Found(start, end, lo, hi, self.registry.canonical(target), "anaphor", 0.6, heads, sentence)
        for rule in entry.rules:
            if rule.target == NOT_AN_ACTOR:
                return None
            if rule.condition == "state_media" and not state_media:
                continue
            if rule.condition == "after_trigger" and not any(
                form in self.triggers for j in range(max(0, i - _TRIGGER_WINDOW), i) for form, _ in toks[j].forms
            ):
                continue
            if rule.condition == "not_after_place" and (
                strip or (i > 0 and any(form in _PLACE_PREPS for form, _ in toks[i - 1].forms))
            ):
                continue
            target = self.registry.resolve(rule.target, date=date, era=era)
            if target is None:
                continue
            target = self.registry.canonical(target)
            info = self.registry.get(target)
            kind = rule.kind
            if kind == "named" and info is not None and not info.core and info.kind != "generic":
                kind = "foreign"
            return _Found(start, end, lo, hi, target, kind, rule.confidence, heads, sentence,
                          adjective=rule.condition == "after_trigger")
        return None

    def _scan_cues(self, toks: list[_Token]) -> tuple[dict[str, float], bool]:
        """Era weights and whether the text quotes state media. Cues contained in a longer cue don't count."""
        weights = {"assad": 0.0, "transitional": 0.0}
        state_media = False
        reach = 0
        for i, tok in enumerate(toks):
            best: _CueEntry | None = None
            for form, _ in tok.forms:
                for entry in self.cue_index.get(form, ()):
                    k = len(entry.tokens)
                    if best is not None and k <= len(best.tokens):
                        continue
                    if i + k <= len(toks) and all(toks[i + j].text == entry.tokens[j] for j in range(1, k)):
                        best = entry
            if best is None or i + len(best.tokens) <= reach:
                continue
            reach = i + len(best.tokens)
            for cue in best.cues:
                if cue.cue == "state_media":
                    state_media = True
                elif cue.cue.startswith("era:"):
                    weights[cue.cue[4:]] += cue.weight
        return weights, state_media


def _latest_date(analysis: Analysis) -> dt.date | None:
    """The latest absolute date the time stage found (a clue to when an undated text was written)."""
    best: dt.date | None = None
    for t in analysis.times:
        if t.value is None or t.relative:
            continue
        try:
            parts = [int(p) for p in t.value.split("-")]
            day = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except (ValueError, IndexError):
            continue
        if 1990 <= day.year <= 2100 and (best is None or day > best):
            best = day
    return best


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
    anaphor_of: dict[tuple[str, ...], AnaphorRule] = {}
    for ana in registry.anaphors:
        tokens, _, _ = _split_surface(ana.surface)
        if tokens:
            anaphor_of.setdefault(tokens, replace(ana, heads=tuple(fold_text(h) for h in ana.heads)))

    entries: list[_Entry] = []
    for (tokens, lo, hi), rules in grouped.items():
        entries.append(_Entry(tokens, lo, hi, rules=tuple(rules)))
    for tokens, ana in anaphor_of.items():
        if not any(e.tokens == tokens for e in entries):
            entries.append(_Entry(tokens, 0, len(tokens), anaphor=ana))
    index: dict[str, list[_Entry]] = {}
    for e in entries:
        index.setdefault(e.tokens[0], []).append(e)

    cue_groups: dict[tuple[str, ...], list[ContextCue]] = {}
    triggers: set[str] = set()
    for cue in registry.cues:
        tokens, _, _ = _split_surface(cue.surface)
        if not tokens:
            continue
        if cue.cue == "trigger":
            triggers.update(tokens[-1:])
            continue
        for variant in _token_variants(tokens, variant_rules):
            cue_groups.setdefault(variant, []).append(cue)
    cue_index: dict[str, list[_CueEntry]] = {}
    for tokens, cues in cue_groups.items():
        cue_index.setdefault(tokens[0], []).append(_CueEntry(tokens, tuple(cues)))

    def longest_first(d: dict[str, list[_Entry]] | dict[str, list[_CueEntry]]) -> dict:  # type: ignore[type-arg]
        return {k: tuple(sorted(v, key=lambda e: -len(e.tokens))) for k, v in d.items()}

    return ActorRecognizer(registry=registry, index=longest_first(index), cue_index=longest_first(cue_index),
                           triggers=frozenset(triggers), kinds={i: a.kind for i, a in registry.actors.items()})
