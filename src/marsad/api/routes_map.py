"""Control, sieges, sites, claims, boundaries, metadata and health."""


import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from marsad.api.backend import Backend
from marsad.api.config import ApiConfig, limits_doc
from marsad.api.errors import api_error
from marsad.api.params import parse_day
from marsad.api.routes_data import ERRORS
from marsad.api.schemas import GeoJSONOut, HealthOut, ItemsOut, MetaOut, SeriesOut, ShareOut
from marsad.api.state import AppState
from marsad.export import FORMATS
from marsad.model.facts import EVENT_TYPES
from marsad.version import __version__

DayParam = Annotated[str | None, Query(description="Date, YYYY-MM-DD (default: today)")]


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.marsad
    return state


def _day(value: str | None) -> dt.date:
    return parse_day(value, name="date") or dt.date.today()


def _first_day(value: str | None) -> dt.date | None:
    """The first day of an ISO date prefix (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    if not value:
        return None
    parts = [*value[:10].split("-"), "01", "01"]
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _series_dates(start: dt.date, end: dt.date, points: int) -> list[dt.date]:
    if end < start:
        raise api_error(400, "end is before start")
    span = (end - start).days
    if span == 0 or points == 1:
        return [end]
    step = span / (points - 1)
    days = sorted({start + dt.timedelta(days=round(i * step)) for i in range(points)})
    return days


def governorate_names(be: Backend, state: AppState) -> list[str]:
    geo = be.boundaries()
    names: list[str] = []
    if geo:
        for f in geo.get("features", []):
            props = f.get("properties") or {}
            name = props.get("name_en") or props.get("name") or props.get("governorate")
            if name:
                names.append(str(name))
    if not names:
        index = state.read.current()
        names = [g.title() for g in index.governorates()] if index is not None else []
    return sorted(set(names))


def build_router(config: ApiConfig) -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.get("/health", response_model=HealthOut, tags=["meta"], summary="Liveness and store counts")
    def health(request: Request) -> JSONResponse:
        state = _state(request)
        return JSONResponse({"status": "ok", "version": __version__, "revision": state.revision(),
                             "counts": state.cached(("counts",), state.backend.counts)})

    @router.get("/meta", response_model=MetaOut, tags=["meta"],
                summary="What the page needs for its controls: types, actors, governorates, date range, limits")
    def meta(request: Request) -> JSONResponse:
        state = _state(request)

        def compute() -> dict[str, Any]:
            be = state.backend
            index = state.read.current()
            lo, hi = index.date_range() if index is not None else be.date_range()
            return {"version": __version__, "event_types": list(EVENT_TYPES),
                    "actors": [{"id": a.id, "name_en": a.name_en, "name_ar": a.name_ar} for a in be.actors()],
                    "governorates": governorate_names(be, state), "date_min": lo, "date_max": hi,
                    "limits": limits_doc(config), "export_formats": list(FORMATS),
                    "write_token_required": bool(config.token)}

        return JSONResponse(state.cached(("meta",), compute))

    @router.get("/control/shares", response_model=ShareOut, responses=ERRORS, tags=["control"],
                summary="Each actor's share of Syria's territory on a date")
    def control_shares(request: Request, date: DayParam = None) -> JSONResponse:
        state = _state(request)
        day = _day(date)
        shares = state.cached(("shares", day), lambda: state.backend.shares(day))
        return JSONResponse({"date": day.isoformat(), "shares": shares})

    @router.get("/control/geojson", response_model=GeoJSONOut, responses=ERRORS, tags=["control"],
                summary="Control areas on a date as GeoJSON, coloured by actor on the map")
    def control_geojson(request: Request, date: DayParam = None) -> JSONResponse:
        state = _state(request)
        day = _day(date)
        return JSONResponse(state.cached(("control", day), lambda: state.backend.control_geojson(day)))

    @router.get("/control/series", response_model=SeriesOut, responses=ERRORS, tags=["control"],
                summary="Shares over time, sampled at evenly spaced dates (for the chart)")
    def control_series(request: Request, start: DayParam = None, end: DayParam = None,
                       points: Annotated[int, Query(ge=1, le=120)] = 24) -> JSONResponse:
        state = _state(request)
        be = state.backend
        index = state.read.current()
        lo, hi = index.date_range() if index is not None else state.cached(("range",), be.date_range)
        d_end = parse_day(end, name="end") or _first_day(hi) or dt.date.today()
        d_start = parse_day(start, name="start") or _first_day(lo) or d_end - dt.timedelta(days=365)

        def compute() -> dict[str, Any]:
            days = _series_dates(d_start, d_end, points)
            series: dict[str, list[float]] = {}
            for i, day in enumerate(days):
                for s in be.shares(day):
                    actor = str(s.get("actor"))
                    series.setdefault(actor, [0.0] * len(days))[i] = float(s.get("percent", 0.0))
            return {"dates": [d.isoformat() for d in days], "series": series}

        return JSONResponse(state.cached(("series", d_start, d_end, points), compute))

    @router.get("/sieges", response_model=ItemsOut, responses=ERRORS, tags=["control"],
                summary="Sieges in force on a date (all sieges when no date is given)")
    def sieges(request: Request, date: Annotated[str | None, Query(description="YYYY-MM-DD")] = None) -> JSONResponse:
        state = _state(request)
        day = parse_day(date, name="date")
        items = state.cached(("sieges", day), lambda: state.backend.sieges(day))
        return JSONResponse({"items": items, "total": len(items)})

    @router.get("/sites", response_model=ItemsOut, responses=ERRORS, tags=["control"],
                summary="Resource sites (oil and gas fields, dams, crossings, bases) and who holds them")
    def sites(request: Request, date: Annotated[str | None, Query(description="YYYY-MM-DD")] = None) -> JSONResponse:
        state = _state(request)
        day = parse_day(date, name="date")
        items = state.cached(("sites", day), lambda: state.backend.sites(day))
        return JSONResponse({"items": items, "total": len(items)})

    @router.get("/claims", response_model=ItemsOut, responses=ERRORS, tags=["control"],
                summary="Quantitative claims made by sources, checked against the control layer")
    def claims(request: Request) -> JSONResponse:
        state = _state(request)
        items = state.cached(("claims",), state.backend.claims)
        return JSONResponse({"items": items, "total": len(items)})

    @router.get("/boundaries", response_model=GeoJSONOut, responses=ERRORS, tags=["meta"],
                summary="Governorate boundaries (GeoJSON)")
    def boundaries(request: Request) -> JSONResponse:
        state = _state(request)
        geo = state.cached(("boundaries",), state.backend.boundaries)
        if geo is None:
            return JSONResponse({"type": "FeatureCollection", "features": []})
        return JSONResponse(geo)

    return router
