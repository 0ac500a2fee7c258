"""The control layer as the API serves it: ``marsad.control.service.ControlService`` over the store.

One ``ControlService`` is kept per store revision (it caches the timeline, area model and share index on
disk as well). Shares and maps are per actor (blocs off), so the map colours each force on its own.
When the geometry the control layer needs is missing, control answers are 503 with the reason.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from marsad.api.errors import api_error
from marsad.errors import ConfigError, DataFileError


def _unavailable(exc: Exception) -> Exception:
    return api_error(503, f"the control layer is unavailable: {getattr(exc, 'message', exc)}")


class StoreControl:
    """Implements ``marsad.api.store_backend.ControlPort``."""

    def __init__(self, store: Any, *, geo: Any = None, control_dir: Any = None) -> None:
        self.store = store
        self._geo = geo
        self._control_dir = control_dir
        self._lock = threading.Lock()
        self._service: Any = None
        self._rev: str | None = None
        self._blocs: Any = None
        self._coords: tuple[str, dict[str, tuple[float, float, str]]] | None = None

    def geo(self) -> Any:
        if self._geo is None:
            from marsad.control.geo_context import GazetteerGeo

            self._geo = GazetteerGeo()
        return self._geo

    def service(self) -> Any:
        from marsad.control.service import ControlService, control_dir_for
        from marsad.control.source import StoreSource

        rev = str(self.store.revision())
        with self._lock:
            if self._service is None or self._rev != rev:
                folder = self._control_dir or control_dir_for(str(self.store.url))
                self._service = ControlService(StoreSource(self.store), geo=self.geo(), control_dir=folder)
                self._rev = rev
            return self._service

    def blocs(self) -> Any:
        if self._blocs is None:
            from marsad.control.blocs import load_blocs

            self._blocs = load_blocs().identity()
        return self._blocs

    def _result(self, day: dt.date) -> tuple[Any, Any]:
        svc = self.service()
        try:
            return svc, svc.shares(day, blocs=self.blocs())
        except (ConfigError, DataFileError) as exc:
            raise _unavailable(exc) from exc

    def shares(self, day: dt.date) -> list[dict[str, Any]]:
        _, res = self._result(day)
        return [{"actor": r.bloc, "label": r.label, "percent": round(r.percent, 3), "km2": round(r.area_km2, 1)}
                for r in res.actors]

    def geojson(self, day: dt.date) -> dict[str, Any]:
        from marsad.control.mapping import to_geojson

        svc, res = self._result(day)
        geo = to_geojson(svc.share_index, res, self.blocs(), precedence=svc.settings.precedence)
        for f in geo["features"]:
            f["properties"]["actor"] = f["properties"].get("bloc")
        return geo

    def _siege_coords(self) -> dict[str, tuple[float, float, str]]:
        """``unit_id -> (lat, lon, Arabic surface)`` from the stored siege facts."""
        from marsad.control.units import unit_of

        rev = str(self.store.revision())
        if self._coords is not None and self._coords[0] == rev:
            return self._coords[1]
        out: dict[str, tuple[float, float, str]] = {}
        for s in self.store.sieges():
            pl = s.fact.place
            unit = unit_of(pl)
            if unit is not None and pl.lat is not None and pl.lon is not None:
                out.setdefault(unit.unit_id, (pl.lat, pl.lon, pl.surface))
        self._coords = (rev, out)
        return out

    def sieges(self, day: dt.date | None) -> list[dict[str, Any]]:
        coords = self._siege_coords()
        out = []
        for s in self.service().sieges():
            status = s.status_on(day) if day is not None else s.status
            if day is not None and status is None:
                continue
            lat, lon, surface = coords.get(s.unit_id, (None, None, ""))
            out.append({"unit_id": s.unit_id, "place": s.place, "place_ar": surface, "status": status,
                        "besieger": s.besieger, "besieged": s.besieged,
                        "since": s.since.isoformat() if s.since else None,
                        "until": s.until.isoformat() if s.until else None, "end": s.end,
                        "population": s.population, "sources": s.sources, "lat": lat, "lon": lon})
        return out

    def sites(self, day: dt.date | None) -> list[dict[str, Any]]:
        svc = self.service()
        try:
            statuses = svc.sites(day=day)
        except (ConfigError, DataFileError) as exc:
            raise _unavailable(exc) from exc
        return [{"place_id": st.site.place_id, "name": st.site.name, "name_ar": st.site.name_ar, "kind": st.site.kind,
                 "governorate": st.site.governorate, "lat": st.site.lat, "lon": st.site.lon,
                 "holder": st.controller, "basis": st.basis, "since": st.since.isoformat() if st.since else None}
                for st in statuses]

    def claims(self) -> list[dict[str, Any]]:
        from marsad.control.blocs import load_blocs

        try:
            report = self.service().claims(load_blocs())
        except (ConfigError, DataFileError) as exc:
            raise _unavailable(exc) from exc
        return [c.to_dict() for c in report.checks]

    def boundaries(self) -> dict[str, Any] | None:
        from shapely.geometry import mapping

        try:
            govs = self.geo().governorates()
        except (ConfigError, DataFileError):
            return None
        feats = [{"type": "Feature", "properties": {"name_en": name}, "geometry": mapping(g)}
                 for name, g in sorted(govs.items())]
        return {"type": "FeatureCollection", "features": feats}
