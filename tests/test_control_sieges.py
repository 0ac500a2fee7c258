"""Siege lifecycles and agreements with their breaches."""

from __future__ import annotations

import datetime as dt

from control_fakes import DocBuilder, d, event, gov, prov, siege, town
from marsad.control.agreements import build_agreements, load_terms
from marsad.control.sieges import active_on, build_sieges
from marsad.model import Event, PlaceMention, Quantity, Span

GOV, IS, OPP = "syria_government_assad", "islamic_state", "syrian_opposition"
AIRPORT = town("ab1", "Kuweires Airbase", gov="Aleppo", lat=36.19, lon=37.58, kind="airbase")
MADAYA = town("m1", "Madaya", gov="Rif Dimashq", lat=33.69, lon=36.10)


def test_siege_imposed_ongoing_then_broken():
    src = (DocBuilder()
           .add("a", published="2014-03-01", sieges=(siege(AIRPORT, "ongoing", besieger=IS, besieged=GOV,
                                                           since="2013"),))
           .add("b", published="2015-11-10", sieges=(siege(AIRPORT, "broken", besieger=IS, besieged=GOV,
                                                           until="2015-11-10"),))
           .add("c", published="2015-11-11", events=(event("siege_broken", GOV, AIRPORT, "2015-11-10",
                                                           actor2=IS),))
           .source())
    (s,) = build_sieges(src.documents())
    assert (s.besieger, s.besieged, s.since, s.until, s.end) == (IS, GOV, d("2013-01-01"), d("2015-11-10"), "broken")
    assert s.sources == 3 and s.status == "broken"
    assert s.status_on(d("2014-06-01")) == "ongoing"
    assert s.status_on(d("2016-01-01")) is None
    assert active_on([s], d("2015-11-09")) == (s,)
    assert active_on([s], d("2015-11-10")) == ()


def test_siege_lifted_by_deal_with_population_and_a_new_siege_after():
    pop = Quantity("besieged_civilians", 40000, prov("a"), subject="civilians", scope_place=MADAYA)
    src = (DocBuilder()
           .add("a", published="2016-01-08", sieges=(siege(MADAYA, "ongoing", besieger=GOV, besieged=OPP),),
                quantities=(pop,))
           .add("b", published="2017-04-14", sieges=(siege(MADAYA, "lifted_by_deal", besieger=GOV, besieged=OPP),))
           .add("c", published="2018-02-01", events=(event("siege_imposed", GOV, MADAYA, "2018-01-20",
                                                           actor2=OPP),))
           .source())
    first, second = build_sieges(src.documents())
    assert first.end == "lifted_by_deal" and first.until == d("2017-04-14") and first.population == 40000
    assert first.since is None and first.first_reported == d("2016-01-08")
    assert first.status_on(d("2016-06-01")) == "ongoing"
    assert second.since == d("2018-01-20") and second.until is None and second.status == "ongoing"
    assert second.status_on(d("2018-01-20")) == "imposed"


def test_capture_by_the_besieger_ends_a_siege_without_being_a_siege():
    src = (DocBuilder()
           .add("a", published="2016-07-01", sieges=(siege(MADAYA, "imposed", besieger=GOV, besieged=OPP,
                                                           since="2016-07-01"),))
           .add("b", published="2016-12-01", events=(event("government_regains_territory", GOV, MADAYA,
                                                           "2016-12-01", actor2=OPP),))
           .add("c", published="2016-12-02", events=(event("government_regains_territory", GOV, AIRPORT,
                                                           "2016-12-02", actor2=OPP),))
           .source())
    sieges = build_sieges(src.documents())
    assert len(sieges) == 1
    assert sieges[0].end == "captured" and sieges[0].until == d("2016-12-01")


def _sentence_event(type_, a1, place, date, text, start, *, a2=None, doc="n1"):
    from marsad.model import Provenance

    end = start + len(text)
    return Event(type_, a1, Provenance(doc, Span(start, end), Span(start, end), "t", 0.8), actor2=a2, place=place,
                 date=date)


def test_agreements_kinds_parties_and_breaches():
    # invented text: a truce in Madaya, then a shelling reported as a breach of the truce, and one unrelated
    s1 = "أعلن الطرفان هدنة في مضايا لمدة أسبوع."
    s2 = " وقصفت قوات النظام البلدة في خرق للهدنة."
    s3 = " وقصفت الطائرات مدينة أخرى في خرق واضح."
    text = s1 + s2 + s3
    truce = _sentence_event("agreement", GOV, MADAYA, "2016-02-01", s1, 0, a2=OPP)
    breach = _sentence_event("shelling_artillery_missile", GOV, MADAYA, "2016-02-03", s2, len(s1))
    other = _sentence_event("air_drone_strike", GOV, town("x", "Elsewhere", gov="Idlib"), "2016-02-03", s3,
                            len(s1) + len(s2))
    before = _sentence_event("shelling_artillery_missile", GOV, MADAYA, "2016-01-20", s2, len(s1), doc="n0")
    evac_s = "بدأ إجلاء المقاتلين من البلدة."
    evac = _sentence_event("evacuation", OPP, MADAYA, "2017-04-14", evac_s, 0, a2=GOV, doc="n2")
    src = (DocBuilder()
           .add("n1", outlet="o", published="2016-02-03", events=(truce, breach, other), text=text)
           .add("n0", outlet="o", published="2016-01-20", events=(before,), text=text)
           .add("n2", outlet="o", published="2017-04-14", events=(evac,), text=evac_s)
           .source())
    deals = build_agreements(src.documents(), text_of=src.text)
    assert [(a.kind, a.parties, a.date) for a in deals] == [
        ("ceasefire", (GOV, OPP), d("2016-02-01")), ("evacuation", (GOV, OPP), d("2017-04-14"))]
    truce_rec = deals[0]
    assert truce_rec.terms == s1 and truce_rec.places == ("Madaya",)
    assert [(v.type, v.date) for v in truce_rec.violations] == [("shelling_artillery_missile", d("2016-02-03"))]
    assert deals[1].violations == ()


def test_agreement_terms_data_file():
    terms = load_terms()
    assert terms.classify("اتفاق خفض التصعيد في الجنوب")[0] == "de_escalation"
    assert terms.classify("اتفاق تسويه في درعا")[0] == "reconciliation"
    assert terms.classify("وقف اطلاق النار")[0] == "ceasefire"
    assert terms.classify("لقاء")[0] == "other"
    assert terms.is_violation("رغم الخروقات المتكرره") and not terms.is_violation("اتفاق")


def test_agreement_without_place_links_breaches_by_party():
    s1 = "توصلت روسيا وتركيا إلى وقف لإطلاق النار."
    s2 = " وسجلت خروقات من قبل قوات النظام."
    deal = _sentence_event("agreement", "russia", None, "2020-03-05", s1, 0, a2="turkey")
    breach = _sentence_event("shelling_artillery_missile", "russia", gov("Idlib"), "2020-03-07", s2, len(s1))
    src = DocBuilder().add("n1", published="2020-03-07", events=(deal, breach), text=s1 + s2).source()
    (a,) = build_agreements(src.documents(), text_of=src.text)
    assert a.places == () and len(a.violations) == 1
    assert a.date == dt.date(2020, 3, 5)
    unused = PlaceMention(Span(0, 1), "x")
    assert unused.key.startswith("unresolved:")
