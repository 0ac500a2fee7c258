"""Who did it, to whom, where: agent, patient and place selection for one trigger."""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.events.context import SentenceView, coordinated_group, prune_containers
from marsad.events.lexicon import TriggerRule
from marsad.model import ActorMention, PlaceMention, Span

GOVERNMENT = frozenset({"syria_government_assad", "syria_government_transitional"})
# Blocs used to tell a patient from an ally: an actor of the same bloc is support, not the other side.
BLOCS: dict[str, str] = {
    "syria_government_assad": "gov", "pro_assad_militias": "gov", "russia": "gov", "iran": "gov",
    "hezbollah": "gov", "syria_government_transitional": "gov2", "syrian_opposition": "opp",
    "syrian_national_army": "opp", "turkey": "opp", "hts": "opp", "nusra_front": "opp", "jaysh_al_islam": "opp",
    "sdf": "sdf", "ypg": "sdf", "us_led_coalition": "sdf", "united_states": "sdf",
}
_PREP_END = re.compile(r"(?:^|\s)(?:و|ف)?(?:علي|الي|من|عن|ضد|مع|حساب|بين|قبل|لصالح|يد|بدعم|بمساعده|بمؤازره|بمشاركه|"
                       r"المدعوم|المدعومه|المدعمه|المدعومين|بحق|في|امام|مقابل|تجاه|لدي|عند)[\s\"'(]*$")
_SUBJECT_GAP = re.compile(r"^[\s\"'()]*(?:[^\s,;]+\s*){0,3}$")
_REL_BEFORE = re.compile(r"(?:التي|الذي|اللتين|اللذين|اللواتي|الذين)\s*$")
_BETWEEN = re.compile(r"(?:^|\s)(?:و|ف)?بين\s*$")
_BY = re.compile(r"^\s*(?:من\s+قبل|من\s+جانب|علي\s+يد|من|بيد)\s*$")
_PREP_ANY = re.compile(r"(?:^|\s)(?:و|ف)?(?:علي|الي|من|عن|ضد|مع|حساب|قبل|لصالح|بحق|في|امام|تجاه|جبهات|مواقع)(?:\s|$)")
_SUPPORT = re.compile(r"(?:بدعم|بمسانده|بمؤازره|المدعوم|المدعومه|المدعمه|مدعوما|مدعومه|بمشاركه|بالتعاون\s+مع|"
                      r"بغطاء|باسناد|واستعان|استعان|بقوات|برعايه|بوساطه|باشراف|وساطه|رعايه)[^.]{0,30}$")
_PARTITIVE = re.compile(r"(?:وحدات|عناصر|مقاتلو|مقاتلي|ارتال|رتل|دوريه|دوريات|مجموعه|مجموعات|كتيبه|قوه|قوات|"
                        r"جنود|مسلحون|مسلحين)(?:\s+\S+)?\s+من\s*$")
_BY_HAND = re.compile(r"(?:علي\s+يد|من\s+قبل|بايدي|علي\s+ايدي)[\s\"']*$")
_REL_START = re.compile(r"^\s*(?:التي|الذي|اللتين|اللذين|الذين)\b")


def bloc(actor_id: str | None) -> str | None:
    return BLOCS.get(actor_id or "")


def is_named(a: ActorMention) -> bool:
    return a.kind != "generic" and not a.actor_id.startswith("generic:")


def _prepositional(view: SentenceView, a: ActorMention) -> bool:
    key = ("prep", a.span.start, a.span.end)
    found = view.memo.get(key)
    if found is None:
        found = view.memo[key] = _is_prepositional(view, a)
    return bool(found)


def _is_prepositional(view: SentenceView, a: ActorMention) -> bool:
    surface = view.gap(a.span.start, a.span.end)
    if surface[:1] in ("ب", "ل") or surface[:2] in ("وب", "ول", "فب", "فل"):
        return True
    before = view.gap(max(view.span.start, a.span.start - 14), a.span.start)
    if _PREP_END.search(before) and not _PARTITIVE.search(before):
        return True
    # a supporter («بدعم جوي روسي», «المدعوم بقوات من حزب الله») is not the agent
    return bool(_SUPPORT.search(view.gap(max(view.span.start, a.span.start - 40), a.span.start)))


@dataclass(frozen=True)
class Roles:
    agent: ActorMention | None
    patient: ActorMention | None
    between: bool = False


def first_of_group(view: SentenceView, actors: list[ActorMention], a: ActorMention) -> ActorMention:
    """Walk back through «X وY» coordination to the first coordinated actor."""
    idx = actors.index(a)
    while idx > 0:
        prev = actors[idx - 1]
        g = view.gap(prev.span.end, actors[idx].span.start)
        if len(g) <= 3 and g.strip() in ("", "و", ","):
            idx -= 1
            continue
        break
    return actors[idx]


def find_roles(view: SentenceView, trig: Span, rule: TriggerRule, *,
               exclude: frozenset[int] = frozenset()) -> Roles:
    """``trig`` is the trigger's head word; ``exclude`` holds starts of actors already used as patients."""
    actors = [a for a in view.actors if not (a.span.start < trig.end and trig.start < a.span.end)]
    after = [a for a in actors if a.span.start >= trig.end]
    before = [a for a in actors if a.span.end <= trig.start]
    # «على يد X», «من قبل X»: the doer, whatever the voice
    for a in after:
        if a.span.start - trig.end > 120:
            break
        g = view.gap(max(trig.end, a.span.start - 14), a.span.start)
        if ("يد" in g or "قبل" in g) and rule.voice != "passive" and _BY_HAND.search(g):  # (every form has one)
            return Roles(a, None)
    # «بين X و Y» (possibly a few words after the trigger: «الاشتباكات الدائرة منذ الأحد بين …»)
    if after:
        g = view.gap(trig.end, after[0].span.start)
        between = "بين" in g and (_BETWEEN.search(g) or (len(g) <= 60 and " بين " in f" {g} "
                                                        and not _PREP_END.search(g)))
        if between or (g.strip() == "" and view.gap(trig.end, after[0].span.end).startswith(" بين")):
            x = after[0]
            y = next((a for a in after[1:] if bloc(a.actor_id) != bloc(x.actor_id) or (bloc(x.actor_id) is None
                      and a.actor_id != x.actor_id)), None)
            return Roles(x, y, between=True)
    if rule.voice == "passive":
        by: ActorMention | None = None
        sufferer: ActorMention | None = None
        for a in after:
            g = view.gap(trig.end, a.span.start)
            if len(g) > 40:
                break
            if _BY.match(g) or g.endswith((" من قبل", " من")):
                by = a
                break
            if sufferer is None and len(g) <= 3:
                sufferer = a
        return Roles(by, sufferer)
    agent_after: ActorMention | None = None
    if after and rule.voice != "object":
        a = after[0]
        g = view.gap(trig.end, a.span.start)
        if len(g) <= 24 and _SUBJECT_GAP.match(g) and not _PREP_ANY.search(g) and not _prepositional(view, a):
            agent_after = a
    agent_before: ActorMention | None = None
    for a in reversed(before):
        if trig.start - a.span.end > 160:
            break
        if _prepositional(view, a) or a.span.start in exclude:
            continue
        rel = _REL_START.match(view.gap(a.span.end, trig.start))
        agent_before = a if rel else first_of_group(view, before, a)
        break
    agent = agent_after or agent_before
    patient: ActorMention | None = None
    if rule.voice == "object" and after:
        a = after[0]
        if len(view.gap(trig.end, a.span.start)) <= 24:
            patient = a
    if patient is None:
        for a in after:
            if agent is not None and (a is agent or a.actor_id == agent.actor_id):
                continue
            if agent is not None and bloc(a.actor_id) is not None and bloc(a.actor_id) == bloc(agent.actor_id):
                continue
            if a.span.start - trig.end > 200:
                break
            if _prepositional(view, a) or agent is None:
                patient = a
                break
    return Roles(agent, patient)


_CHAIN_GAP = re.compile(r"^[\s,\"'()]*(?:و|او)?\s*(?:علي\s+|الي\s+)?(?:ال)?"
                        r"(?:قري|بلدات|بلدتي|قريتي|مدينه|مدينتي|مدن|بلده|قريه|حي|حيي|"
                        r"احياء|مطار|مطاري|منطقه|مناطق|حقل|حقول|معبر|سد|قاعده|مخيم|مخيمات|جبل|تله)?[\s,\"'()]*$")
_CONTAIN_GAP = re.compile(r"^[\s,]*(?:و)?(?:في|ب|ضمن|داخل|قرب|شمال\S*|جنوب\S*|شرق\S*|غرب\S*|بريف|ريف|محيط|"
                          r"اطراف|عند)?(?:\s+(?:شمال\S*|جنوب\S*|شرق\S*|غرب\S*|مدينه|محافظه))?[\s,]*$")


def _object_chain(view: SentenceView, after: list[PlaceMention]) -> list[PlaceMention]:
    """The places of one object: the first place and those coordinated with it (or containing it)."""
    if not after:
        return after
    chain = [after[0]]
    for p in after[1:]:
        g = view.gap(chain[-1].span.end, p.span.start)
        if len(g) <= 40 and (_CHAIN_GAP.match(g) or _CONTAIN_GAP.match(g)):
            chain.append(p)
            continue
        break
    return chain


def find_places(view: SentenceView, trig: Span, rule: TriggerRule, *, region_end: int) -> list[PlaceMention]:
    places = [p for p in view.places if not (p.span.start < trig.end and trig.start < p.span.end)]
    pre = view.gap(max(view.span.start, trig.start - 12), trig.start)
    if _REL_BEFORE.search(pre):
        rel_at = trig.start - (len(pre) - _REL_BEFORE.search(pre).start())  # type: ignore[union-attr]
        clause = view.clause_of(trig.start)
        group = [p for p in places if clause.start <= p.span.start and p.span.end <= rel_at
                 and rel_at - p.span.end <= 90]
        if group:
            return prune_containers(view, group)
    after = _object_chain(view, [p for p in places if trig.end <= p.span.start < region_end])
    if rule.voice == "passive":
        group = coordinated_group(view, places, trig.start, before=True)
        if group and len(view.gap(group[-1].span.end, trig.start)) <= 4:
            return prune_containers(view, group)
    if after:
        return prune_containers(view, after)
    clause = view.clause_of(trig.start)
    before = [p for p in places if clause.start <= p.span.start and p.span.end <= trig.start]
    if before and rule.voice in ("passive", "noun"):
        return prune_containers(view, before)
    return anaphoric_places(view, trig, region_end)


# «المدينة», «الحيين», «البلدة» after a trigger: the places of that kind the text named last
_ANAPHOR = re.compile(r"^[\s,]*(?:\S+\s+){0,3}?(?:علي|الي|عن|في|من)?\s*(?:ال)(مدينه|مدينتين|بلده|بلدتين|حي|حيين|احياء|"
                      r"قريه|قريتين|قري|منطقه|مطار|قاعده)(?!\w)")
_ANAPHOR_KINDS: dict[str, tuple[frozenset[str], int]] = {
    "مدينه": (frozenset({"city", "town"}), 1), "مدينتين": (frozenset({"city", "town"}), 2),
    "بلده": (frozenset({"town", "city", "village"}), 1), "بلدتين": (frozenset({"town", "city", "village"}), 2),
    "حي": (frozenset({"neighbourhood"}), 1), "حيين": (frozenset({"neighbourhood"}), 2),
    "احياء": (frozenset({"neighbourhood"}), 3), "قريه": (frozenset({"village", "town"}), 1),
    "قريتين": (frozenset({"village", "town"}), 2), "قري": (frozenset({"village", "town"}), 3),
    "منطقه": (frozenset({"region", "town", "village", "neighbourhood", "city"}), 1),
    "مطار": (frozenset({"airbase"}), 1), "قاعده": (frozenset({"airbase", "military_base"}), 1),
}


def anaphoric_places(view: SentenceView, trig: Span, region_end: int) -> list[PlaceMention]:
    m = _ANAPHOR.match(view.gap(trig.end, min(region_end, trig.end + 60)))
    if not m:
        return []
    kinds, count = _ANAPHOR_KINDS[m.group(1)]
    earlier = [p for p in view.analysis.places if p.span.end <= trig.start and (p.kind or "") in kinds]
    if not earlier:
        return []
    if count == 1:
        return earlier[-1:]
    picked: list[PlaceMention] = []
    for p in reversed(earlier):  # the last coordinated names of that kind («الشيخ مقصود والأشرفية»)
        if any(q.key == p.key for q in picked):
            continue
        picked.insert(0, p)
        if len(picked) == count:
            break
    return picked
