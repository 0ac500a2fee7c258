"""Quantitative territory claims against computed shares, with the reasons for differences."""

from __future__ import annotations

import datetime as dt

import pytest

from control_fakes import DocBuilder, control, d, fake_geo, gov, share, town
from marsad.control.area import build_area_model
from marsad.control.blocs import load_blocs
from marsad.control.claims import ClaimItem, check_claims, claim_date, claims_from_docs, consistency
from marsad.control.shares import build_share_index
from marsad.control.timeline import timeline_from_source

GOV, MIL, IS, SDF = "syria_government_assad", "pro_assad_militias", "islamic_state", "sdf"


def A(n, x, y):
    return town(n, n, gov="Aleppo" if n[0] == "A" else "Raqqa", lat=y, lon=x)


@pytest.fixture(scope="module")
def model():
    return build_area_model(fake_geo(), populated_km=3, km_per_degree=10, planar=True)


def checker(builder, model):
    src = builder.source()
    index = build_share_index(timeline_from_source(src), model, geo=fake_geo())
    items = claims_from_docs(src.documents(), text_of=src.text)
    return items, (lambda day, metric, blocs: index.shares(day, metric=metric, blocs=blocs))


def _facts():
    # regime holds A1, A2 (25%); allied militias hold A3, A4 (25%); IS holds Raqqa (50%)
    return (control(A("A1", 0.5, 0.5), GOV, "2017-10-01"), control(A("A2", 1.5, 0.5), GOV, "2017-10-01"),
            control(A("A3", 0.5, 1.5), MIL, "2017-10-01"), control(A("A4", 1.5, 1.5), MIL, "2017-10-01"),
            control(gov("Raqqa"), IS, "2017-10-01"))


def test_claim_beside_computed_share_with_bloc_explanation(model):
    b = DocBuilder().add("facts", published="2017-10-02", control=_facts())
    b.add("c1", outlet="Analysis", published="2017-11-01", quantities=(share(GOV, 26, doc="c1"),))
    b.add("c2", outlet="Other", published="2017-11-01", quantities=(share(GOV, 51, doc="c2"),))
    items, shares_at = checker(b, model)
    report = check_claims(items, shares_at, load_blocs())
    one, two = report.checks
    assert one.comparable and one.date == d("2017-11-01") and one.date_basis == "published"
    assert one.computed == pytest.approx(50.0) and one.computed_alone == pytest.approx(25.0)
    assert one.difference == pytest.approx(-24.0)
    assert any(e.startswith("different bloc") for e in one.explanations)
    assert two.difference == pytest.approx(1.0) and two.explanations[0].startswith("agrees within")
    assert "latest report" in one.rule
    assert any(line.startswith("denominator") for line in report.method)


def test_missing_coverage_explains_a_large_claim(model):
    b = DocBuilder().add("facts", published="2017-10-02", control=(control(A("A1", 0.5, 0.5), GOV, "2017-10-01"),))
    b.add("c1", outlet="Analysis", published="2017-11-01", quantities=(share(GOV, 46, doc="c1"),))
    items, shares_at = checker(b, model)
    (check,) = check_claims(items, shares_at, load_blocs()).checks
    assert check.computed == pytest.approx(12.5) and check.unknown_percent == pytest.approx(87.5)
    assert check.explanations[0].startswith("missing coverage: 87.5% of Syria has no known holder")
    assert "at most 100.0%" in check.explanations[0]


def test_claim_dates_from_reference_events_and_fallback():
    base = share(GOV, 19, baseline="قبل التدخل الروسي", doc="x")
    item = ClaimItem(claims_from_docs(DocBuilder().add("x", quantities=(base,)).source().documents())[0].claim)
    day, basis = claim_date(item)
    assert day == dt.date(2015, 9, 29) and "before the Russian intervention" in basis
    undated = ClaimItem(item.claim.__class__(**{**item.claim.to_dict(), "baseline": None,
                                              "provenance": item.claim.provenance}))
    assert claim_date(undated) == (None, "none")
    assert claim_date(undated, fallback=d("2017-11-01"))[0] == d("2017-11-01")
    as_of = share(GOV, 30, as_of="2016-05", doc="x")
    (it,) = claims_from_docs(DocBuilder().add("x", published="2017-01-01", quantities=(as_of,)).source().documents())
    assert claim_date(it) == (d("2016-05-01"), "as_of")


def test_undated_and_change_claims_are_not_compared(model):
    b = DocBuilder().add("c1", quantities=(share(GOV, 46, doc="c1"), share(GOV, 0.94, is_change=True, doc="c1")))
    items, shares_at = checker(b, model)
    level, change = check_claims(items, shares_at, load_blocs()).checks
    assert not level.comparable and level.explanations[0].startswith("no date")
    assert not change.comparable and "percentage points" in change.explanations[0]
    with_fallback = check_claims(items, shares_at, load_blocs(), fallback=d("2017-11-01")).checks[0]
    assert with_fallback.comparable and with_fallback.date_basis.startswith("fallback")


def test_denominator_explanations(model):
    b = DocBuilder().add("facts", published="2017-10-02", control=_facts())
    b.add("c1", outlet="A", published="2017-11-01", quantities=(
        share(GOV, 60, doc="c1", scope="Aleppo Governorate"),))
    b.add("c2", outlet="B", published="2017-11-01", quantities=(
        share(GOV, 50, doc="c2"), share(GOV, 500, doc="c2", metric="area_km2", unit="km2")))
    items, shares_at = checker(b, model)
    checks = check_claims(items, shares_at, load_blocs()).checks
    assert any("claim's scope is 'Aleppo Governorate'" in e for e in checks[0].explanations)
    # 500 km² = 50% implies a country of 1,000 km²; ours is 800
    assert any("imply 1,000 km²" in e for e in checks[1].explanations)
    area = checks[2]
    assert area.claim.metric == "area_km2" and area.computed == pytest.approx(400.0)


def test_internal_consistency_sum_and_headline():
    text = "العنوان: النظام يسيطر على 70% من البلاد\nنص التقرير يقول إن النظام يسيطر على 62.2% والتنظيم على 45%."
    head = share(GOV, 70, doc="h", start=20)
    body = share(GOV, 62.2, doc="h", start=70)
    other = share(IS, 45, doc="h", start=90)
    src = DocBuilder().add("h", published="2019-01-01", quantities=(head, body, other), text=text).source()
    items = claims_from_docs(src.documents(), text_of=src.text)
    assert [it.headline for it in items] == [True, False, False]
    kinds = {i.kind for i in consistency(items)}
    assert kinds == {"sum_over_100", "headline_contradicts_body"}
    rounded = share(GOV, 62, doc="h", start=20)
    src2 = DocBuilder().add("h", published="2019-01-01", quantities=(rounded, body), text=text).source()
    assert consistency(claims_from_docs(src2.documents(), text_of=src2.text)) == ()


def test_restated_figure_counts_once():
    src = DocBuilder().add("r", published="2019-01-01", quantities=(share(GOV, 60, doc="r"), share(GOV, 60, doc="r"))
                           ).source()
    assert len(claims_from_docs(src.documents())) == 1


def test_coarse_governorate_facts_explain_a_smaller_claim(model):
    b = DocBuilder().add("facts", published="2017-10-02", control=(control(gov("Aleppo"), GOV, "2017-10-01"),))
    b.add("c1", outlet="A", published="2017-11-01", quantities=(share(GOV, 30, doc="c1"),))
    items, shares_at = checker(b, model)
    (check,) = check_claims(items, shares_at, load_blocs()).checks
    assert check.computed == pytest.approx(50.0)
    assert any(e.startswith("coarse attribution: 50.0%") for e in check.explanations)
    assert not any(e.startswith("unexplained") for e in check.explanations)
