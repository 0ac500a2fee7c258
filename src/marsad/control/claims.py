"""Quantitative claims about territory, and how they compare with the computed shares.

A stored ``Quantity`` with metric ``share_of_territory`` or ``area_km2`` becomes a ``Claim`` (the claimant
document and outlet, subject actor, value, unit, scope, baseline, as-of date, hedge). ``check_claims``
compares every share claim with the share computed for its date, shows both numbers and the difference,
and says where the difference comes from:

* **coverage**: much of Syria has no known holder on that date, so the computed share is a floor;
* **denominator**: the claim is about part of Syria (its scope), or its own figures imply another area;
* **bloc**: the claim matches the actor alone better than its bloc (or the reverse), e.g. the regime
  without its allied militias;
* **metric**: the claim matches the populated-area share better than the total-area share.

The date is the claim's as-of date, else the date of the reference event its baseline or scope names
(«قبل التدخل الروسي» → the day before 2015-09-30, from ``control_reference_events.tsv``; a baseline that is
itself a comparison with another figure does not date the claim), else the document's publication date,
else the caller's fallback date. Internal consistency is checked per source:
one document's share claims that add up past 100%, and a headline figure that contradicts the body.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from marsad.control.blocs import Blocs
from marsad.control.shares import Metric, ShareResult
from marsad.control.source import DocFacts
from marsad.control.timeline import parse_day
from marsad.control.units import canonical_governorate
from marsad.errors import DataFileError
from marsad.model.base import Record
from marsad.model.facts import Claim
from marsad.normalize import fold_text
from marsad.recognize.lexicon import load_table, split_multi

CLAIM_METRICS = ("share_of_territory", "area_km2")
REFERENCE_FILE = "control_reference_events.tsv"
NATIONAL_SCOPES = ("syria", "سوريا", "سوريه", "البلاد", "country", "national", "الاراضي السوريه")
BEFORE_WORDS = ("قبل", "before", "prior")
COMPARISON_WORDS = ("مقارنه", "مقابل", "بالمقارنه", "compared", "against", "versus")
SharesAt = Callable[[dt.date, Metric, Blocs], ShareResult]


@dataclass(frozen=True, slots=True)
class ReferenceEvent:
    key: str
    date: dt.date
    label: str
    patterns: tuple[str, ...]


@cache
def load_reference_events() -> tuple[ReferenceEvent, ...]:
    table = load_table(REFERENCE_FILE)
    if tuple(table.columns) != ("key", "date", "label", "patterns"):
        raise DataFileError(f"{REFERENCE_FILE}: columns must be key, date, label, patterns")
    return tuple(ReferenceEvent(r["key"], dt.date.fromisoformat(r["date"]), r["label"],
                                tuple(fold_text(p).lower() for p in split_multi(r["patterns"])))
                 for r in table.rows)


@dataclass(frozen=True, slots=True)
class ClaimItem(Record):
    """A claim with what checking it needs: the document's date, whether it is a change, headline or not."""

    claim: Claim
    published: dt.date | None = None
    is_change: bool = False
    headline: bool = False
    evidence: str = ""


def claims_from_docs(docs: Iterable[DocFacts], *, text_of: Callable[[str], str | None] | None = None
                     ) -> tuple[ClaimItem, ...]:
    """Claims from stored ``Quantity`` facts (asserted, share_of_territory / area_km2)."""
    out: list[ClaimItem] = []
    for doc in docs:
        text = text_of(doc.doc_id) if text_of else None
        first_line = _first_line_end(text)
        seen: set[tuple[object, ...]] = set()
        for q in doc.quantities:
            if q.metric not in CLAIM_METRICS or q.modality != "asserted":
                continue
            p = q.provenance
            headline = first_line is not None and p.span.start < first_line
            key = (q.subject, q.metric, q.value, q.is_change, q.baseline, headline)
            if key in seen:
                continue  # one figure restated in one text counts once
            seen.add(key)
            unit = q.unit if q.unit != "count" else ("percent" if q.metric == "share_of_territory" else "km2")
            claim = Claim(doc.doc_id, doc.outlet, q.subject, q.metric, q.value, unit, p, scope=q.scope,
                          baseline=q.baseline, as_of=q.as_of, hedge=q.hedge)
            out.append(ClaimItem(claim, doc.published, q.is_change, headline,
                                 text[p.span.start:p.span.end] if text else ""))
    return tuple(out)


def _first_line_end(text: str | None) -> int | None:
    """End of a short first line (a headline) when the text has a body after it."""
    if not text:
        return None
    cut = text.find("\n")
    if 0 < cut <= 200 and text[cut:].strip():
        return cut
    return None


@dataclass(frozen=True, slots=True)
class ClaimCheck(Record):
    """One claim beside the computed figure for its date."""

    claim: Claim
    date: dt.date | None
    date_basis: str
    comparable: bool
    claimed: float
    computed: float | None = None
    computed_alone: float | None = None
    computed_populated: float | None = None
    difference: float | None = None
    unknown_percent: float | None = None
    bloc: str | None = None
    bloc_members: tuple[str, ...] = ()
    explanations: tuple[str, ...] = ()
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Inconsistency(Record):
    doc_id: str
    kind: str  # "sum_over_100" or "headline_contradicts_body"
    detail: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class ClaimsReport(Record):
    checks: tuple[ClaimCheck, ...]
    inconsistencies: tuple[Inconsistency, ...]
    method: tuple[str, ...] = field(default_factory=tuple)


def claim_date(item: ClaimItem, *, fallback: dt.date | None = None,
               references: Sequence[ReferenceEvent] | None = None) -> tuple[dt.date | None, str]:
    """The date a claim speaks of, and where it comes from."""
    c = item.claim
    day = parse_day(c.as_of)
    if day is not None:
        return day, "as_of"
    refs = references if references is not None else load_reference_events()
    for field_text in (c.baseline, c.scope):
        if not field_text:
            continue
        folded = fold_text(field_text).lower()
        if any(ch.isdigit() for ch in folded) or any(w in folded for w in COMPARISON_WORDS):
            continue  # «46% مقارنة بـ19% قبل التدخل»: the reference dates the other figure, not this one
        for ref in refs:
            if any(p in folded for p in ref.patterns):
                before = any(w in folded for w in BEFORE_WORDS)
                when = ref.date - dt.timedelta(days=1) if before else ref.date
                return when, f"{'before ' if before else ''}{ref.label} ({ref.date.isoformat()})"
    if item.published is not None:
        return item.published, "published"
    if fallback is not None:
        return fallback, "fallback date (no as-of or published date)"
    return None, "none"


def _is_national(scope: str | None) -> bool:
    if not scope:
        return True
    folded = fold_text(scope).lower()
    if canonical_governorate(scope) or "governorate" in folded or "محافظه" in folded:
        return False
    return any(w in folded for w in NATIONAL_SCOPES) and not any(w in folded for w in ("ريف", "countryside"))


def check_claim(item: ClaimItem, shares_at: SharesAt, blocs: Blocs, *, fallback: dt.date | None = None,
                implied_denominator: float | None = None) -> ClaimCheck:
    """Compare one claim with the computed share (or area) for its date."""
    c = item.claim
    day, basis = claim_date(item, fallback=fallback)
    base = ClaimCheck(c, day, basis, False, c.value)
    if c.subject is None:
        return replace(base, explanations=("no subject actor: nothing to compare",))
    if item.is_change:
        return replace(base, explanations=("a change in percentage points, not a level: not compared with a share",))
    if day is None:
        return replace(base, explanations=(
            "no date: the claim states no as-of date and its document no publication date "
            "(pass a fallback date)",))
    total = shares_at(day, "total", blocs)
    populated = shares_at(day, "populated", blocs)
    bloc = blocs.bloc_of(c.subject)
    members = blocs.members(bloc)
    if c.metric == "area_km2":
        comp = sum(r.area_km2 for r in total.actors if r.bloc in members)
        alone = sum(r.area_km2 for r in total.actors if r.bloc == c.subject)
        pop_val = None
        unknown_val = total.unknown_percent
    else:
        comp, alone = total.percent_of(members), total.percent_of((c.subject,))
        pop_val = populated.percent_of(members)
        unknown_val = total.unknown_percent
    diff = c.value - comp
    notes = _explain(item, comp, alone, pop_val, total, bloc, members, implied_denominator)
    return replace(base, comparable=True, computed=comp, computed_alone=alone, computed_populated=pop_val,
                      difference=diff, unknown_percent=unknown_val, bloc=bloc, bloc_members=members,
                      explanations=tuple(notes), rule=total.method.rule)


def _explain(item: ClaimItem, comp: float, alone: float, pop: float | None, total: ShareResult, bloc: str,
             members: tuple[str, ...], implied: float | None) -> list[str]:
    c = item.claim
    pct = c.metric == "share_of_territory"
    unit = "%" if pct else " km²"
    gap = c.value - comp
    notes: list[str] = []
    tol = 1.0 if pct else 0.01 * max(abs(c.value), 1.0)
    explained = abs(gap) <= tol
    if explained:
        notes.append(f"agrees within {tol:g}{unit}")
    unknown = total.unknown_percent
    unknown_u = unknown if pct else total.unknown_km2
    if gap > -tol and (unknown >= 20.0 or 0 < gap <= unknown_u + tol):
        explained = explained or gap <= unknown_u + tol
        ceiling = comp + unknown_u
        notes.append(f"missing coverage: {unknown:.1f}% of Syria has no known holder on "
                     f"{total.date.isoformat()}, so the computed {comp:,.1f}{unit} is a floor "
                     f"(at most {ceiling:,.1f}{unit} if all of it were {bloc}'s)")
    elif unknown >= 20.0:
        notes.append(f"coverage: {unknown:.1f}% of Syria has no known holder on {total.date.isoformat()}; "
                     "missing coverage cannot explain a claim below the computed share")
    if not _is_national(c.scope):
        explained = True
        notes.append(f"different denominator: the claim's scope is {c.scope!r}, the computed share is of all "
                     "of Syria")
    if implied is not None and abs(implied - total.denominator_km2) > 0.02 * total.denominator_km2:
        explained = True
        notes.append(f"different denominator: the source's own figures imply {implied:,.0f} km² for Syria, "
                     f"against {total.denominator_km2:,.0f} km² here")
    if len(members) > 1 and abs(comp - alone) > tol:
        if abs(c.value - alone) < abs(c.value - comp):
            explained = True
            notes.append(f"different bloc: the claim is closer to {c.subject} alone ({alone:,.1f}{unit}) than to "
                         f"the bloc {bloc} = {' + '.join(members)} ({comp:,.1f}{unit})")
        else:
            notes.append(f"bloc: {bloc} = {' + '.join(members)} ({comp:,.1f}{unit}); {c.subject} alone holds "
                         f"{alone:,.1f}{unit}")
    coarse = total.coarse_percent_of(members)
    if pct and gap < -tol and coarse > 0:
        explained = explained or coarse >= -gap
        notes.append(f"coarse attribution: {coarse:.1f}% of the computed share comes from facts about whole "
                     "governorates (each attributes the whole governorate), which overstate a holder's area")
    if pct and pop is not None and abs(pop - comp) > tol and abs(c.value - pop) < abs(gap):
        explained = True
        notes.append(f"different metric: the claim is closer to the populated-area share ({pop:.1f}%)")
    if not explained:
        notes.append("unexplained: coverage, denominator and bloc do not account for the difference")
    return notes


def _implied_denominators(items: Sequence[ClaimItem]) -> dict[tuple[str, str | None], float]:
    """Syria's area implied by one document's matching share and km² claims for the same subject."""
    by_doc: dict[tuple[str, str | None], dict[str, float]] = defaultdict(dict)
    for it in items:
        c = it.claim
        if it.is_change or c.baseline or not _is_national(c.scope):
            continue
        by_doc[(c.claimant_doc, c.subject)].setdefault(c.metric, c.value)
    out = {}
    for key, m in by_doc.items():
        if "share_of_territory" in m and "area_km2" in m and m["share_of_territory"] > 0:
            out[key] = m["area_km2"] / (m["share_of_territory"] / 100.0)
    return out


def consistency(items: Sequence[ClaimItem]) -> tuple[Inconsistency, ...]:
    """Per-document checks: level shares summing past 100%, and headline figures the body contradicts."""
    out: list[Inconsistency] = []
    per_doc: dict[str, list[ClaimItem]] = defaultdict(list)
    for it in items:
        if it.claim.metric == "share_of_territory" and not it.is_change:
            per_doc[it.claim.claimant_doc].append(it)
    for doc_id, its in per_doc.items():
        level = [it for it in its if not it.claim.baseline and _is_national(it.claim.scope) and it.claim.subject]
        by_date: dict[str | None, dict[str, ClaimItem]] = defaultdict(dict)
        for it in level:
            if it.headline:
                continue
            by_date[it.claim.as_of].setdefault(it.claim.subject or "", it)
        for as_of, subjects in by_date.items():
            total = sum(it.claim.value for it in subjects.values())
            if total > 100.5 and len(subjects) > 1:
                out.append(Inconsistency(doc_id, "sum_over_100",
                                         f"shares of {', '.join(sorted(subjects))} add up to {total:g}%"
                                         + (f" (as of {as_of})" if as_of else ""),
                                         tuple(it.claim for it in subjects.values())))
        heads = [it for it in level if it.headline]
        body = [it for it in level if not it.headline]
        for h in heads:
            for b in body:
                same = b.claim.subject == h.claim.subject and b.claim.as_of == h.claim.as_of
                if same and abs(h.claim.value - b.claim.value) > max(1.0, 0.02 * abs(b.claim.value)):
                    out.append(Inconsistency(doc_id, "headline_contradicts_body",
                                             f"headline gives {h.claim.subject} {h.claim.value:g}%, the body "
                                             f"{b.claim.value:g}%", (h.claim, b.claim)))
    return tuple(out)


def check_claims(items: Sequence[ClaimItem], shares_at: SharesAt, blocs: Blocs, *,
                 fallback: dt.date | None = None) -> ClaimsReport:
    """Check every share-of-territory and area claim, and each source's internal consistency."""
    implied = _implied_denominators(items)
    checks = tuple(check_claim(it, shares_at, blocs, fallback=fallback,
                               implied_denominator=implied.get((it.claim.claimant_doc, it.claim.subject)))
                   for it in items)
    method: list[str] = []
    for ch in checks:
        if ch.comparable and ch.date is not None:
            method = shares_at(ch.date, "total", blocs).method.lines()
            break
    return ClaimsReport(checks, consistency(items), tuple(method))
