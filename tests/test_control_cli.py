"""The control commands end to end over a real SQLite store (synthetic map injected), and the real boundaries."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest

from control_fakes import FakeGeo, control, event, fake_geo, gov, share, siege, town
from marsad.cli.main import main
from marsad.control.sites import Site
from marsad.model import Document, ExtractionResult

GOV, IS, SDF = "syria_government_assad", "islamic_state", "sdf"


@dataclass(frozen=True)
class CliGeo(FakeGeo):
    def sites(self):
        return (Site("f1", "Omar oil field", "oil_gas_field", "Raqqa", lat=0.6, lon=3.6),)

    def resolve(self, name):
        return town("A2", "A2", lat=0.5, lon=1.5) if name == "A2" else None

    def fingerprint(self):
        return "fake-1"


def _result(doc_id, published, *, text="نص", **facts):
    doc = Document(doc_id, text, outlet=f"outlet-{doc_id}",
                   published=dt.date.fromisoformat(published) if published else None)
    return ExtractionResult(document=doc, **facts)


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    from marsad.store import open_store

    url = str(tmp_path / "obs.db")
    monkeypatch.setenv("MARSAD_CONTROL_DIR", str(tmp_path / "control"))
    geo = CliGeo(fake_geo().settlements_)
    monkeypatch.setattr("marsad.control.geo_context.GazetteerGeo", lambda *a, **k: geo)
    a1 = town("A1", "A1", lat=0.5, lon=0.5)
    field = town("f1", "Omar oil field", gov="Raqqa", lat=0.6, lon=3.6, kind="oil_gas_field")
    with open_store(url) as st:
        st.add(_result("r1", "2017-10-02", text="النص الأول", control=(
            control(gov("Raqqa"), IS, "2017-10-01", doc="r1"), control(a1, GOV, "2017-10-01", doc="r1"))))
        st.add(_result("r2", "2017-10-25", text="النص الثاني", events=(
            event("non_state_actor_overtakes_territory", SDF, field, "2017-10-22", actor2=IS, doc="r2"),
            event("agreement", GOV, a1, "2017-10-20", actor2="syrian_opposition", doc="r2")),
            sieges=(siege(a1, "ongoing", besieger=IS, besieged=GOV, doc="r2"),)))
        st.add(_result("r3", "2017-11-01", text="تحليل", quantities=(share(GOV, 46, doc="r3"),)))
    return url


def test_control_share_text_and_json(store_url, capsys):
    assert main(["control", "share", "--db", store_url, "--date", "2017-11-01"]) == 0
    out = capsys.readouterr().out
    assert "50.00%" in out and "Islamic State" in out and "unknown / unattributed" in out
    assert "denominator" in out and "reconciliation" in out
    assert main(["control", "share", "--db", store_url, "--date", "2017-11-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(r["percent"] for r in data["rows"]) == pytest.approx(100.0)
    assert data["method"]["rule"].startswith("conflicting same-day reports")
    assert data["method"]["facts"]["facts_used"] == 3  # two control facts and one capture
    assert main(["control", "share", "--db", store_url, "--date", "not-a-date"]) == 2


def test_control_map_and_timeline(store_url, tmp_path, capsys):
    png = tmp_path / "m.png"
    assert main(["control", "map", "--db", store_url, "--date", "2017-11-01", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    gj = tmp_path / "m.geojson"
    assert main(["control", "map", "--db", store_url, "--date", "2017-11-01", "-o", str(gj)]) == 0
    assert {f["properties"]["bloc"] for f in json.loads(gj.read_text())["features"]} >= {"islamic_state"}
    capsys.readouterr()
    assert main(["control", "timeline", "--db", store_url, "--unit", "gov:Raqqa", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [iv["actor"] for iv in data["intervals"]] == [IS]


def test_claims_sieges_sites_agreements(store_url, capsys):
    assert main(["claims", "check", "--db", store_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (check,) = data["checks"]
    assert check["claimed"] == 46 and check["computed"] == pytest.approx(12.5)
    assert check["explanations"][0].startswith("missing coverage")
    assert main(["sieges", "--db", store_url, "--date", "2017-10-26"]) == 0
    assert "A1: islamic_state besieging syria_government_assad" in capsys.readouterr().out
    assert main(["sites", "--db", store_url, "--date", "2017-11-01", "--json"]) == 0
    (site,) = json.loads(capsys.readouterr().out)["sites"]
    assert site["controller"] == SDF and site["basis"] == "direct"
    assert main(["agreements", "--db", store_url, "--json"]) == 0
    (deal,) = json.loads(capsys.readouterr().out)["agreements"]
    assert deal["parties"] == [GOV, "syrian_opposition"] and deal["date"] == "2017-10-20"


def test_baseline_import_changes_the_share(store_url, tmp_path, capsys):
    csv = tmp_path / "mine.csv"
    csv.write_text("place,controller,date\nA2,syria_government_assad,2017-01-01\nAtlantis,sdf,2017-01-01\n",
                   encoding="utf-8")
    assert main(["control", "baseline", "import", str(csv), "--db", store_url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 1 and len(summary["skipped"]) == 1
    assert main(["control", "share", "--db", store_url, "--date", "2017-11-01", "--by-actor"]) == 0
    out = capsys.readouterr().out
    assert "25.00%" in out and "baselines: mine" in out


def test_bare_group_commands_print_help(capsys):
    assert main(["control"]) == 2
    assert "share" in capsys.readouterr().out
    assert main(["claims"]) == 2
    assert "check" in capsys.readouterr().out


def test_rule_options_are_validated(store_url):
    assert main(["control", "share", "--db", store_url, "--date", "2017-11-01", "--rule", "source_weights"]) == 2
    assert main(["control", "share", "--db", store_url, "--date", "2017-11-01", "--clash-days", "-1"]) == 2


def test_real_boundaries_share_of_a_governorate():
    pytest.importorskip("marsad.geo.boundaries")
    from control_fakes import DocBuilder, region
    from marsad.control.area import build_area_model
    from marsad.control.blocs import load_blocs
    from marsad.control.geo_context import GazetteerGeo
    from marsad.control.shares import build_share_index
    from marsad.control.timeline import timeline_from_source
    from marsad.geo import boundaries

    geo = GazetteerGeo()
    model = build_area_model(geo)
    assert model.total_km2 == pytest.approx(model.outline_km2, rel=1e-3)
    assert 180_000 < model.total_km2 < 190_000
    src = DocBuilder().add("a", published="2017-11-01", control=(
        control(gov("Homs"), GOV, "2017-11-01"), control(region("Aleppo", "countryside:east"), IS, "2017-11-01"))
    ).source()
    index = build_share_index(timeline_from_source(src), model, geo=geo)
    res = index.shares(dt.date(2017, 11, 2), blocs=load_blocs())
    homs = boundaries.area_km2(boundaries.governorates()["Homs"]) / model.total_km2 * 100
    assert res.percent_of((GOV,)) == pytest.approx(homs, abs=0.5)
    assert 0 < res.percent_of((IS,)) < 100 * 18_500 / model.total_km2
    assert sum(r.percent for r in res.rows) == pytest.approx(100.0)
