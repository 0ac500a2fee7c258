"""Governorate polygons, relational regions and equal-area measurement."""

from __future__ import annotations

import pytest

from marsad.errors import ConfigError
from marsad.geo import boundaries as b
from marsad.geo.gazetteer import GOVERNORATES, Gazetteer


def test_fourteen_governorates_cover_syria() -> None:
    govs = b.governorates()
    assert sorted(govs) == sorted(GOVERNORATES)
    total = sum(b.area_km2(g) for g in govs.values())
    assert abs(total - 185_180) / 185_180 < 0.01
    assert abs(b.area_km2(b.syria_outline()) - total) / total < 0.005
    assert b.area_km2(govs["Damascus"]) < 200 < b.area_km2(govs["Quneitra"])
    assert b.area_km2(govs["Homs"]) == max(b.area_km2(g) for g in govs.values())


def test_points_fall_in_their_governorate() -> None:
    gaz = Gazetteer.load()
    towns = [p for p in gaz.places if p.country == "SY" and p.kind in ("city", "town") and p.lat is not None]
    agree = sum(b.governorate_at(p.lat, p.lon) == p.governorate for p in towns)  # type: ignore[arg-type]
    assert agree / len(towns) > 0.9
    assert b.governorate_at(34.5225, 37.6267) == "Homs"  # T4
    assert b.governorate_at(33.89, 35.50) is None  # Beirut


def test_relational_regions() -> None:
    aleppo = b.governorates()["Aleppo"]
    east = b.relational_region("Aleppo", "countryside:east")
    west = b.relational_region("Aleppo", "countryside:west")
    countryside = b.relational_region("Aleppo", "countryside")
    assert aleppo.contains(east.representative_point())
    assert east.centroid.x > b.CAPITALS["Aleppo"][0] > west.centroid.x
    assert b.area_km2(countryside) < b.area_km2(aleppo)
    assert abs(b.area_km2(east) + b.area_km2(west) - b.area_km2(countryside)) < 1.0
    nw = b.relational_region("Deir ez-Zor", "part:north-west")
    assert nw.centroid.y > b.CAPITALS["Deir ez-Zor"][1] - 0.5 and nw.centroid.x < b.CAPITALS["Deir ez-Zor"][0] + 0.5
    rif = b.relational_region("Damascus", "countryside")
    assert abs(b.area_km2(rif) - b.area_km2(b.governorates()["Rif Dimashq"])) < 1.0


def test_relational_region_errors() -> None:
    with pytest.raises(ConfigError):
        b.relational_region("Atlantis", "countryside")
    with pytest.raises(ConfigError):
        b.relational_region("Homs", "countryside:up")
    with pytest.raises(ConfigError):
        b.relational_region("Homs", "inside")
