"""Exports: ACLED CSV, GeoJSON, PLOVER JSON and JSONL load in pandas (and geopandas when installed)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from marsad.errors import ConfigError
from marsad.export import FORMATS, write_export
from marsad.export.acled import ACLED_COLUMNS, COLUMNS, acled_row, interaction
from marsad.export.plover import plover_record
from marsad.export.records import crosswalk, padded_date
from marsad.model.facts import EVENT_TYPES
from test_api_support import REPORT_1, REPORT_2, REPORT_3, FakeRegistry, doc, export_events, fake_pipeline

pd = pytest.importorskip("pandas")


@pytest.fixture
def events():
    out = []
    for text in (REPORT_1, REPORT_2, REPORT_3):
        out.extend(export_events(fake_pipeline(doc(text)), start=len(out)))
    assert len(out) == 4
    return out


def test_crosswalk_covers_every_event_type():
    table = crosswalk()
    assert set(table) == set(EVENT_TYPES)
    assert table["air_drone_strike"].event_type == "Explosions/Remote violence"
    assert table["air_drone_strike"].sub_event_type == "Air/drone strike"
    assert table["peaceful_protest"].disorder_type == "Demonstrations"
    assert table["other"].plover_event is None


def test_acled_has_the_31_codebook_columns_then_ours():
    assert len(ACLED_COLUMNS) == 31
    assert ACLED_COLUMNS[0] == "event_id_cnty" and ACLED_COLUMNS[-1] == "timestamp"
    for extra in ("evidence_start", "evidence_end", "evidence_text", "confidence", "corroboration"):
        assert extra in COLUMNS[31:]


def test_acled_csv_loads_in_pandas(tmp_path: Path, events):
    path = tmp_path / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as fp:
        assert write_export("acled", events, fp, actors=FakeRegistry()) == 4
    df = pd.read_csv(path)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == 4
    clash = df[df.marsad_event_type == "armed_clash"].iloc[0]
    assert clash.event_type == "Battles" and clash.sub_event_type == "Armed clash"
    assert clash.actor1 == "Military Forces of Syria (2000-2024)"
    assert clash.inter1 == 1 and clash.inter2 == 2 and clash.interaction == 12
    assert clash.iso == 760 and clash.country == "Syria" and clash.admin1 == "Hama"
    assert clash.location == "Kafr Nabudah" and abs(clash.latitude - 35.4333) < 1e-6
    assert clash.event_date == "2019-05-20" and clash.year == 2019
    # the evidence columns point back into the report
    assert REPORT_1[clash.evidence_start:clash.evidence_end] == clash.evidence_text
    assert "كفرنبودة" in clash.evidence_text
    assert df.fatalities.dtype.kind == "i"


def test_acled_dates_and_interaction_rules(events):
    e = events[0]
    month = replace(e, event=replace(e.event, date="2017-09"))
    row = acled_row(month)
    assert row["event_date"] == "2017-09-15" and row["time_precision"] == 3
    undated = replace(e, event=replace(e.event, date=None), published="2018-01-02")
    row = acled_row(undated)
    assert row["event_date"] == "2018-01-02" and row["time_precision"] == 3 and "date=published" in row["tags"]
    assert interaction(1, None) == "10" and interaction(3, 1) == "13"
    assert interaction("State forces", "Rebel group") == "State forces-Rebel group"
    # without a registry the actor id stands in for the name
    assert acled_row(e)["actor1"] == e.event.actor1
    assert padded_date("2015") == "2015-07-01" and padded_date(None) == ""


def test_csv_quotes_arabic_commas_and_newlines(tmp_path: Path, events):
    e = events[0]
    tricky = replace(e, evidence='نص، فيه "اقتباس"\nوسطر ثان', sentence="")
    buf = io.StringIO()
    write_export("acled", [tricky], buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[0]["evidence_text"] == tricky.evidence


def test_geojson_loads_as_featurecollection(tmp_path: Path, events):
    path = tmp_path / "events.geojson"
    with path.open("w", encoding="utf-8") as fp:
        assert write_export("geojson", events, fp) == 4
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 4
    f = data["features"][0]
    lon, lat = f["geometry"]["coordinates"]
    assert 35 < lon < 43 and 32 < lat < 38
    assert all(not isinstance(v, (list, dict)) for v in f["properties"].values())
    df = pd.json_normalize(data["features"])
    assert "properties.type" in df.columns


def test_geojson_in_geopandas_when_installed(tmp_path: Path, events):
    gpd = pytest.importorskip("geopandas", reason="geopandas not installed")
    path = tmp_path / "events.geojson"
    with path.open("w", encoding="utf-8") as fp:
        write_export("geojson", events, fp)
    gdf = gpd.read_file(path)
    assert len(gdf) == 4 and "type" in gdf.columns


def test_plover_records(tmp_path: Path, events):
    path = tmp_path / "events.json"
    with path.open("w", encoding="utf-8") as fp:
        n = write_export("plover", events, fp, actors=FakeRegistry())
    records = json.loads(path.read_text(encoding="utf-8"))
    assert n == len(records) == 4
    clash = next(r for r in records if r["marsad_type"] == "armed_clash")
    assert clash["event"] == ["ASSAULT"] and clash["quad_code"] == 4
    # two-sided violence: both actors are sources
    assert {a["identifier_id"] for a in clash["source"]} == {"syria_government_assad", "syrian_opposition"}
    assert clash["recipient"] == []
    assert clash["event_loc"]["cc3"] == "SYR"
    df = pd.read_json(path)
    assert {"id", "date", "event", "source"} <= set(df.columns)
    other = replace(events[0], event=replace(events[0].event, type="other"))
    assert plover_record(other) is None


def test_jsonl_loads_in_pandas(tmp_path: Path, events):
    path = tmp_path / "events.jsonl"
    with path.open("w", encoding="utf-8") as fp:
        write_export("jsonl", events, fp)
    df = pd.read_json(path, lines=True)
    assert len(df) == 4 and {"id", "type", "evidence", "place", "sources"} <= set(df.columns)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first["evidence"]["text"] in (REPORT_1 + REPORT_2 + REPORT_3)


def test_unknown_format_is_a_config_error():
    with pytest.raises(ConfigError):
        write_export("xlsx", [], io.StringIO())
    assert set(FORMATS) == {"acled", "geojson", "plover", "jsonl"}
