"""Spatial units: which unit a ``PlaceMention`` names, for control purposes.

* a governorate («محافظة حمص») → ``gov:Homs``;
* a relational region of a governorate («ريف حلب الشرقي», relation ``countryside:east``)
  → ``rel:Aleppo:countryside:east``;
* a resource or military site (airbase, field, mine, dam, border crossing) → ``site:<place_id>``;
* a settlement (city, town, village, neighbourhood, district seat) → ``place:<place_id>``;
* a relational form around a settlement («شرق تدمر») or a small named feature (hill, road) → ``near:…``.

Foreign places and places with neither a gazetteer id nor coordinates give no unit.
"""

from __future__ import annotations

from functools import cache

from marsad.control.records import Unit
from marsad.model.mentions import PlaceMention

GOVERNORATES: tuple[str, ...] = (
    "Damascus", "Rif Dimashq", "Aleppo", "Homs", "Hama", "Latakia", "Tartus", "Idlib", "Raqqa",
    "Deir ez-Zor", "Hasakah", "Daraa", "Suwayda", "Quneitra",
)
# ISO 3166-2 codes: the gazetteer's governorate entries carry them as place ids (SY-HL = Aleppo).
ISO_CODES: dict[str, str] = {
    "SY-DI": "Damascus", "SY-RD": "Rif Dimashq", "SY-HL": "Aleppo", "SY-HI": "Homs", "SY-HM": "Hama",
    "SY-LA": "Latakia", "SY-TA": "Tartus", "SY-ID": "Idlib", "SY-RA": "Raqqa", "SY-DY": "Deir ez-Zor",
    "SY-HA": "Hasakah", "SY-DR": "Daraa", "SY-SU": "Suwayda", "SY-QU": "Quneitra",
}
SITE_KINDS: frozenset[str] = frozenset({
    "airbase", "military_base", "oil_gas_field", "mine", "border_crossing", "dam",
})
SETTLEMENT_KINDS: frozenset[str] = frozenset({
    "city", "town", "village", "neighbourhood", "district", "subdistrict",
})


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _aliases() -> dict[str, str]:
    extra = {
        "Damascus": ("Dimashq",), "Rif Dimashq": ("Rural Damascus", "Damascus Countryside", "Reef Dimashq"),
        "Aleppo": ("Halab",), "Homs": ("Hims",), "Hama": ("Hamah",), "Latakia": ("Lattakia", "Al-Ladhiqiyah"),
        "Tartus": ("Tartous", "Tartouss"), "Idlib": ("Idleb",), "Raqqa": ("Al-Raqqah", "Ar-Raqqah", "Raqqah"),
        "Deir ez-Zor": ("Deir al-Zor", "Deir Ezzor", "Dayr az-Zawr", "Deir el-Zor", "Deir al-Zour"),
        "Hasakah": ("Al-Hasakah", "Hasaka", "Al-Hasakeh", "Hassakeh"), "Daraa": ("Dara'a", "Deraa", "Dar'a"),
        "Suwayda": ("As-Suwayda", "Sweida", "Suwaida", "Al-Suwayda"), "Quneitra": ("Al-Qunaytirah", "Qunaitra"),
    }
    out: dict[str, str] = {}
    for gov in GOVERNORATES:
        out[_key(gov)] = gov
        out[_key(gov + " Governorate")] = gov
        for alias in extra.get(gov, ()):
            out[_key(alias)] = gov
            out[_key(alias + " Governorate")] = gov
    return out


def canonical_governorate(name: str | None) -> str | None:
    """The canonical English governorate name (``/work/shared/eval/README.md``), or ``None``."""
    if not name:
        return None
    return _alias_table().get(_key(name))


@cache
def _alias_table() -> dict[str, str]:
    return _aliases()


def governorate_of(place: PlaceMention) -> str | None:
    """The place's governorate: stated, or the governorate the place itself is (by ISO id)."""
    return canonical_governorate(place.governorate) or ISO_CODES.get(place.place_id or "")


def is_region_relation(place: PlaceMention) -> bool:
    """True when the relation qualifies a governorate (or its capital): «ريف حلب الشرقي», «جنوب الرقة»."""
    if not place.relation:
        return False
    if place.kind == "governorate" or place.relation.startswith(("countryside", "part")):
        return True
    # a bare direction on a governorate capital («جنوب الرقة») reads as the governorate's part
    gov = canonical_governorate(place.governorate)
    name = canonical_governorate(place.name_en or "")
    return gov is not None and name == gov and place.kind == "city"


def site_unit_id(place_id: str) -> str:
    """``site:<place_id>``; gazetteer site ids already start with ``site:`` and are used as they are."""
    return place_id if place_id.startswith("site:") else f"site:{place_id}"


def unit_of(place: PlaceMention | None) -> Unit | None:
    """The unit a place mention names, or ``None`` when it cannot be held or located."""
    if place is None or (place.country not in (None, "SY")):
        return None
    gov = governorate_of(place)
    name = place.name_en or place.surface
    if place.relation and is_region_relation(place):
        if not gov:
            return None  # a part of the country («شرق سوريا») or of a foreign place: too vague to hold
        return Unit(f"rel:{gov}:{place.relation}", "region", f"{gov} ({place.relation})", governorate=gov,
                    relation=place.relation)
    if place.relation == "border":
        return None
    if place.kind == "governorate":
        gov = gov or canonical_governorate(place.name_en)
        if gov is None:
            return None
        return Unit(f"gov:{gov}", "governorate", gov, governorate=gov)
    if place.kind == "country":
        return None
    if not place.place_id and (place.lat is None or place.lon is None):
        return None
    pid = place.place_id or f"{place.lat:.4f},{place.lon:.4f}"
    common = {"governorate": gov, "place_id": place.place_id, "place_kind": place.kind, "lat": place.lat,
              "lon": place.lon}
    if place.kind in SITE_KINDS:
        return Unit(site_unit_id(pid), "site", name, **common)  # type: ignore[arg-type]
    if place.kind in SETTLEMENT_KINDS and not place.relation:
        return Unit(f"place:{pid}", "town", name, **common)  # type: ignore[arg-type]
    rel = place.relation or place.kind or "near"
    return Unit(f"near:{pid}:{rel}", "vicinity", f"{name} ({rel})", relation=place.relation,
                **common)  # type: ignore[arg-type]
