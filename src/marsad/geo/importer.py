"""Import a user gazetteer: GeoNames dumps (``SY.txt`` + ``alternateNamesV2.txt``) or OCHA/HDX admin GeoJSON.

The result is a TSV with the bundled gazetteer's columns and a provenance header, which
``Gazetteer.load(extra=PATH)`` layers over the bundled data (imported entries win on ``place_id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.errors import GazetteerError
from marsad.geo.gazetteer import GOVERNORATES, Gazetteer, Place
from marsad.normalize import fold_text

COLUMNS = ("place_id", "name_en", "name_ar", "alt_ar", "kind", "governorate", "country", "lat", "lon",
           "population", "source")
_ARABIC = re.compile(r"^[\u0621-\u064a ]+$")
_PERSIAN = re.compile("[پچژگیہۀکڤ]")
# GeoNames feature codes → marsad kinds (feature class P is handled by population)
_FEATURE_KIND = {
    "ADM1": "governorate", "ADM2": "district", "ADM3": "subdistrict", "PPLX": "neighbourhood",
    "AIRB": "airbase", "AIRF": "airbase", "AIRP": "airbase", "AIRH": "airbase", "MILB": "military_base",
    "INSM": "military_base", "OILF": "oil_gas_field", "GASF": "oil_gas_field", "MN": "mine", "MNA": "mine",
    "MNPL": "mine", "PSTB": "border_crossing", "RD": "road", "RDJCT": "road", "MT": "mountain", "MTS": "mountain",
    "HLL": "mountain", "HLLS": "mountain", "PK": "mountain", "STM": "river", "DAM": "region", "PRN": "neighbourhood",
    "RGN": "region", "PLN": "region", "VAL": "region", "WAD": "region", "DSRT": "region",
}
# English spellings of governorates in OCHA/HDX and other datasets
_GOV_ALIASES = {
    "rural damascus": "Rif Dimashq", "damascus countryside": "Rif Dimashq", "rif dimashq": "Rif Dimashq",
    "lattakia": "Latakia", "idleb": "Idlib", "al-hasakeh": "Hasakah", "al hasakah": "Hasakah", "hasakeh": "Hasakah",
    "deir-ez-zor": "Deir ez-Zor", "deir ez-zor": "Deir ez-Zor", "dayr az zawr": "Deir ez-Zor", "tartous": "Tartus",
    "ar-raqqa": "Raqqa", "ar raqqah": "Raqqa", "dar'a": "Daraa", "dara": "Daraa", "as-sweida": "Suwayda",
    "as suwayda": "Suwayda", "sweida": "Suwayda", "quneitra": "Quneitra", "al qunaytirah": "Quneitra",
}


@dataclass(frozen=True)
class ImportReport:
    path: Path
    rows: int
    source_format: str


def arabic_names(names: Iterable[str]) -> list[str]:
    """Arabic-letter names without Persian/Urdu letters or broken spacing, deduplicated in order."""
    out: list[str] = []
    for n in names:
        n = " ".join(n.split())
        ok = n and _ARABIC.match(fold_text(n)) and not _PERSIAN.search(n) and all(len(t) >= 2 for t in n.split())
        if ok and n not in out:
            out.append(n)
    return out


def _admin1_map(gaz: Gazetteer) -> dict[str, str]:
    """GeoNames admin1 code → governorate, read from the bundled governorate rows' source column."""
    out: dict[str, str] = {}
    for p in gaz.places:
        m = re.search(r"GeoNames admin1 SY\.(\d\d)", p.source)
        if p.kind == "governorate" and m:
            out[m.group(1)] = p.name_en
    return out


def _governorate(name_en: str | None, name_ar: str | None, gaz: Gazetteer) -> str | None:
    if name_ar:
        for p in gaz.lookup(name_ar):
            if p.kind == "governorate":
                return p.name_en
    if name_en:
        key = name_en.strip().lower().removesuffix(" governorate").strip()
        for g in GOVERNORATES:
            if g.lower() == key:
                return g
        return _GOV_ALIASES.get(key)
    return None


def read_geonames(main: Path, alternates: Path | None, gaz: Gazetteer) -> list[Place]:
    """Places from a GeoNames country dump; Arabic names from its alternate names and ``alternateNamesV2``."""
    admin1 = _admin1_map(gaz)
    extra: dict[str, list[str]] = {}
    if alternates is not None:
        for line in alternates.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if len(cells) >= 4 and cells[2] == "ar":
                extra.setdefault(cells[1], []).append(cells[3])
    out: list[Place] = []
    for lineno, line in enumerate(main.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        c = line.split("\t")
        if len(c) < 15:
            raise GazetteerError(f"{main}:{lineno}: not a GeoNames dump line ({len(c)} columns, expected 19)",
                                 value=line[:80])
        gid, name, alts, fclass, fcode, cc, adm1 = c[0], c[1], c[3], c[6], c[7], c[8], c[10]
        names = arabic_names([*extra.get(gid, []), *alts.split(",")])
        if not names:
            continue
        try:
            lat, lon, pop = float(c[4]), float(c[5]), int(c[14] or 0)
        except ValueError as exc:
            raise GazetteerError(f"{main}:{lineno}: bad coordinates or population", value=line[:80]) from exc
        if fclass == "P" and fcode != "PPLX":
            kind = "city" if pop >= 20000 else "town" if pop >= 3000 else "village"
        else:
            kind = _FEATURE_KIND.get(fcode, "region")
        gov = admin1.get(adm1) if cc == "SY" else None
        out.append(Place(place_id=f"gn:{gid}", name_en=name, name_ar=names[0], kind=kind, governorate=gov,
                         country=cc or None, lat=lat, lon=lon, population=pop, names=tuple(names[1:]),
                         source=f"GeoNames id {gid} ({fclass}.{fcode})"))
    return out


def _shapefile_features(path: Path) -> dict[str, Any]:
    """An OCHA/HDX boundary shapefile (``.shp`` with its ``.dbf``/``.shx``) read as GeoJSON-like features."""
    import shapefile  # pyshp

    try:
        reader = shapefile.Reader(str(path), encoding="utf-8")
    except (shapefile.ShapefileException, OSError, UnicodeDecodeError) as exc:
        raise GazetteerError(f"{path}: not a readable shapefile: {exc}", value=str(path)) from exc
    with reader:
        fields = [f[0] for f in reader.fields[1:]]
        feats = [{"properties": dict(zip(fields, sr.record, strict=True)), "geometry": sr.shape.__geo_interface__}
                 for sr in reader.iterShapeRecords()]
    return {"features": feats}


def read_ocha(path: Path, gaz: Gazetteer) -> list[Place]:
    """Admin units from an OCHA/HDX boundary file, GeoJSON or shapefile (``ADMn_AR``, ``ADMn_EN``, ``ADMn_PCODE``)."""
    from shapely.geometry import shape

    if path.suffix.lower() == ".shp":
        data = _shapefile_features(path)
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GazetteerError(f"{path}: not JSON: {exc}", value=str(path)) from exc
    kinds = {1: "governorate", 2: "district", 3: "subdistrict", 4: "village"}
    out: list[Place] = []
    for k, feat in enumerate(data.get("features", [])):
        props = feat.get("properties") or {}
        level = max((n for n in range(1, 5) if props.get(f"ADM{n}_PCODE")), default=0)
        if not level:
            raise GazetteerError(f"{path}: feature {k} has no ADMn_PCODE property", value=sorted(props))
        name_ar, name_en = props.get(f"ADM{level}_AR"), props.get(f"ADM{level}_EN") or ""
        if not name_ar:
            continue
        gov = _governorate(props.get("ADM1_EN"), props.get("ADM1_AR"), gaz)
        lat = lon = None
        if feat.get("geometry"):
            pt = shape(feat["geometry"]).representative_point()
            lat, lon = round(pt.y, 5), round(pt.x, 5)
        pcode = props[f"ADM{level}_PCODE"]
        out.append(Place(place_id=f"ocha:{pcode}", name_en=name_en, name_ar=name_ar, kind=kinds[level],
                         governorate=gov, country="SY", lat=lat, lon=lon, names=(),
                         source=f"OCHA/HDX admin boundaries {pcode}"))
    return out


def write_tsv(places: Iterable[Place], out: Path, *, source: str, licence: str) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for p in places:
        cells = (p.place_id, p.name_en, p.name_ar, "|".join(p.names), p.kind, p.governorate or "", p.country or "",
                 "" if p.lat is None else f"{p.lat:.5f}", "" if p.lon is None else f"{p.lon:.5f}",
                 str(p.population), p.source)
        rows.append("\t".join(x.replace("\t", " ") for x in cells))
    header = f"# source: {source}\n# licence: {licence}\n# version: imported\n" + "\t".join(COLUMNS) + "\n"
    out.write_text(header + "\n".join(rows) + ("\n" if rows else ""), encoding="utf-8")
    return len(rows)


def import_file(path: Path, out: Path, *, alternates: Path | None = None) -> ImportReport:
    """Detect the format of ``path`` (GeoNames dump or OCHA GeoJSON) and write a user gazetteer to ``out``."""
    if not path.is_file():
        raise GazetteerError(f"{path} does not exist", value=str(path))
    gaz = Gazetteer.load()
    if path.suffix.lower() == ".shp":
        places, fmt, lic = read_ocha(path, gaz), "ocha-shapefile", "CC-BY-IGO-3.0 (OCHA/HDX; check the dataset page)"
        n = write_tsv(places, out, source=f"{fmt} import of {path.name}", licence=lic)
        return ImportReport(path=out, rows=n, source_format=fmt)
    head = path.read_text(encoding="utf-8", errors="replace")[:2000].lstrip()
    if head.startswith("{"):
        places, fmt, lic = read_ocha(path, gaz), "ocha-geojson", "CC-BY-IGO-3.0 (OCHA/HDX; check the dataset page)"
    elif "\t" in head:
        places, fmt, lic = read_geonames(path, alternates, gaz), "geonames", "CC-BY-4.0 (GeoNames)"
    else:
        raise GazetteerError(f"{path}: neither a GeoNames dump nor an OCHA GeoJSON", value=str(path))
    n = write_tsv(places, out, source=f"{fmt} import of {path.name}", licence=lic)
    return ImportReport(path=out, rows=n, source_format=fmt)
