"""Resource sites over time, maps, and the cached service."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from control_fakes import DocBuilder, control, d, event, fake_geo, gov, town
from marsad.control.area import build_area_model
from marsad.control.blocs import load_blocs
from marsad.control.mapping import to_geojson, write_map
from marsad.control.service import ControlService, ControlSettings
from marsad.control.shares import build_share_index
from marsad.control.sites import Site, site_kind, site_statuses, sites_from_places
from marsad.control.timeline import timeline_from_source
from marsad.errors import ConfigError

GOV, IS, SDF = "syria_government_assad", "islamic_state", "sdf"
FIELD = Site("f1", "Omar oil field", "oil_gas_field", "Raqqa", lat=0.6, lon=3.6)
DAM = Site("dm", "Tishrin Dam", "dam", "Aleppo", lat=1.6, lon=0.6)


def field_mention():
    return town("f1", "Omar oil field", gov="Raqqa", lat=0.6, lon=3.6, kind="oil_gas_field")


def _source():
    return (DocBuilder()
            .add("a", published="2014-07-04", events=(
                event("non_state_actor_overtakes_territory", IS, field_mention(), "2014-07-03"),))
            .add("b", published="2017-10-23", events=(
                event("non_state_actor_overtakes_territory", SDF, field_mention(), "2017-10-22", actor2=IS),))
            .add("c", published="2017-01-01", control=(control(gov("Aleppo"), GOV, "2017-01-01"),))
            .source())


def test_site_history_direct_and_area_inference():
    src = _source()
    tl = timeline_from_source(src)
    model = build_area_model(fake_geo(), populated_km=3, km_per_degree=10, planar=True)
    index = build_share_index(tl, model, geo=fake_geo())
    field, dam = site_statuses((FIELD, DAM), tl, day=d("2018-01-01"), index=index)
    assert [(iv.actor, iv.valid_from) for iv in field.history] == [(IS, d("2014-07-03")), (SDF, d("2017-10-22"))]
    assert (field.controller, field.basis, field.since) == (SDF, "direct", d("2017-10-22"))
    assert field.history[1].supporting[0].doc_id == "b"
    assert (dam.controller, dam.basis, dam.decided_by) == (GOV, "area", "gov:Aleppo")
    assert dam.history == ()
    only_fields = site_statuses((FIELD, DAM), tl, kind="oil_gas_field")
    assert [s.site.place_id for s in only_fields] == ["f1"] and only_fields[0].controller is None


def test_site_kinds_from_gazetteer_places():
    @dataclass
    class P:
        place_id: str
        name_en: str
        kind: str
        governorate: str | None = None
        lat: float | None = None
        lon: float | None = None
        country: str | None = "SY"

    places = [P("1", "Tabqa Dam", "region"), P("2", "Badia", "region"), P("3", "Shaer field", "oil_gas_field"),
              P("4", "Incirlik", "airbase", country="TR"), P("5", "Bab al-Hawa", "border_crossing")]
    assert [(s.place_id, s.kind) for s in sites_from_places(places)] == [
        ("1", "dam"), ("3", "oil_gas_field"), ("5", "border_crossing")]
    assert site_kind("village", "Dam") is None


@dataclass(frozen=True)
class GeoWithSites:
    def __getattr__(self, name):
        return getattr(fake_geo(), name)

    def sites(self):
        return (FIELD, DAM)


def test_service_caches_per_revision_and_draws_maps(tmp_path):
    src = _source()
    svc = ControlService(src, geo=fake_geo(), settings=ControlSettings(populated_km=3), control_dir=tmp_path)
    res = svc.shares(d("2018-01-01"), blocs=load_blocs())
    assert sum(r.percent for r in res.rows) == pytest.approx(100.0)
    assert list((tmp_path / "cache").glob("timeline-*.pkl"))
    # a second service over the same revision loads the cached timeline
    again = ControlService(src, geo=fake_geo(), settings=ControlSettings(populated_km=3), control_dir=tmp_path)
    assert again.timeline.intervals == svc.timeline.intervals
    geo = to_geojson(svc.share_index, res, load_blocs())
    assert {f["properties"]["bloc"] for f in geo["features"]} == {"government", "unknown"}
    assert geo["method"]["rule"].startswith("conflicting same-day reports")
    png = tmp_path / "map.png"
    assert write_map(svc.share_index, res, load_blocs(), png) == "png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gj = tmp_path / "map.geojson"
    write_map(svc.share_index, res, load_blocs(), gj)
    assert json.loads(gj.read_text(encoding="utf-8"))["date"] == "2018-01-01"
    with pytest.raises(ConfigError):
        write_map(svc.share_index, res, load_blocs(), tmp_path / "map.svg")
    with pytest.raises(ConfigError):
        ControlService(src, geo=fake_geo()).sites()
    sites = ControlService(src, geo=GeoWithSites()).sites(day=d("2018-01-01"))
    assert [s.controller for s in sites] == [SDF, GOV]
