"""Area shares on a small synthetic map (two square governorates, eight settlements, 800 km²)."""

from __future__ import annotations

import pytest

from control_fakes import DocBuilder, control, d, event, fake_geo, gov, region, square, town
from marsad.control.area import build_area_model
from marsad.control.baseline import Baseline, BaselineRow
from marsad.control.blocs import load_blocs
from marsad.control.records import Unit
from marsad.control.shares import build_share_index
from marsad.control.timeline import timeline_from_source
from marsad.errors import DataFileError

GOV, IS, SDF, MIL, OPP = "syria_government_assad", "islamic_state", "sdf", "pro_assad_militias", "syrian_opposition"


def A(n, x, y):
    return town(n, n, gov="Aleppo" if n[0] == "A" else "Raqqa", lat=y, lon=x)


@pytest.fixture(scope="module")
def model():
    return build_area_model(fake_geo(), populated_km=3, km_per_degree=10, planar=True)


def shares_for(source, model, day, **kw):
    tl = timeline_from_source(source)
    index = build_share_index(tl, model, geo=fake_geo())
    return index.shares(d(day), blocs=kw.pop("blocs", load_blocs()), **kw)


def test_area_model_tiles_the_country(model):
    assert len(model.atoms) == 8
    assert model.total_km2 == pytest.approx(800.0)
    assert model.outline_km2 == pytest.approx(800.0)
    assert all(model.atom_home)
    # populated: a 3 km disc (0.3 degree radius here) around each seed, fully inside its cell
    assert model.populated_total_km2 == pytest.approx(8 * 3.14159 * 0.09 * 100, rel=0.01)


def test_share_on_a_small_synthetic_map(model):
    src = (DocBuilder()
           .add("a", published="2017-01-01", control=(control(gov("Raqqa"), IS, "2016-01-01"),
                                                      control(region("Aleppo", "countryside:east"), SDF, "2016-06-01")))
           .add("b", published="2017-01-03", events=(
               event("government_regains_territory", GOV, A("A1", 0.5, 0.5), "2017-01-03", actor2=IS),
               event("government_regains_territory", MIL, A("A3", 0.5, 1.5), "2017-01-03", actor2=IS)))
           .add("c", published="2017-06-01", events=(
               event("non_state_actor_overtakes_territory", SDF, A("R1", 2.5, 0.5), "2017-06-01", actor2=IS),))
           .source())
    res = shares_for(src, model, "2017-02-01")
    by_bloc = {r.bloc: r.percent for r in res.rows}
    assert by_bloc == pytest.approx({"islamic_state": 50.0, "sdf": 25.0, "government": 25.0, "unknown": 0.0})
    assert sum(r.percent for r in res.rows) == pytest.approx(100.0)
    assert res.percent_of((GOV,)) == pytest.approx(12.5)
    assert res.sources == 2 and res.intervals == 4
    # later: the SDF takes R1 from IS
    later = shares_for(src, model, "2017-07-01")
    assert {r.bloc: r.percent for r in later.rows}["sdf"] == pytest.approx(37.5)
    # before anything is known, everything is unknown
    early = shares_for(src, model, "2015-01-01")
    assert [(r.bloc, r.percent) for r in early.rows] == [("unknown", pytest.approx(100.0))]
    text = res.to_text()
    assert "denominator" in text and "unknown / unattributed" in text and "reconciliation" in text
    assert "government = syria_government_assad + pro_assad_militias" in text


def test_precedence_recent_versus_finest(model):
    src = (DocBuilder()
           .add("a", published="2016-01-01", control=(control(A("A1", 0.5, 0.5), OPP, "2016-01-01"),))
           .add("b", published="2017-01-01", control=(control(gov("Aleppo"), GOV, "2017-01-01"),))
           .source())
    recent = shares_for(src, model, "2017-02-01")
    finest = shares_for(src, model, "2017-02-01", precedence="finest")
    assert recent.percent_of((GOV,)) == pytest.approx(50.0)
    assert finest.percent_of((GOV,)) == pytest.approx(37.5) and finest.percent_of((OPP,)) == pytest.approx(12.5)
    assert "most recently" in recent.method.precedence and "finest unit wins" in finest.method.precedence


def test_recent_precedence_uses_the_latest_confirming_report(model):
    a1 = A("A1", 0.5, 0.5)
    src = (DocBuilder()
           .add("a", published="2013-01-01", control=(control(a1, OPP, "2013-01-01"),))
           .add("b", published="2017-01-01", control=(control(gov("Aleppo"), GOV, "2017-01-01"),))
           .add("c", published="2018-01-01", control=(control(a1, OPP, "2018-01-01"),))
           .source())
    assert shares_for(src, model, "2017-06-01").percent_of((OPP,)) == pytest.approx(0.0)
    assert shares_for(src, model, "2018-06-01").percent_of((OPP,)) == pytest.approx(12.5)
    assert shares_for(src, model, "2018-06-01").percent_of((GOV,)) == pytest.approx(37.5)


def test_populated_metric_and_unknown_share(model):
    src = DocBuilder().add("a", published="2017-01-01", control=(control(A("A1", 0.5, 0.5), GOV, "2017-01-01"),)
                           ).source()
    total = shares_for(src, model, "2017-02-01")
    populated = shares_for(src, model, "2017-02-01", metric="populated")
    assert total.unknown_percent == pytest.approx(87.5)
    assert populated.unknown_percent == pytest.approx(87.5)
    assert populated.denominator_km2 < total.denominator_km2
    assert "within 3 km" in populated.method.denominator


def test_bloc_file_overrides_defaults(model, tmp_path):
    f = tmp_path / "blocs.tsv"
    f.write_text("# source: test\n# licence: CC0-1.0\n# version: 1\nbloc\tlabel\tmembers\n"
                 "regime_only\tRegime alone\tsyria_government_assad\n", encoding="utf-8")
    blocs = load_blocs(f)
    assert blocs.bloc_of(GOV) == "regime_only"
    assert blocs.bloc_of(MIL) == "government"  # still in the bundled bloc, without the regime
    assert GOV not in blocs.members("government")
    assert "overridden by" in blocs.source
    bad = tmp_path / "bad.tsv"
    bad.write_text("# source: t\n# licence: x\n# version: 1\nbloc\tlabel\tmembers\nx\tX\tsdf\ny\tY\tsdf\n",
                   encoding="utf-8")
    with pytest.raises(DataFileError):
        load_blocs(bad)


def test_baseline_polygon_and_unlocated_units(model):
    base = Baseline("mine", (BaselineRow(Unit("poly:mine:1", "polygon", "east strip"), SDF, d("2017-01-01"), 1,
                                         "my map"),), {"poly:mine:1": square(3, 0, 4, 2)})
    lost = town("zz", "Lost", gov="Aleppo", lat=None, lon=None)
    src = DocBuilder().add("a", published="2017-01-01", control=(control(lost, GOV, "2017-01-01"),)).source()
    tl = timeline_from_source(src, baseline=base.observations())
    index = build_share_index(tl, model, geo=fake_geo(), polygons=base.polygons)
    res = index.shares(d("2017-02-01"), blocs=load_blocs())
    assert res.percent_of((SDF,)) == pytest.approx(25.0)
    assert index.units_unlocated == ("place:zz",)
    assert res.method.units_unlocated == ("place:zz",)


def test_shares_always_sum_to_100_percent(model):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    actors = st.sampled_from([GOV, IS, SDF, MIL, OPP])
    names = {"A1": (0.5, 0.5), "A2": (1.5, 0.5), "R3": (2.5, 1.5), "R4": (3.5, 1.5)}
    units = st.sampled_from(["A1", "A2", "R3", "R4", "gov:Aleppo", "gov:Raqqa", "rel:Raqqa"])
    days = st.dates(min_value=d("2012-01-01"), max_value=d("2020-12-31"))
    facts = st.lists(st.tuples(units, actors, days), min_size=1, max_size=25)

    def place(u):
        if u.startswith("gov:"):
            return gov(u[4:])
        if u.startswith("rel:"):
            return region("Raqqa", "countryside:west")
        return A(u, *names[u])

    @hypothesis.settings(max_examples=40, deadline=None)
    @hypothesis.given(facts, days, st.sampled_from(["total", "populated"]))
    def check(rows, day, metric):
        src = DocBuilder().add("h", published="2021-01-01", control=tuple(
            control(place(u), a, day_.isoformat()) for u, a, day_ in rows)).source()
        res = shares_for(src, model, day.isoformat(), metric=metric)
        assert sum(r.percent for r in res.rows) == pytest.approx(100.0)
        assert sum(r.percent for r in res.actors) == pytest.approx(100.0)
        assert all(r.percent >= 0 for r in res.rows)

    check()
