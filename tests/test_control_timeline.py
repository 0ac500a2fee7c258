"""Control timeline: capture, recapture, clashes, conflicting reports, handovers and baselines."""

from __future__ import annotations

import pytest

from control_fakes import DocBuilder, control, d, event, gov, region, town
from marsad.control.baseline import parse_baseline
from marsad.control.records import ReconcileRule
from marsad.control.timeline import build_timeline, parse_day, timeline_from_source
from marsad.control.units import canonical_governorate, unit_of

GOV, IS, OPP, SDF = "syria_government_assad", "islamic_state", "syrian_opposition", "sdf"
PALMYRA = town("p1", "Palmyra", gov="Homs", lat=34.55, lon=38.27, kind="city")


def holders(tl, unit_id):
    return [(iv.actor, iv.valid_from.isoformat(), iv.valid_to.isoformat() if iv.valid_to else None)
            for iv in tl.for_unit(unit_id)]


def test_capture_then_recapture_gives_consecutive_intervals():
    src = (DocBuilder()
           .add("a", outlet="o1", published="2015-05-22",
                events=(event("non_state_actor_overtakes_territory", IS, PALMYRA, "2015-05-21", actor2=GOV),))
           .add("b", outlet="o2", published="2016-03-28",
                events=(event("government_regains_territory", GOV, PALMYRA, "2016-03-27", actor2=IS),))
           .add("c", outlet="o1", published="2016-12-12",
                events=(event("non_state_actor_overtakes_territory", IS, PALMYRA, "2016-12-11", actor2=GOV),))
           .source())
    tl = timeline_from_source(src)
    assert holders(tl, "place:p1") == [
        (IS, "2015-05-21", "2016-03-27"), (GOV, "2016-03-27", "2016-12-11"), (IS, "2016-12-11", None)]
    assert tl.at("place:p1", d("2016-06-01")).actor == GOV
    assert tl.at("place:p1", d("2015-01-01")) is None
    assert [iv.valid_from for iv in tl.for_actor(IS)] == [d("2015-05-21"), d("2016-12-11")]
    first = tl.for_unit("place:p1")[0]
    assert first.sources == 1 and first.supporting[0].doc_id == "a" and first.supporting[0].kind.startswith("non_")


def test_exchange_within_a_day_is_a_clash_and_the_final_capture_counts():
    src = (DocBuilder()
           .add("a", published="2016-01-01", control=(control(PALMYRA, GOV, "2016-01-01"),))
           .add("b", published="2016-02-10",
                events=(event("non_state_actor_overtakes_territory", IS, PALMYRA, "2016-02-10", actor2=GOV),
                        event("government_regains_territory", GOV, PALMYRA, "2016-02-11", actor2=IS)))
           .source())
    tl = timeline_from_source(src)
    assert holders(tl, "place:p1") == [(GOV, "2016-01-01", None)]
    assert len(tl.clashes) == 1 and tl.clashes[0].actor == IS
    # with a stricter rule (no clash window) the one-day holding counts
    strict = timeline_from_source(src, rule=ReconcileRule(clash_days=0))
    assert [a for a, _, _ in holders(strict, "place:p1")] == [GOV, IS, GOV]


def _conflicting_source():
    # two outlets say the opposition took the town on 5 March; a later single report says IS held it that day
    return (DocBuilder()
            .add("x1", outlet="alpha", published="2017-03-05",
                 events=(event("non_state_actor_overtakes_territory", OPP, PALMYRA, "2017-03-05", doc="x1"),))
            .add("x2", outlet="beta", published="2017-03-06",
                 events=(event("non_state_actor_overtakes_territory", OPP, PALMYRA, "2017-03-05", doc="x2"),))
            .add("y1", outlet="gamma", published="2017-03-09",
                 control=(control(PALMYRA, IS, "2017-03-05", doc="y1"),))
            .source())


def test_conflicting_reports_are_kept_and_the_rule_decides():
    src = _conflicting_source()
    latest = timeline_from_source(src, rule=ReconcileRule("latest"))
    most = timeline_from_source(src, rule=ReconcileRule("most_sources"))
    weighted = timeline_from_source(src, rule=ReconcileRule("source_weights", weights=(("gamma", 5.0),)))
    assert latest.at("place:p1", d("2017-03-07")).actor == IS
    assert most.at("place:p1", d("2017-03-07")).actor == OPP
    assert weighted.at("place:p1", d("2017-03-07")).actor == IS
    for tl in (latest, most, weighted):
        (conflict,) = tl.conflicts
        assert {c.actor for c in conflict.candidates} == {OPP, IS}
        assert {r.doc_id for c in conflict.candidates for r in c.supporting} == {"x1", "x2", "y1"}
        assert conflict.rule == tl.rule.name
    iv = most.at("place:p1", d("2017-03-07"))
    assert iv.sources == 2 and iv.contested_by == (IS,)
    uncontested = timeline_from_source(DocBuilder().add("x1", outlet="alpha", published="2017-03-05", events=(
        event("non_state_actor_overtakes_territory", OPP, PALMYRA, "2017-03-05", doc="x1"),)).source())
    assert iv.confidence < uncontested.at("place:p1", d("2017-03-07")).confidence
    assert "most distinct sources" in most.rule.describe()


def test_handover_by_agreement_withdrawal_then_transfer():
    daraya = town("q9", "Daraya", gov="Rif Dimashq", lat=33.45, lon=36.24)
    src = (DocBuilder()
           .add("a", published="2016-01-01", control=(control(daraya, OPP, "2016-01-01"),))
           .add("b", published="2016-08-27",
                events=(event("agreement", OPP, daraya, "2016-08-25", actor2=GOV),
                        event("withdrawal", OPP, daraya, "2016-08-26"),
                        event("non_violent_transfer_of_territory", GOV, daraya, "2016-08-27", actor2=OPP)))
           .source())
    tl = timeline_from_source(src)
    assert holders(tl, "place:q9") == [(OPP, "2016-01-01", "2016-08-26"), (GOV, "2016-08-27", None)]
    # a withdrawal with no entry leaves the town with no known holder
    only_out = DocBuilder().add("a", published="2016-01-01", control=(control(daraya, OPP, "2016-01-01"),)).add(
        "b", published="2016-09-01", events=(event("withdrawal", OPP, daraya, "2016-09-01"),)).source()
    tl2 = timeline_from_source(only_out)
    assert holders(tl2, "place:q9") == [(OPP, "2016-01-01", "2016-09-01")]
    assert tl2.at("place:q9", d("2016-10-01")) is None
    # a withdrawal by someone who did not hold the town changes nothing
    other = DocBuilder().add("a", published="2016-01-01", control=(control(daraya, OPP, "2016-01-01"),)).add(
        "b", published="2016-09-01", events=(event("withdrawal", IS, daraya, "2016-09-01"),)).source()
    assert holders(timeline_from_source(other), "place:q9") == [(OPP, "2016-01-01", None)]


def test_undated_facts_use_the_publication_date_or_are_counted():
    src = (DocBuilder()
           .add("a", published="2018-04-14", control=(control(gov("Hama"), GOV, None),))
           .add("b", published=None, control=(control(gov("Idlib"), "hts", None),))
           .source())
    tl = timeline_from_source(src)
    assert tl.at("gov:Hama", d("2018-05-01")).actor == GOV
    assert "gov:Idlib" not in tl.units
    assert tl.stats.undated == 1 and tl.stats.used == 1
    # a default date places the undated document's facts (and only those)
    dated = timeline_from_source(src, default_date=d("2017-11-01"))
    assert dated.at("gov:Idlib", d("2017-11-02")).actor == "hts"
    assert dated.for_unit("gov:Hama")[0].valid_from == d("2018-04-14")
    assert dated.stats.undated == 0


def test_same_day_tie_goes_to_more_sources_then_more_reports():
    one_doc = DocBuilder().add("a", outlet="o", published="2017-11-01", events=(
        event("non_state_actor_overtakes_territory", "ypg", gov("Raqqa"), None, doc="a"),
        event("government_regains_territory", GOV, gov("Raqqa"), None, doc="a")),
        control=(control(gov("Raqqa"), GOV, None, doc="a"),)).source()
    tl = timeline_from_source(one_doc)
    assert tl.at("gov:Raqqa", d("2017-11-02")).actor == GOV
    assert {c.actor for c in tl.conflicts[0].candidates} == {"ypg", GOV}


def test_units_of_places():
    assert unit_of(gov("Deir ez-Zor")).unit_id == "gov:Deir ez-Zor"
    assert unit_of(region("Aleppo", "countryside:east")).unit_id == "rel:Aleppo:countryside:east"
    assert unit_of(PALMYRA).unit_id == "place:p1"
    assert canonical_governorate("Deir al-Zour") == "Deir ez-Zor"
    assert canonical_governorate("Rif Dimashq Governorate") == "Rif Dimashq"
    assert canonical_governorate("Atlantis") is None
    assert parse_day("2017-09") == d("2017-09-01") and parse_day("2017") == d("2017-01-01")
    assert parse_day("soon") is None
    from marsad.model import PlaceMention, Span

    part = PlaceMention(Span(0, 1), "شرق الرقة", name_en="Eastern Raqqa", kind="region", place_id="SY-RA",
                        relation="part:east", governorate=None)
    assert unit_of(part).unit_id == "rel:Raqqa:part:east"
    country_part = PlaceMention(Span(0, 1), "شرق سوريا", kind="region", place_id="SY", relation="part:east")
    assert unit_of(country_part) is None
    assert unit_of(PlaceMention(Span(0, 1), "الحدود", kind="region", relation="border")) is None
    site = PlaceMention(Span(0, 1), "مطار", kind="airbase", place_id="site:t4", lat=34.5, lon=37.6)
    assert unit_of(site).unit_id == "site:t4"
    foreign = PlaceMention(Span(0, 1), "أربيل", kind="city", place_id="gn:1", country="IQ", lat=36.2, lon=44.0)
    assert unit_of(foreign) is None


def test_baseline_is_evolved_by_later_reports():
    csv_text = ("place,controller,date,source\n"
                "Homs,Syrian government (Assad era),2017-01-01,my map\n"
                "Palmyra,islamic_state,2017-01-01,my map\n"
                "Nowhere,islamic_state,2017-01-01,my map\n"
                "Palmyra,martians,2017-01-01,my map\n")
    actors = {"syria_government_assad": GOV, "syrian government (assad era)": GOV, "islamic_state": IS}
    base = parse_baseline(csv_text, name="mine", fmt="csv", actors=actors,
                          resolver=lambda name: PALMYRA if name == "Palmyra" else None)
    assert [r.unit.unit_id for r in base.rows] == ["gov:Homs", "place:p1"]
    assert len(base.skipped) == 2
    later = DocBuilder().add("r", published="2017-03-02", events=(
        event("government_regains_territory", GOV, PALMYRA, "2017-03-02", actor2=IS),)).source()
    tl = timeline_from_source(later, baseline=base.observations())
    assert holders(tl, "place:p1") == [(IS, "2017-01-01", "2017-03-02"), (GOV, "2017-03-02", None)]
    assert tl.for_unit("place:p1")[0].supporting[0].kind == "baseline"
    # a same-day report outranks the baseline without a conflict
    same_day = DocBuilder().add("r", published="2017-01-01", control=(control(PALMYRA, GOV, "2017-01-01"),)).source()
    tl2 = timeline_from_source(same_day, baseline=base.observations())
    assert tl2.at("place:p1", d("2017-01-02")).actor == GOV and not tl2.conflicts
    # round trip through the saved GeoJSON form
    again = type(base).from_geojson(base.to_geojson())
    assert [(r.unit.unit_id, r.controller, r.date) for r in again.rows] == [
        (r.unit.unit_id, r.controller, r.date) for r in base.rows]


def test_baseline_rejects_a_file_with_no_usable_rows():
    from marsad.errors import ConfigError

    with pytest.raises(ConfigError):
        parse_baseline("place,controller,date\nX,nobody,2017\n", name="bad", fmt="csv", actors={},
                       resolver=lambda _n: None)


def test_build_timeline_is_order_independent():
    src = _conflicting_source()
    from marsad.control.timeline import observations_from

    obs = [o for doc in src.documents() for o in observations_from(doc)]
    a = build_timeline(obs)
    b = build_timeline(list(reversed(obs)))
    assert a.intervals == b.intervals
