"""Event frames: one frame per trigger (and per place), with modality, plus control facts and sieges."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from marsad.events.context import SentenceView, coordinated_group, prune_containers
from marsad.events.lexicon import CueMatch, TriggerMatch, TriggerRule
from marsad.events.roles import GOVERNMENT, Roles, bloc, find_places, find_roles, is_named
from marsad.model import ActorMention, ControlFact, Event, PlaceMention, Provenance, Siege, Span
from marsad.model.mentions import ACLED_TIME_PRECISION

_HANDOVER = re.compile(r"كانت\s+تحت\s+سيطره|اخلت|اخلاها|تسليم|سلمت|تسلم|تنفيذا\s+ل|"
                       r"(?:بموجب|وفق)\s+(?:ال)?(?:اتفاق|تفاهم|مذكره)")
_CONTINUE = re.compile(r"(?:ناهيك\s+عن|فضلا\s+عن|بالاضافه\s+الي|اضافه\s+الي|كما\s+(?:و)?)")
_AFTER_CUE = re.compile(r"(?:بعد|اثر|عقب|خلال)\s*$")
_PAST_STATE = re.compile(r"(?:كان|كانت|كانتا|كانوا)\s+(?:(?!اليوم|الان|بات|اصبح)\S+\s+){0,4}$")
# Event types whose agent may be carried over from the previous sentence (a pronoun subject).
_CARRY = frozenset({"territory", "siege_broken", "siege_imposed", "withdrawal", "reinforcement", "arrests",
                    "non_violent_transfer_of_territory", "evacuation"})
_UNARMED = frozenset({"civilians", "protesters", "un"})
_UNARMED_TYPES = frozenset({"peaceful_protest", "protest_with_intervention", "evacuation", "other", "agreement",
                            "negotiation"})
_PROTESTS = frozenset({"peaceful_protest", "protest_with_intervention"})
_NO_PLACE_TYPES = frozenset({"agreement", "negotiation", "other"})
_SHARE_OBJECT = re.compile(r"^\s*(?:\S+\s+){0,3}?(?:نحو|حوالي|اكثر\s+من|اقل\s+من|قرابه|ما\s+يقارب)?\s*[\d.,]+\s*"
                           r"(?:%|(?:الف\s+|مليون\s+)?(?:كيلومتر|كم|كيلو\s+متر)\S*\s+مربع)")
_ANAPHORIC_OBJECT = re.compile(r"^\s*(?:علي\s+)?(?:ال)?(?:مدينه|بلده|قريه|منطقه|حي|مطار|قاعده|المدينه)\s*"
                               r"(?:[,.]|$|بعد|اثر|عقب)")
_UNNAMED_OBJECT = re.compile(r"^\s*(?:علي\s+)?(?:ال)?(?:مزيد\s+من\s+|عشرات\s+|مئات\s+|[\d]+\s+|عده\s+)?"
                             r"(?:ال)?(?:بلدات|قري|مناطق|مواقع|نقاط|احياء|مدن|بلده|قريه|تلال)\b[^\"]*?"
                             r"(?<!\S)(?:في|ب(?:ريف|محافظه|مدينه|منطقه|ال)\S*|شمال\S*|جنوب\S*|شرق\S*|غرب\S*)\s*$")
_WAS = re.compile(r"(?:كان|كانت|كانوا|كانتا|مازال|ما\s+زال|لا\s+يزال|لا\s+تزال)\s+(?:\S+\s+){0,2}$")
_SINCE = re.compile(r"^\s*(?:\S+\s+){0,2}منذ")
_LIST_LEAD = re.compile(r"^(?:و)?(?:علي\s+|الي\s+)?"
                        r"(?:قري|بلدات|بلدتي|قريتي|مدن|مدينتي|احياء|حيي|مناطق|مواقع|هي|هما|هم|منها|"
                        r"المتمثله|تشمل|تضم)\b")
_BESIEGER_BEFORE = re.compile(r"(?:ضربه|ضربها|فرضه|فرضها|يفرضه|يفرضها|فرض|يفرض|من\s+قبل|يحاصر|حاصره|تحاصره)\s*$")
_MAP_WORDS = re.compile(r"(?:نسبه|نسب|مساحه|مناطق|خريطه|خارطه|نفوذ|خطوط)\s*$")
_ASIDE = re.compile(r"^(?:و)?(?:بموجب|وفق|وفقا|بعد|اثر|عقب|ضمن|برعايه|بدعم|بمشاركه|بحسب|حسب)\b")
_NEG_AFTER = re.compile(r"^\s*(?:\S+\s+)?[\"']?\s*(?:لم|لن)\s")
_PARTIAL = re.compile(r"^\s*(?:علي\s+)?(?:معظم|اغلب|اجزاء|جزء|بعض|قسم)\s")
_ACCUSE = re.compile(r"(?:اتهم|اتهمت|يتهم|تتهم|اتهموا|متهمه|متهما)\s")
_PURPOSE_TYPES = frozenset({"territory", "protest_with_intervention", "arrests", "abduction", "siege_imposed"})
_DEMONSTRATIVE = re.compile(r"(?:^|\s)(?:هذه|هذا|تلك|ذلك|هاتين|هذين)\s*$")
_LOCATED = frozenset({"armed_clash", "air_drone_strike", "shelling_artillery_missile"})
_LOCATIVE = re.compile(r"(?:في|ب\S*|علي\s+محاور|قرب|محيط|داخل|استهدف\S*|قصف\S*)\s*$")


@dataclass
class DocState:
    """Mutable state of one document's pass (local to one call; never shared)."""

    last_agent: ActorMention | None = None
    events: list[Event] = field(default_factory=list)
    control: list[ControlFact] = field(default_factory=list)
    sieges: list[Siege] = field(default_factory=list)
    suppressed: list[Event | ControlFact | Siege] = field(default_factory=list)
    agreement_pairs: set[tuple[str | None, str | None]] = field(default_factory=set)


@dataclass(frozen=True)
class FrameBuilder:
    extractor: str

    # -- modality ---------------------------------------------------------------------------------------------
    def modality_of(self, view: SentenceView, cues: list[CueMatch], trig: Span, rule: TriggerRule) -> str:
        f = view.analysis.folded
        ts = f.to_folded(trig.start)
        for c in cues:
            if c.start >= ts:
                break
            if rule.type == "other" and c.cue.modality == "demand" and c.end >= ts:
                continue
            if c.cue.scope == "rest":
                return c.cue.modality
            if c.cue.scope == "prefix" and 0 <= ts - c.end <= max(c.cue.window, 1):
                return c.cue.modality
        for c in cues:  # a future verb that *is* the trigger («ستبدأ»)
            if c.cue.scope == "prefix" and c.cue.modality == "future" and c.start <= ts < c.end:
                return "future"
        return "asserted"

    # -- main -------------------------------------------------------------------------------------------------
    def sentence(self, view: SentenceView, matches: list[TriggerMatch], state: DocState, *,
                 cues: list[CueMatch]) -> None:
        """Read one sentence's triggers; ``cues`` are the modality cues found in it."""
        f = view.analysis.folded
        kept: list[TriggerMatch] = []
        heads = []  # each trigger's first word
        for m in matches:
            sp = f.text.find(" ", m.start + 1, m.end)
            head = f.to_original(m.start, sp if sp > 0 else m.end)
            # «تحرير» inside «هيئة تحرير الشام» is a name, not a trigger
            if "protest" in m.rule.type or not any(a.span.start <= head.start and head.end <= a.span.end
                                                   for a in view.actors):
                kept.append(m)
                heads.append(head)
        matches = kept
        spans = [f.to_original(m.start, m.end) for m in matches]
        patients: set[int] = set()
        lifted_at: Span | None = None  # «أنهى الاتفاق حصاراً فرضته X على Y»: the end of the siege named next
        explicit = self._date(view)
        date, precision = explicit
        sent_text = f.text[f.to_folded(view.span.start) : f.to_folded(view.span.end)]
        handover = bool(_HANDOVER.search(sent_text))
        prev_state: tuple[ActorMention | None, list[PlaceMention]] | None = None
        last_control: tuple[ActorMention | None, ActorMention | None, int] | None = None
        territory_seen = False
        for i, (m, trig) in enumerate(zip(matches, spans, strict=True)):
            rule = m.rule
            region_end = self._region_end(view, matches, spans, i)
            modality = self.modality_of(view, cues, trig, rule)
            if explicit[0] is not None:
                date, precision = self._date_near(view, trig, explicit)
            roles = find_roles(view, heads[i], rule, exclude=frozenset(patients))
            if roles.patient is not None and rule.voice == "object":
                patients.add(roles.patient.span.start)
            places = find_places(view, trig, rule, region_end=region_end)
            kind = rule.type
            own = view.gap(trig.start, trig.end).lstrip("وف")
            if rule.voice in ("active", "object") and own.startswith("ال") and not rule.pattern_article:
                continue  # «التدخل» is not «تدخل»: verbs never take the article
            if kind in _PURPOSE_TYPES and own.startswith("ل"):
                modality = "future"  # «هجوماً للسيطرة على», «لاستعادة», «لتفريق المظاهرة»: an aim, not a deed
            if rule.voice == "noun" and _DEMONSTRATIVE.search(view.gap(max(view.span.start, trig.start - 8),
                                                                        trig.start)):
                continue  # «هذه المظاهرة», «تلك المعارك»: a reference back to an event already told
            if rule.voice == "noun" and _NEG_AFTER.match(view.gap(trig.end, min(view.span.end, trig.end + 30))):
                modality = "negated"  # «الضربات الروسية لم تستهدف …»
            obj = view.gap(trig.end, places[0].span.start) if places else view.gap(trig.end, region_end)
            lead = view.gap(max(view.span.start, trig.start - 30), trig.start)
            if kind == "territory" and (_WAS.search(lead) or _SINCE.match(obj)) and "سيطر" in own and \
                    own[:1] in ("ي", "ت"):
                continue  # «كانت قسد تسيطر على», «يسيطر التنظيم منذ 2014 على»: a standing state, not an event
            if kind == "territory" and any(a.actor_id in _UNARMED and 0 <= a.span.start - trig.end <= 3
                                           for a in view.actors):
                continue  # «تحرير مدنيين»: freeing people is not taking ground
            if kind == "territory" and rule.voice == "noun" and _MAP_WORDS.search(lead):
                continue  # «نسبة سيطرة», «مناطق سيطرة», «خريطة السيطرة»: a share or a map, not a capture
            if kind == "territory" and rule.voice == "noun" and not places and _ANAPHORIC_OBJECT.match(
                    view.gap(trig.end, min(region_end, trig.end + 40))):
                continue  # «وجاءت السيطرة على المدينة»: a restatement of a capture already reported
            if kind == "territory" and _PARTIAL.match(obj):
                continue  # «تنفرد بالسيطرة على معظم محافظة إدلب»: holding most of a region is not a capture
            if kind == "territory" and _SHARE_OBJECT.match(obj):
                continue  # «بسطت سيطرتها على 52% من مساحة ...» is a share, kept as a quantity
            if kind in ("territory", "siege_broken", "siege_imposed") and places and _UNNAMED_OBJECT.match(obj):
                places = []  # «سيطرت على 30 بلدة في ريف إدلب»: the towns are not named
            if kind in _LOCATED and places and not _LOCATIVE.search(obj[-30:] + " ") and len(obj) > 40:
                near = [p for p in view.places if p.span.end <= trig.start]
                places = near[-1:]
            # «بعد معارك مع X» right after a capture describes the capture, it is not a second event
            if kind == "armed_clash" and territory_seen and _AFTER_CUE.search(view.gap(view.span.start, trig.start)):
                continue
            if rule.control in ("state", "was"):
                own = view.gap(trig.start, trig.end).lstrip("وف ")
                controller = self._actor_at(view, trig.end)
                relative = own.startswith(("التي", "الذي"))
                held = self._held_places(view, trig, [] if relative else places)
                past = _PAST_STATE.search(view.gap(max(view.clause_of(trig.start).start, trig.start - 40), trig.start))
                if own.startswith("كان") or past or rule.control == "was":
                    prev_state = (controller, held)
                    continue
                previous = prev_state[0] if prev_state else None
                if prev_state and not held:
                    held = prev_state[1]
                if controller is not None:
                    for pl in held:
                        self._control(view, state, pl, controller.actor_id,
                                      previous.actor_id if previous else None, trig, modality, date)
                        if previous is not None and previous.actor_id != controller.actor_id:
                            self._event(view, state, self._territory_type(controller.actor_id), controller,
                                        previous, pl, trig, modality, date, precision)
                    last_control = (controller, previous, trig.end)
                continue
            if rule.type == "siege_ongoing":
                past = _PAST_STATE.search(view.gap(max(view.span.start, trig.start - 10), trig.start))
                self._sieges(view, state, roles, places, "ongoing", trig, modality, past=bool(past))
                continue
            if kind == "siege_broken" and roles.agent is not None and _BESIEGER_BEFORE.search(
                    view.gap(max(view.span.start, roles.agent.span.start - 16), roles.agent.span.start)):
                roles = Roles(None, roles.agent)  # «الطوق الذي ضربه التنظيم»: the besieger does not break it
            accused = self._accused(view, trig)
            if accused is not None:
                roles = Roles(accused, None)  # «اتهمت المعارضة قوات النظام بإلقاء …»: the accused did it
            elif kind in _LOCATED and own.startswith("ال") and rule.voice == "noun":
                told = next((e for e in reversed(state.events) if e.type == kind), None)
                adjacent = roles.agent is not None and 0 <= roles.agent.span.start - heads[i].end <= 3
                if told is not None and not adjacent:
                    # «الغارات طالت مدن …»: the strikes already told, by whoever carried them out
                    roles = Roles(ActorMention(span=heads[i], surface=view.gap(heads[i].start, heads[i].end),
                                               actor_id=told.actor1 or "", kind="anaphor", confidence=0.6),
                                  roles.patient)
            agent, patient = self._resolve_agent(roles, kind if rule.control != "advance" else "advance", state)
            if kind == "territory":
                if agent is None:
                    continue
                territory_seen = True
                kind = self._territory_type(agent.actor_id)
                if rule.control == "transfer":
                    kind = "non_violent_transfer_of_territory"
            if handover and (rule.control == "deploy" or (rule.control == "advance" and rule.voice == "active")):
                kind = "non_violent_transfer_of_territory"
            if kind in ("peaceful_protest",):
                patient, agent = None, self._protesters(view, trig)
            elif kind == "protest_with_intervention":
                patient, agent = agent, self._protesters(view, trig)
            elif kind == "evacuation" and agent is not None and patient is not None and agent.actor_id in GOVERNMENT:
                agent, patient = patient, agent
            elif kind in ("arrests", "attack_on_civilians", "abduction") and agent is not None and \
                    agent.actor_id in ("protesters", "civilians"):
                patient, agent = agent, state.last_agent
            if agent is not None and not is_named(agent):
                agent = None  # a generic noun («المقاتلين», «مسلحون») never stands as actor1
            if patient is not None and not is_named(patient):
                patient = None
            if rule.siege == "lifted_by_deal":
                if places:
                    self._sieges(view, state, Roles(None, None), places, "lifted_by_deal", trig, modality)
                else:
                    lifted_at = trig
                continue
            if agent is None:
                continue
            if kind == "agreement":
                if patient is None and state.agreement_pairs:
                    continue  # «إعلان الاتفاق» refers back to the agreement already coded
                pair = (agent.actor_id, patient.actor_id if patient else None)
                if pair in state.agreement_pairs or (pair[1], pair[0]) in state.agreement_pairs:
                    continue
                if modality == "asserted":
                    state.agreement_pairs.add(pair)
            if not places and rule.control not in ("gain", "advance"):
                places = self._nearest_place(view, trig)
            targets: list[PlaceMention | None] = list(places) if places else [None]
            if kind in _NO_PLACE_TYPES:
                targets = [places[0] if places else None]
            for target in targets:
                self._event(view, state, kind, agent, patient, target, trig, modality, date, precision)
                if rule.control == "gain" and target is not None and \
                        (target.kind or "") not in ("road", "river", "country"):
                    self._control(view, state, target, agent.actor_id, patient.actor_id if patient else None, trig,
                                  modality, date)
            if rule.siege in ("broken", "imposed"):
                self._sieges(view, state, roles if rule.siege == "imposed" else Roles(patient, agent), places,
                             rule.siege, trig, modality)
                if rule.siege == "imposed" and lifted_at is not None and places:
                    self._sieges(view, state, roles, places, "lifted_by_deal", lifted_at, modality)
                    lifted_at = None
            if modality == "asserted" and is_named(agent) and agent.actor_id not in _UNARMED:
                state.last_agent = agent
        here = [e for e in state.events if e.provenance.sentence.start == view.span.start]
        if any(e.type == "protest_with_intervention" for e in here):
            state.events = [e for e in state.events if not (e.type == "peaceful_protest"
                            and e.provenance.sentence.start == view.span.start)]
        # a second trigger of the same capture («استعاد النظام السيطرة على X») leaves a placeless twin
        placed = {(e.type, e.actor1) for e in state.events if e.place is not None
                  and e.provenance.sentence.start == view.span.start}
        state.events = [e for e in state.events if not (e.place is None and e.provenance.sentence.start ==
                        view.span.start and (e.type, e.actor1) in placed and "territory" in e.type)]
        # «ناهيك عن A وB»: more places under the same control statement
        if last_control is not None:
            base = f.to_folded(last_control[2])
            cont = _CONTINUE.search(sent_text[base - f.to_folded(view.span.start):])
            if cont:
                start = f.offsets[base + cont.end()] if base + cont.end() < len(f.offsets) else view.span.end
                end = next((sp.start for sp in spans if sp.start > start), view.span.end)
                extra = coordinated_group(view, [p for p in view.places if start <= p.span.start < end], start,
                                          before=False)
                ctrl, prev, _ = last_control
                for pl in extra:
                    self._control(view, state, pl, ctrl.actor_id if ctrl else "", prev.actor_id if prev else None,
                                  Span(start, pl.span.end), "asserted", date)

    # -- helpers ----------------------------------------------------------------------------------------------
    @staticmethod
    def _region_end(view: SentenceView, matches: list[TriggerMatch], spans: list[Span], i: int) -> int:
        """Where a trigger's object ends: the next trigger (a siege attribute such as «المحاصرة» right after
        «فك الحصار عن ...» does not count), or the end of a chain of clauses that continue a list of places."""
        end = view.span.end
        own_clause = view.clause_index(spans[i].start)
        for j in range(i + 1, len(matches)):
            if matches[j].rule.type == "siege_ongoing" and matches[i].rule.siege in ("broken", "imposed"):
                continue
            if matches[i].rule.siege == "lifted_by_deal" and matches[j].rule.siege:
                continue  # «أنهى الاتفاق حصاراً فرضته X على Y»: the siege ended is the one named next
            cj = view.clause_index(spans[j].start)
            if cj > own_clause >= 0 and _ASIDE.match(view.gap(view.sentence.clauses[cj].start,
                                                             view.sentence.clauses[cj].start + 12)):
                continue  # a trigger inside an aside («، بموجب تفاهم مع قسد،») does not end the object
            if matches[j].rule.control == "state" and matches[i].rule.control != "state":
                continue  # «في مناطق كانت تحت سيطرة X في محافظة Y»: an attribute of the object
            end = spans[j].start
            break
        clauses = view.sentence.clauses
        k = view.clause_index(spans[i].start)
        if k < 0:
            return end
        stop = clauses[k].end
        rest = clauses[k + 1 :]
        for n, c in enumerate(rest):
            if FrameBuilder._continues(view, c):
                stop = c.end
                continue
            # «دخلت، بموجب تفاهم مع قسد، مدينتي منبج والطبقة»: one aside before the object
            lead = view.gap(c.start, min(c.end, c.start + 12))
            if n + 1 < len(rest) and _ASIDE.match(lead) and FrameBuilder._continues(view, rest[n + 1]) and \
                    not any(c.start <= p.span.start < c.end for p in view.places):
                stop = c.end
                continue
            break
        return min(end, stop)

    @staticmethod
    def _continues(view: SentenceView, c: Span) -> bool:
        """A clause that continues a list of places: it opens with a place, «و», a quote or a list word."""
        key = ("continues", c.start, c.end)
        found = view.memo.get(key)
        if found is None:
            found = view.memo[key] = FrameBuilder._opens_list(view, c)
        return bool(found)

    @staticmethod
    def _opens_list(view: SentenceView, c: Span) -> bool:
        lead = view.gap(c.start, min(c.end, c.start + 40))
        return any(p.span.start == c.start or (c.start <= p.span.start and len(view.gap(c.start, p.span.start)) <= 3)
                   for p in view.places if c.start <= p.span.start < c.end) or lead.startswith(("و ", "\"")) \
            or _LIST_LEAD.match(lead) is not None

    def _resolve_agent(self, roles: Roles, kind: str,
                       state: DocState) -> tuple[ActorMention | None, ActorMention | None]:
        agent, patient = roles.agent, roles.patient
        if agent is not None and agent.actor_id in _UNARMED and kind not in _UNARMED_TYPES:
            agent = None  # civilians and protesters do not take towns, deploy or besiege
        if agent is not None and agent.actor_id == "protesters" and kind in ("agreement", "negotiation"):
            agent = None  # a protest does not sign a deal («هذه المظاهرة … منذ توقيع اتفاق»)
        if (agent is None or not is_named(agent)) and kind in _CARRY and state.last_agent is not None:
            agent = state.last_agent
        if agent is not None and not is_named(agent):
            agent = None
        if patient is not None and agent is not None and patient.actor_id == agent.actor_id:
            patient = None
        return agent, patient

    @staticmethod
    def _territory_type(actor_id: str) -> str:
        if actor_id in GOVERNMENT or (bloc(actor_id) == "gov" and actor_id == "pro_assad_militias"):
            return "government_regains_territory"
        return "non_state_actor_overtakes_territory"

    @staticmethod
    def _accused(view: SentenceView, trig: Span) -> ActorMention | None:
        clause = view.clause_of(trig.start)
        head = view.gap(clause.start, trig.start)
        if "تهم" not in head:  # (every form of _ACCUSE has it)
            return None
        found = list(_ACCUSE.finditer(head))
        if not found:
            return None
        m = found[-1]
        f = view.analysis.folded
        accuse_end = f.offsets[f.to_folded(clause.start) + m.end() - 1] + 1
        between = [a for a in view.actors if accuse_end <= a.span.start and a.span.end <= trig.start]
        return between[-1] if len(between) >= 1 and is_named(between[-1]) else None

    @staticmethod
    def _nearest_place(view: SentenceView, trig: Span) -> list[PlaceMention]:
        """Where an event with no object place happened: the nearest Syrian place stated in its sentence."""
        cands = [p for p in view.places if (p.kind or "") != "country" and p.country in ("SY", None)]
        if not cands:
            return []
        best = min(cands, key=lambda p: abs(p.span.start - trig.end) if p.span.start >= trig.end
                   else 1.5 * abs(trig.start - p.span.end))
        return [best]

    @staticmethod
    def _actor_at(view: SentenceView, pos: int) -> ActorMention | None:
        for a in view.actors:
            if a.span.start >= pos - 1:
                return a if a.span.start - pos <= 12 else None
        return None

    @staticmethod
    def _protesters(view: SentenceView, trig: Span) -> ActorMention:
        for a in view.actors:
            if a.actor_id == "protesters":
                return a
        return ActorMention(span=trig, surface=view.analysis.text[trig.start : trig.end], actor_id="protesters",
                            kind="named", confidence=0.6)

    @staticmethod
    def _held_places(view: SentenceView, trig: Span, after: list[PlaceMention]) -> list[PlaceMention]:
        clause = view.clause_of(trig.start)
        before = [p for p in view.places if clause.start <= p.span.start and p.span.end <= trig.start]
        if before:
            return prune_containers(view, before)
        if after:
            return after
        # the previous clause («..., والتي تسيطر عليها X»)
        idx = view.clause_index(trig.start)
        if idx > 0:
            prev = view.sentence.clauses[idx - 1]
            group = [p for p in view.places if prev.start <= p.span.start < prev.end]
            return prune_containers(view, group[-1:]) if group else []
        return []

    @staticmethod
    def _date_near(view: SentenceView, trig: Span, default: tuple[str | None, int]) -> tuple[str | None, int]:
        """The time stated nearest the trigger; a time far away in a long sentence belongs to another clause."""
        best: tuple[int, str, int] | None = None
        for t in view.times:
            if not t.value or t.kind != "point":
                continue
            d = t.span.start - trig.end if t.span.start >= trig.end else trig.start - t.span.end
            if best is None or d < best[0]:
                best = (d, t.value, ACLED_TIME_PRECISION.get(t.precision, 3))
        if best is None:
            return default
        if best[0] > 90:
            return None, 3
        return best[1], best[2]

    def _date(self, view: SentenceView) -> tuple[str | None, int]:
        for t in view.times:
            if t.value and t.kind == "point":
                return t.value, ACLED_TIME_PRECISION.get(t.precision, 3)
        return None, 3

    def _prov(self, view: SentenceView, trig: Span, extra: list[Span], confidence: float) -> Provenance:
        start = min([trig.start, *[s.start for s in extra]])
        end = max([trig.end, *[s.end for s in extra]])
        clause = view.clause_of(trig.start)
        start = min(start, max(clause.start, trig.start - 120))
        end = max(end, min(clause.end, trig.end + 160))
        start, end = max(start, view.span.start), min(end, view.span.end)
        if end - start > 400:
            start, end = max(view.span.start, trig.start - 150), min(view.span.end, trig.end + 240)
        return Provenance(doc_id=view.analysis.document.id, span=Span(start, end), sentence=view.span,
                          extractor=self.extractor, confidence=confidence)

    def _event(self, view: SentenceView, state: DocState, kind: str, agent: ActorMention,
               patient: ActorMention | None, place: PlaceMention | None, trig: Span, modality: str,
               date: str | None, precision: int) -> None:
        # one event per (type, actor, place, date) in a document: articles restate the same event
        # (an undated restatement is the same event as a dated report: the dated report is kept)
        where = _place_key(place) or view.span.start
        existing = state.events if modality == "asserted" else state.suppressed
        if kind in _PROTESTS and place is None and date is None and any(
                isinstance(e, Event) and e.type == kind for e in existing):
            return  # «وردد المتظاهرون …»: more about the protest already reported
        replace_at = -1
        for k, e in enumerate(existing):
            if not isinstance(e, Event) or e.type != kind or e.actor1 != agent.actor_id or \
                    (_place_key(e.place) or e.provenance.sentence.start) != where:
                continue
            if e.date == date or date is None:
                return
            if e.date is None:
                replace_at = k
                break
        extra = [a.span for a in (agent, patient) if a is not None and view.span.contains(a.span)]
        if place is not None:
            extra.append(place.span)
        conf = 0.55 + 0.15 * (agent.kind == "named") + 0.1 * (place is not None and place.resolved)
        prov = self._prov(view, trig, extra, min(conf, 0.95))
        ev = Event(type=kind, actor1=agent.actor_id, actor2=patient.actor_id if patient else None,
                   provenance=prov, place=place, date=date,
                   time_precision=precision, trigger=trig, modality=modality)  # type: ignore[arg-type]
        if replace_at >= 0:
            existing[replace_at] = ev
        else:
            existing.append(ev)

    def _control(self, view: SentenceView, state: DocState, place: PlaceMention, controller: str,
                 previous: str | None, trig: Span, modality: str, date: str | None) -> None:
        if not controller or (place.kind or "") in ("country", "river"):
            return
        prov = self._prov(view, trig, [place.span], 0.7)
        fact = ControlFact(place=place, controller=controller, provenance=prov, previous=previous, date=date,
                           modality=modality)  # type: ignore[arg-type]
        target = state.control if modality == "asserted" else state.suppressed
        for c in target:
            if isinstance(c, ControlFact) and c.place.key == place.key and c.controller == controller:
                return
        target.append(fact)

    def _sieges(self, view: SentenceView, state: DocState, roles: Roles, places: list[PlaceMention], status: str,
                trig: Span, modality: str, *, past: bool = False) -> None:
        since = next((t.value[:4] for t in view.times if t.kind == "since" and t.value), None)
        besieger = roles.agent.actor_id if roles.agent and is_named(roles.agent) else None
        besieged = roles.patient.actor_id if roles.patient and is_named(roles.patient) else None
        for pl in places:
            if (pl.kind or "") in ("country",):
                continue
            existing = [s for s in state.sieges if s.place.key == pl.key or s.place.surface == pl.surface]
            if past or (status == "ongoing" and any(s.status == "broken" for s in existing)):
                # a siege the text describes as past: it dates the siege already recorded
                for s in existing:
                    if s.since is None and since:
                        state.sieges[state.sieges.index(s)] = dataclasses.replace(s, since=since)
                continue
            if any(s.status == status for s in existing):
                continue
            prov = self._prov(view, trig, [pl.span], 0.65)
            siege = Siege(place=pl, status=status, provenance=prov,  # type: ignore[arg-type]
                          besieger=besieger, besieged=besieged, since=since, modality=modality)  # type: ignore[arg-type]
            (state.sieges if modality == "asserted" else state.suppressed).append(siege)


def _place_key(p: PlaceMention | None) -> str | None:
    if p is None:
        return None
    return p.key if p.place_id else _CLITICS.sub("", p.surface, count=1)


_CLITICS = re.compile(r"^(?:و|ف)?(?:ب|ل|ك)?(?:ال)?")
