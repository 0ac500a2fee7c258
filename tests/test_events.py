"""Event frames, control facts, sieges, quantities and modality on invented Arabic reporting."""

from __future__ import annotations

import json
from importlib import resources

import pytest

import marsad
from marsad import Settings


def _types(res):
    return [(e.type, e.actor1, e.place.surface if e.place else None) for e in res.events]


def test_capture_gives_event_and_control_with_provenance():
    text = "سيطرت قوات النظام على بلدة معان في ريف حماة الشمالي بعد معارك مع الفصائل."
    res = marsad.extract(text, published="2016-03-02", doc_id="t1")
    assert ("government_regains_territory", "syria_government_assad", "بلدة معان") in _types(res)
    ev = next(e for e in res.events if e.type == "government_regains_territory")
    p = ev.provenance
    assert p.doc_id == "t1" and p.extractor == marsad.EXTRACTOR_VERSION and 0 < p.confidence <= 1
    assert "سيطرت" in p.span.text(text) and p.sentence.contains(p.span)
    assert [c.controller for c in res.control] == ["syria_government_assad"]
    assert res.control[0].place.governorate == "Hama"


def test_time_scoped_army_identity():
    text = "سيطر الجيش السوري على مدينة الطبقة في ريف الرقة."
    before = marsad.extract(text, published="2017-05-10")
    after = marsad.extract(text, published="2025-02-01")
    assert {e.actor1 for e in before.events} == {"syria_government_assad"}
    assert {e.actor1 for e in after.events} == {"syria_government_transitional"}


def test_list_expansion_one_event_per_place():
    text = "وسيطرت هيئة تحرير الشام على قرى كفرنبودة والهبيط وعابدين في ريف إدلب الجنوبي."
    res = marsad.extract(text, published="2019-05-20")
    places = [e.place.surface for e in res.events if e.type == "non_state_actor_overtakes_territory"]
    assert len(places) == 3
    assert all(e.actor1 == "hts" for e in res.events)


def test_siege_broken_for_each_listed_site():
    text = "وتمكنت قوات النظام من فك الحصار عن مطار كويرس العسكري ومطار دير الزور العسكري، بعد سنوات من الحصار."
    res = marsad.extract(text, published="2017-09-10")
    broken = {s.place.surface for s in res.sieges if s.status == "broken"}
    assert broken == {"مطار كويرس العسكري", "ومطار دير الزور العسكري"}
    assert {e.type for e in res.events} >= {"siege_broken"}


def test_passive_siege_is_ongoing_with_besieger():
    text = "وتعاني بلدتا مضايا وبقين المحاصرتين من قوات النظام من نقص حاد في الغذاء."
    res = marsad.extract(text, published="2016-01-08")
    assert {s.status for s in res.sieges} == {"ongoing"}
    assert {s.besieger for s in res.sieges} == {"syria_government_assad"}
    assert res.events == ()


@pytest.mark.parametrize("text,modality", [
    ("وفي حال سيطرت قوات النظام على مدينة البوكمال فإن الطريق إلى بغداد سيصبح مفتوحاً.", "hypothetical"),
    ("على الفصائل أن تفتح جبهات جديدة وتستعيد السيطرة على بلدة خان شيخون.", "opinion"),
    ("ومن المقرر أن ينسحب مقاتلو المعارضة من حي الوعر الأسبوع المقبل.", "future"),
])
def test_modal_statements_are_never_facts(text, modality):
    res = marsad.extract(text, published="2017-03-01", settings=Settings(include_suppressed=True))
    assert res.events == () and res.control == () and res.quantities == ()
    assert {f.modality for f in res.suppressed} <= {modality}
    if modality != "opinion":  # the opinion's verb has no agent of its own, so nothing is even held back
        assert res.suppressed
    # hidden by default
    plain = marsad.extract(text, published="2017-03-01")
    assert plain.suppressed == () or all(f.modality == modality for f in plain.suppressed)
    assert plain.events == ()


def test_demand_is_coded_other_and_its_content_is_not_an_event():
    text = "وطالبت الولايات المتحدة الفصائل التي تدعمها بالانسحاب إلى الأردن ووقف القتال."
    res = marsad.extract(text, published="2017-07-01", settings=Settings(include_suppressed=True))
    assert [(e.type, e.actor1) for e in res.events] == [("other", "united_states")]
    assert not any(e.type == "withdrawal" for e in res.events)
    assert any(getattr(f, "type", None) == "withdrawal" and f.modality == "demand" for f in res.suppressed)


def test_share_of_territory_with_baseline():
    text = "وباتت قوات النظام تسيطر على نحو 58% من مساحة سوريا، مقارنة بـ 22% فقط قبل التدخل الروسي."
    res = marsad.extract(text, published="2018-06-01")
    shares = sorted((q.value, q.subject) for q in res.quantities if q.metric == "share_of_territory")
    assert shares == [(22.0, "syria_government_assad"), (58.0, "syria_government_assad")]
    assert res.events == ()  # a share is not a capture
    q22 = next(q for q in res.quantities if q.value == 22.0)
    assert q22.baseline and "التدخل" in q22.baseline


def test_control_transition_from_previous_holder():
    text = "كانت مدينة منبج تحت سيطرة تنظيم داعش واليوم باتت تحت سيطرة قوات سوريا الديمقراطية."
    res = marsad.extract(text, published="2016-09-01")
    assert [(c.controller, c.previous) for c in res.control] == [("sdf", "islamic_state")]


def test_seed_style_demo_analysis():
    """The bundled late-2017 analysis: shares 46 and 19, hypothetical and call to action produce nothing."""
    raw = resources.files("marsad.data").joinpath("demo/demo-01.json").read_text(encoding="utf-8")
    art = json.loads(raw)
    res = marsad.extract(art["text"], published=art["published"], settings=Settings(include_suppressed=True))
    shares = {q.value for q in res.quantities if q.metric == "share_of_territory"}
    assert {46.0, 19.0} <= shares
    broken = {s.place.place_id for s in res.sieges if s.status == "broken"}
    assert len(broken) >= 2
    assert any(f.modality == "hypothetical" for f in res.suppressed)
    for e in res.events:  # nothing from the hypothetical corridor or the closing call
        assert "طهران" not in e.provenance.span.text(art["text"])
        assert "جبهات جديدة" not in e.provenance.span.text(art["text"])


def test_siege_ended_by_a_deal_is_imposed_then_lifted():
    text = ("دخلت قوافل المساعدات إلى حيي الوعر والإنشاءات. وأنهى الاتفاق حصاراً خانقاً فرضته قوات النظام "
            "على الحيين منذ ثلاث سنوات.")
    res = marsad.extract(text, published="2017-05-20")
    statuses = sorted((s.place.surface, s.status) for s in res.sieges)
    assert ("حيي الوعر", "imposed") in statuses and ("حيي الوعر", "lifted_by_deal") in statuses
    assert {s.besieger for s in res.sieges if s.status == "imposed"} == {"syria_government_assad"}


def test_a_denial_is_not_a_fact():
    stated = "وأعلنت قوات سوريا الديمقراطية انسحاب مقاتليها من مدينة عين عيسى."
    denied = "ونفت قوات سوريا الديمقراطية انسحاب مقاتليها من مدينة عين عيسى."
    assert [e.type for e in marsad.extract(stated, published="2019-11-02").events] == ["withdrawal"]
    res = marsad.extract(denied, published="2019-11-02", settings=Settings(include_suppressed=True))
    assert res.events == ()
    assert {(f.type, f.modality) for f in res.suppressed} == {("withdrawal", "negated")}


def test_protest_story_is_one_protest_and_a_declined_dispersal_is_nothing():
    text = ("خرج المئات من أهالي مدينة جاسم في مظاهرة ضد الحكومة. وردد المتظاهرون هتافات تدعو إلى إطلاق المعتقلين. "
            "ولم تتدخل قوات النظام لتفريق المظاهرة. وتعد هذه المظاهرة الأكبر منذ أشهر.")
    res = marsad.extract(text, published="2021-03-15")
    assert [(e.type, e.place.surface if e.place else None) for e in res.events
            if "protest" in e.type] == [("peaceful_protest", "مدينة جاسم")]


def test_actors_named_only_in_a_hypothetical_or_as_a_source_do_not_take_part():
    text = ("سيطرت قوات النظام على بلدة صوران بحسب الأمم المتحدة، وفي حال تقدمت أكثر فإن إيران ستفتح طريقاً "
            "جديداً.")
    res = marsad.extract(text, published="2019-05-01")
    assert "syria_government_assad" in res.actor_ids
    assert "iran" not in res.actor_ids and "un" not in res.actor_ids


def test_the_word_index_never_skips_a_rule_that_matches():
    """The prefilter (first letters, longer literal heads, per-token memo) only saves regex attempts: every
    rule that matches at a word start of our own fixtures and demo texts is among that word's candidates,
    and ``scan`` finds exactly what trying every rule at every word finds."""
    import re
    from pathlib import Path

    from marsad.events.lexicon import ModalityLexicon, TriggerLexicon
    from marsad.events.prefilter import words_of
    from marsad.normalize import fold

    paths = sorted(Path(__file__).parent.joinpath("fixtures", "gold").glob("*.json"))
    paths += sorted(Path(str(resources.files("marsad.data").joinpath("demo"))).glob("*.json"))
    texts = [fold(json.loads(p.read_text(encoding="utf-8"))["text"]).text for p in paths]
    assert len(texts) > 20
    for lexicon in (TriggerLexicon.load(), ModalityLexicon.load()):
        index = lexicon.index
        for text in texts:
            starts = {start: rules for start, rules in index.hits(words_of(text))}
            for m in re.finditer(r"\w+", text):
                for i, pat in enumerate(index.patterns):
                    if pat.match(text, m.start()):
                        assert i in starts.get(m.start(), ()), (pat.pattern[:60], text[m.start():m.start() + 30])
