"""Documents, events, clusters and exports."""


import datetime as dt
import hashlib
import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from marsad.api.backend import Backend, EventQuery, Page
from marsad.api.config import ApiConfig, require_write_token
from marsad.api.errors import ErrorResponse, api_error
from marsad.api.params import event_filters, parse_day
from marsad.api.schemas import (
    ClusterAnswer,
    DocumentBatchIn,
    DocumentIn,
    DocumentOut,
    DocumentPage,
    EventOut,
    EventPage,
    IngestAnswer,
)
from marsad.api.state import AppState
from marsad.errors import MalformedError
from marsad.export import FORMATS, write_export
from marsad.export.geojson import sieges_collection
from marsad.export.jsonl import event_json
from marsad.model import Document

ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorResponse, "description": d}
    for s, d in ((400, "Bad parameter"), (404, "Not found"), (422, "Validation failed"), (500, "Internal error"))
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 401: {"model": ErrorResponse, "description": "API token missing or wrong"},
    413: {"model": ErrorResponse, "description": "Body too large"},
    415: {"model": ErrorResponse, "description": "Unsupported content type"},
}


def _page_json(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset,
            "next_offset": page.next_offset}


def _to_document(item: DocumentIn) -> Document:
    published = parse_day(item.published, name="published") if item.published else None
    text = item.text
    doc_id = item.id or "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Document(id=doc_id, text=text, url=item.url, outlet=item.outlet, published=published,
                    language=item.language, title=item.title)


def _parse_ingest_body(raw: bytes, content_type: str, params: dict[str, str]) -> list[DocumentIn]:
    ctype = content_type.split(";")[0].strip().lower()
    try:
        if ctype in ("application/json", ""):
            try:
                data = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise MalformedError(f"body is not valid UTF-8 JSON: {exc}") from None
            if isinstance(data, list):
                return [DocumentIn.model_validate(d) for d in data]
            if isinstance(data, dict) and "documents" in data:
                return list(DocumentBatchIn.model_validate(data).documents)
            return [DocumentIn.model_validate(data)]
        if ctype == "text/plain":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedError("text/plain body is not UTF-8") from None
            meta = {k: params[k] for k in ("id", "url", "outlet", "published", "title") if k in params}
            return [DocumentIn(text=text, **meta)]
    except ValidationError as exc:
        detail = [{"loc": [str(x) for x in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        raise api_error(422, "document failed validation", detail=detail) from None
    raise api_error(415, f"unsupported content type {ctype!r}: send application/json or text/plain")


_INGEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/DocumentIn"},
            {"$ref": "#/components/schemas/DocumentBatchIn"},
            {"type": "array", "items": {"$ref": "#/components/schemas/DocumentIn"}}]}},
        "text/plain": {"schema": {"type": "string"}},
    },
}


def build_router(config: ApiConfig) -> APIRouter:
    router = APIRouter(prefix="/api")
    filters = event_filters(config)

    def backend(request: Request) -> Backend:
        state: AppState = request.app.state.marsad
        return state.backend

    @router.post("/documents", status_code=201, response_model=IngestAnswer, responses=WRITE_ERRORS,
                 tags=["documents"], summary="Ingest reports (JSON or plain text) and extract their facts",
                 openapi_extra={"requestBody": _INGEST_BODY})
    async def post_documents(request: Request) -> JSONResponse:
        require_write_token(config, {k.lower(): v for k, v in request.headers.items()})
        raw = await request.body()
        items = _parse_ingest_body(raw, request.headers.get("content-type", ""), dict(request.query_params))
        if not items:
            raise api_error(422, "no documents in the request")
        if len(items) > config.max_docs_per_request:
            raise api_error(413, f"{len(items)} documents in one request; the limit is "
                            f"{config.max_docs_per_request}", detail={"limit": config.max_docs_per_request})
        docs = [_to_document(i) for i in items]
        be = backend(request)
        outcomes = await run_in_threadpool(be.ingest, docs)
        request.app.state.marsad.invalidate()
        body = {"added": sum(o.status == "added" for o in outcomes),
                "duplicates": sum(o.status == "duplicate" for o in outcomes),
                "rejected": sum(o.status == "rejected" for o in outcomes),
                "results": [asdict(o) for o in outcomes]}
        return JSONResponse(body, status_code=201)

    @router.get("/documents", response_model=DocumentPage, responses=ERRORS, tags=["documents"],
                summary="List stored documents")
    def list_documents(request: Request,
                       limit: Annotated[int, Query(ge=1, le=config.max_page_size)] = config.default_page_size,
                       offset: Annotated[int, Query(ge=0)] = 0) -> JSONResponse:
        page = backend(request).documents(limit=limit, offset=offset)
        return JSONResponse(_page_json(page, [asdict(d) for d in page.items]))

    @router.get("/documents/{doc_id}", response_model=DocumentOut, responses=ERRORS, tags=["documents"],
                summary="One document: its text and what marsad read in it")
    def get_document(request: Request, doc_id: str) -> JSONResponse:
        view = backend(request).document(doc_id)
        if view is None:
            raise api_error(404, f"no document {doc_id!r}")
        d = view.document
        return JSONResponse({"id": d.id, "text": d.text, "url": d.url, "outlet": d.outlet,
                             "published": d.published.isoformat() if d.published else None, "title": d.title,
                             "language": d.language, "facts": view.facts})

    @router.get("/events", response_model=EventPage, responses=ERRORS, tags=["events"],
                summary="Events, filtered and paginated (newest first)")
    def list_events(request: Request, query: Annotated[EventQuery, Depends(filters)]) -> Response:
        state: AppState = request.app.state.marsad
        index = state.read.current()
        if index is None:  # the read model is (re)building: ask the store
            page = backend(request).events(query)
            return JSONResponse(_page_json(page, [event_json(e) for e in page.items]))
        blobs, total = index.page(query)
        nxt = query.offset + len(blobs)
        tail = {"total": total, "limit": query.limit, "offset": query.offset,
                "next_offset": nxt if blobs and nxt < total else None}
        body = b'{"items":[' + b",".join(blobs) + b"]," + json.dumps(tail).encode()[1:]
        return Response(body, media_type="application/json")

    @router.get("/events/clusters", response_model=ClusterAnswer, responses=ERRORS, tags=["events"],
                summary="Events in the viewport grouped on a grid for the map (one cluster per cell)")
    def event_clusters(request: Request, query: Annotated[EventQuery, Depends(filters)],
                       zoom: Annotated[int, Query(ge=0, le=22, description="Map zoom level")] = 7) -> JSONResponse:
        state: AppState = request.app.state.marsad
        index = state.read.wait()
        if index is None:
            raise api_error(503, "the event index is still being built; try again shortly")
        if zoom > CACHED_ZOOM:  # small areas: cluster the viewport's points directly
            return JSONResponse(index.clusters(query, zoom=zoom, max_cells=config.max_grid_cells))
        # country-wide cells per filter set and zoom, cached per store revision; the viewport only clips them
        base = replace(query, bbox=None, limit=1, offset=0)
        full = state.cached(("clusters", base, zoom), lambda: index.clusters(base, zoom=zoom, max_cells=100_000))
        return JSONResponse(clip_clusters(full, query.bbox, max_cells=config.max_grid_cells))

    @router.get("/events/{event_id}", response_model=EventOut, responses=ERRORS, tags=["events"],
                summary="One event with its evidence")
    def get_event(request: Request, event_id: str) -> Response:
        state: AppState = request.app.state.marsad
        index = state.read.current()
        if index is not None:
            blob = index.blob(event_id)
            if blob is None:
                raise api_error(404, f"no event {event_id!r}")
            return Response(blob, media_type="application/json")
        ev = backend(request).event(event_id)
        if ev is None:
            raise api_error(404, f"no event {event_id!r}")
        return JSONResponse(event_json(ev))

    @router.get("/export", tags=["export"], responses={
        **ERRORS, 200: {"description": "The export file", "content": {
            "text/csv": {"schema": {"type": "string"}}, "application/geo+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/x-ndjson": {"schema": {"type": "string"}}}}},
        summary="Export events (ACLED CSV, GeoJSON, PLOVER JSON, JSONL); GeoJSON also of control or sieges")
    def export(request: Request, query: Annotated[EventQuery, Depends(filters)],
               format: Annotated[str, Query(description="acled, geojson, plover or jsonl")] = "acled",
               layer: Annotated[str, Query(description="GeoJSON layer: events, control or sieges")] = "events",
               date: Annotated[str | None, Query(description="Date (YYYY-MM-DD) for the control or sieges layer")]
               = None) -> StreamingResponse:
        if format not in FORMATS:
            raise api_error(400, f"unknown format {format!r}", detail={"allowed": list(FORMATS)})
        if layer not in ("events", "control", "sieges"):
            raise api_error(400, f"unknown layer {layer!r}", detail={"allowed": ["events", "control", "sieges"]})
        if layer != "events" and format != "geojson":
            raise api_error(400, f"the {layer} layer exports as geojson only")
        be = backend(request)
        media, ext = FORMATS[format]
        if layer != "events":
            day = parse_day(date, name="date") or dt.date.today()
            data = be.control_geojson(day) if layer == "control" else sieges_collection(be.sieges(day))
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            return StreamingResponse(iter([body]), media_type=media, headers=_attachment(f"marsad-{layer}.{ext}"))
        spool = tempfile.SpooledTemporaryFile(max_size=16_000_000, mode="w+b")  # noqa: SIM115
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        rows = _bounded(be.iter_events(query), config.max_export_rows)
        write_export(format, rows, text, actors=be.actor_lookup())
        text.flush()
        text.detach()
        spool.seek(0)
        return StreamingResponse(_chunks(spool), media_type=media, headers=_attachment(f"marsad-events.{ext}"))

    return router


CACHED_ZOOM = 10


def clip_clusters(full: dict[str, Any], bbox: tuple[float, float, float, float] | None, *,
                  max_cells: int) -> dict[str, Any]:
    """The cached country-wide clusters whose centre lies in ``bbox``."""
    cells = full["clusters"]
    if bbox is not None:
        w, s, e, n = bbox
        cells = [c for c in cells if w <= c["lon"] <= e and s <= c["lat"] <= n]
    if len(cells) > max_cells:
        cells = sorted(cells, key=lambda c: -c["count"])[:max_cells]
    return {**full, "total": sum(c["count"] for c in cells), "clusters": cells}


def _bounded(rows: Iterator[Any], limit: int) -> Iterator[Any]:
    for i, r in enumerate(rows):
        if i >= limit:
            return
        yield r


def _chunks(fp: Any, size: int = 256 * 1024) -> Iterator[bytes]:
    try:
        while chunk := fp.read(size):
            yield chunk
    finally:
        fp.close()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
