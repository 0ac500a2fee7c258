"""``marsad gazetteer import``: GeoNames dumps and OCHA/HDX admin GeoJSON (small invented fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.errors import GazetteerError
from marsad.geo.gazetteer import Gazetteer
from marsad.geo.importer import arabic_names, import_file

FIX = Path(__file__).parent / "fixtures" / "geo"


def test_geonames_import(tmp_path: Path) -> None:
    out = tmp_path / "g.tsv"
    rep = import_file(FIX / "SY.txt", out, alternates=FIX / "alternateNamesV2.txt")
    assert rep.source_format == "geonames" and rep.rows == 3  # the row without an Arabic name is skipped
    g = Gazetteer.load(extra=out)
    village = g.lookup("قرية الاختبار")[0]
    assert (village.place_id, village.kind, village.governorate) == ("gn:9000001", "village", "Deir ez-Zor")
    base = g.lookup("مطار الاختبار الحربي")[0]
    assert base.kind == "airbase" and base.governorate == "Homs"
    assert g.get("gn:170794").population == 271800  # type: ignore[union-attr]


def test_ocha_import(tmp_path: Path) -> None:
    out = tmp_path / "o.tsv"
    rep = import_file(FIX / "ocha_adm3.geojson", out)
    assert rep.source_format == "ocha-geojson" and rep.rows == 2
    g = Gazetteer.load(extra=out)
    sub = g.lookup("ناحية التجربة الوهمية")[0]
    assert (sub.kind, sub.governorate, sub.place_id) == ("subdistrict", "Raqqa", "ocha:SY110299")
    assert sub.lat is not None and 36.5 <= sub.lat <= 36.7
    assert g.lookup("بلدة الامتحان")[0].governorate == "Rif Dimashq"


def test_ocha_shapefile_import(tmp_path: Path) -> None:
    """The same OCHA fixture written as a shapefile (pyshp) imports to the same places."""
    import json

    import shapefile

    data = json.loads((FIX / "ocha_adm3.geojson").read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    fields = sorted({k for p in props for k in p})
    shp = tmp_path / "syr_admbnda_adm3.shp"
    with shapefile.Writer(str(shp), encoding="utf-8") as w:
        for name in fields:
            w.field(name, "C", size=80)
        for feat, p in zip(data["features"], props, strict=True):
            w.shape(feat["geometry"])
            w.record(*[str(p.get(name) or "") for name in fields])
    out = tmp_path / "s.tsv"
    rep = import_file(shp, out)
    assert rep.source_format == "ocha-shapefile" and rep.rows == 2
    g = Gazetteer.load(extra=out)
    sub = g.lookup("ناحية التجربة الوهمية")[0]
    assert (sub.kind, sub.governorate, sub.place_id) == ("subdistrict", "Raqqa", "ocha:SY110299")
    assert sub.lat is not None and 36.5 <= sub.lat <= 36.7


def test_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(GazetteerError):
        import_file(bad, tmp_path / "x.tsv")
    with pytest.raises(GazetteerError):
        import_file(tmp_path / "absent.txt", tmp_path / "x.tsv")


def test_arabic_names_filter() -> None:
    assert arabic_names(["دمشق", "د مشق", "ladhqy", "لاذقیه", "دمشق", "Damascus"]) == ["دمشق"]


def test_cli_import_search_geocode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "u.tsv"
    assert main(["gazetteer", "import", str(FIX / "SY.txt"), "--alternates", str(FIX / "alternateNamesV2.txt"),
                 "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    assert main(["places", "search", "قرية الاختبار", "--json", "--gazetteer", str(out)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["place_id"] == "gn:9000001"
    assert main(["geocode", "قصفت الطائرات مطار الشعيرات في ريف حمص", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [p["name_en"] for p in found] == ["Shayrat Airbase", "Homs countryside"]
