"""Control maps for a date: GeoJSON (one feature per bloc, unknown included) and PNG (matplotlib, Agg)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from marsad.control.blocs import Blocs
from marsad.control.shares import UNKNOWN, Metric, Precedence, ShareIndex, ShareResult
from marsad.errors import ConfigError

# Colours commonly used for these forces on published control maps; anything else cycles through PALETTE.
COLOURS: dict[str, str] = {
    "government": "#d62728", "syria_government_assad": "#d62728", "transitional": "#2ca02c",
    "syria_government_transitional": "#2ca02c", "sdf": "#e6c229", "opposition": "#7fbf3f",
    "syrian_opposition": "#7fbf3f", "turkey_sna": "#8c6d31", "hts": "#6b6ecf", "islamic_state": "#303030",
    UNKNOWN: "#d9d9d9",
}
PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#aec7e8")


def colour_of(bloc: str, order: int) -> str:
    return COLOURS.get(bloc, PALETTE[order % len(PALETTE)])


def bloc_geometries(index: ShareIndex, day: dt.date, blocs: Blocs, *,
                    precedence: Precedence = "recent") -> dict[str, Any]:
    """Dissolved geometry per bloc id (``unknown`` included) on ``day``."""
    holders, _ = index.atom_holders(day, precedence=precedence)
    groups: dict[str, list[int]] = {}
    for i, h in enumerate(holders):
        key = blocs.bloc_of(index.actors[int(h)]) if h >= 0 else UNKNOWN
        groups.setdefault(key, []).append(i)
    return {k: shapely.union_all(np.array(index.model.atoms, dtype=object)[v].tolist())
            for k, v in groups.items()}


def to_geojson(index: ShareIndex, result: ShareResult, blocs: Blocs, *,
               precedence: Precedence = "recent") -> dict[str, Any]:
    geoms = bloc_geometries(index, result.date, blocs, precedence=precedence)
    feats = []
    for n, row in enumerate(result.rows):
        g = geoms.get(row.bloc)
        if g is None or g.is_empty:
            continue
        feats.append({"type": "Feature", "geometry": mapping(g), "properties": {
            "bloc": row.bloc, "label": row.label, "members": list(row.members), "area_km2": round(row.area_km2, 1),
            "percent": round(row.percent, 3), "colour": colour_of(row.bloc, n)}})
    return {"type": "FeatureCollection", "date": result.date.isoformat(), "metric": result.metric,
            "sources": result.sources, "intervals": result.intervals, "method": result.method.to_dict(),
            "features": feats}


def render_png(index: ShareIndex, result: ShareResult, blocs: Blocs, path: Path, *,
               precedence: Precedence = "recent") -> None:
    """Draw the map with matplotlib's Agg backend (no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    geoms = bloc_geometries(index, result.date, blocs, precedence=precedence)
    fig = Figure(figsize=(9, 8.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    handles = []
    for n, row in enumerate(result.rows):
        g = geoms.get(row.bloc)
        colour = colour_of(row.bloc, n)
        if g is not None and not g.is_empty:
            for poly in getattr(g, "geoms", [g]):
                if poly.geom_type != "Polygon":
                    continue
                rings = [MplPath(np.asarray(r.coords), closed=True) for r in (poly.exterior, *poly.interiors)]
                ax.add_patch(PathPatch(MplPath.make_compound_path(*rings), facecolor=colour, edgecolor="white",
                                       linewidth=0.3))
        handles.append(Patch(facecolor=colour, edgecolor="#555555", label=f"{row.label}: {row.percent:.1f}%"))
    minx, miny, maxx, maxy = shapely.union_all(list(index.model.atoms)).bounds
    ax.set_xlim(minx - 0.1, maxx + 0.1)
    ax.set_ylim(miny - 0.1, maxy + 0.1)
    ax.set_aspect(1.0 / max(np.cos(np.radians((miny + maxy) / 2)), 0.2))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Control of Syria on {result.date.isoformat()} ({result.metric} area)")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, fontsize=8,
              frameon=False)
    note = (f"{result.intervals} control intervals from {result.sources} sources; denominator "
            f"{result.denominator_km2:,.0f} km²; {result.method.rule}")
    fig.text(0.01, 0.01, "\n".join(textwrap.wrap(note, 190)), fontsize=6)
    fig.savefig(str(path))


def write_map(index: ShareIndex, result: ShareResult, blocs: Blocs, path: Path, *,
              precedence: Precedence = "recent") -> str:
    """Write ``path`` as PNG or GeoJSON (by extension). Returns the format written."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        render_png(index, result, blocs, path, precedence=precedence)
        return "png"
    if suffix in (".geojson", ".json"):
        path.write_text(json.dumps(to_geojson(index, result, blocs, precedence=precedence), ensure_ascii=False),
                        encoding="utf-8")
        return "geojson"
    raise ConfigError(f"map output must end in .png or .geojson, got {path.name}", value=str(path))


__all__ = ["COLOURS", "Metric", "bloc_geometries", "render_png", "to_geojson", "write_map"]
