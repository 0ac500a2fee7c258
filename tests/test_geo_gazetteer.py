"""The bundled gazetteer: coverage, spot checks of curated sites, search, loading and user layering."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest

from marsad.geo.gazetteer import GOVERNORATES, Gazetteer

FIX = Path(__file__).parent / "fixtures" / "geo"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_coverage_counts(gaz: Gazetteer) -> None:
    govs = [p for p in gaz.places if p.kind == "governorate"]
    assert sorted(p.name_en for p in govs) == sorted(GOVERNORATES)
    assert all(p.name_ar and p.place_id.startswith("SY-") for p in govs)
    populated = [p for p in gaz.places if p.country == "SY" and p.kind in ("city", "town", "village")]
    assert len(populated) >= 300
    assert len(gaz.sites()) >= 60
    assert all(p.source for p in gaz.sites())
    assert len([p for p in gaz.places if p.kind == "country"]) >= 150


@pytest.mark.parametrize(("name", "lat", "lon"), [
    ("مطار التيفور", 34.5225, 37.6267), ("مطار T4", 34.5225, 37.6267), ("مطار التياس", 34.5225, 37.6267),
    ("مطار ال T4", 34.5225, 37.6267), ("قاعدة حميميم", 35.40, 35.95), ("مطار حميميم", 35.40, 35.95),
    ("اللواء 137", 35.30, 40.02), ("قاعدة اللواء 137", 35.30, 40.02),
])
def test_site_spot_checks(gaz: Gazetteer, name: str, lat: float, lon: float) -> None:
    found = gaz.lookup(name)
    assert found, name
    p = found[0]
    assert p.lat is not None and p.lon is not None
    assert km(p.lat, p.lon, lat, lon) < 5


def test_spelling_variants_fold(gaz: Gazetteer) -> None:
    # hamza, ta marbuta and alef maqsura variants reach the same entries through folding
    assert {p.place_id for p in gaz.lookup("إدلب")} == {p.place_id for p in gaz.lookup("ادلب")}
    assert {p.place_id for p in gaz.lookup("حماة")} == {p.place_id for p in gaz.lookup("حماه")}
    assert any(p.kind == "governorate" for p in gaz.lookup("ديرالزور"))


def test_no_persian_letters_in_names(gaz: Gazetteer) -> None:
    for p in gaz.places:
        for n in (p.name_ar, *p.names):
            assert not set(n) & set("پچژگیہۀک"), (p.place_id, n)


def test_search_arabic_and_english(gaz: Gazetteer) -> None:
    hits = gaz.search("دير الزور", limit=5)
    assert hits and hits[0].governorate == "Deir ez-Zor"
    assert any(p.name_en == "Aleppo" for p in gaz.search("Aleppo", limit=3))
    assert gaz.search("   ") == ()


def test_get_and_sites_by_kind(gaz: Gazetteer) -> None:
    assert gaz.get("SY-HL") is not None and gaz.get("SY-HL").name_en == "Aleppo"  # type: ignore[union-attr]
    assert gaz.get("nope") is None
    airbases = gaz.sites("airbase")
    assert airbases and all(p.kind == "airbase" for p in airbases)


def test_load_is_cached_and_picklable(gaz: Gazetteer) -> None:
    assert Gazetteer.load() is gaz
    clone = pickle.loads(pickle.dumps(gaz))
    assert len(clone) == len(gaz) and clone.lookup("حلب")


def test_user_gazetteer_extends_and_wins(tmp_path: Path) -> None:
    user = tmp_path / "user.tsv"
    user.write_text(
        "# source: test\n# licence: CC0-1.0\n# version: 1\n"
        "place_id\tname_en\tname_ar\talt_ar\tkind\tgovernorate\tcountry\tlat\tlon\tpopulation\tsource\n"
        "user:1\tTell Mukhtara\tتل مختارة\t\tvillage\tHama\tSY\t35.2\t36.9\t0\ttest\n"
        "SY-HL\tAleppo (renamed)\tحلب\t\tgovernorate\tAleppo\tSY\t36.3\t37.8\t0\ttest\n",
        encoding="utf-8")
    g = Gazetteer.load(extra=user)
    assert g.lookup("تل مختارة")[0].governorate == "Hama"
    assert g.get("SY-HL").name_en == "Aleppo (renamed)"  # type: ignore[union-attr]
    assert Gazetteer.load().get("SY-HL").name_en == "Aleppo"  # type: ignore[union-attr]


def test_missing_user_gazetteer_is_an_error(tmp_path: Path) -> None:
    from marsad.errors import DataFileError

    with pytest.raises(DataFileError):
        Gazetteer.load(extra=tmp_path / "absent.tsv")
