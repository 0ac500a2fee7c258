"""The HTTP API in-process (FastAPI AsgiClient over an in-memory backend): shapes, filters, limits, errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from marsad.api import ApiConfig, create_app
from marsad.api.config import is_loopback
from marsad.api.errors import HTTP_CODES
from marsad.api.schemas import ClusterAnswer, DocumentOut, EventOut, EventPage, IngestAnswer, MetaOut
from marsad.api.server import bind_warning, resolve_token
from marsad.export.acled import COLUMNS
from test_api_support import REPORT_1, REPORT_2, REPORT_3, AsgiClient, MemoryBackend, synthetic_events

TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


CLIENTS: list[AsgiClient] = []


def make_client(backend: MemoryBackend | None = None, **config: object) -> AsgiClient:
    app = create_app(backend or MemoryBackend(), config=ApiConfig(**config))  # type: ignore[arg-type]
    c = AsgiClient(app)
    CLIENTS.append(c)
    return c


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while CLIENTS:
        CLIENTS.pop().close()


@pytest.fixture
def client() -> AsgiClient:
    c = make_client(token=TOKEN, max_body_bytes=20_000, max_page_size=50, max_docs_per_request=5)
    body = {"documents": [{"text": t, "published": p, "outlet": "وكالة تجريبية", "url": f"https://example.org/{i}"}
                          for i, (t, p) in enumerate([(REPORT_1, "2019-05-20"), (REPORT_2, "2018-02-10"),
                                                      (REPORT_3, "2019-08-01")])]}
    r = c.post("/api/documents", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 3
    return c


def assert_error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "error", "message", "detail"}
    assert body["error"]["code"].startswith("M") and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_health_and_meta(client: AsgiClient):
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["counts"]["documents"] == 3 and h["counts"]["events"] == 4
    meta = MetaOut.model_validate(client.get("/api/meta").json())
    assert "armed_clash" in meta.event_types and meta.write_token_required
    assert {a.id for a in meta.actors} >= {"syria_government_assad", "sdf"}
    assert meta.date_min == "2018-02-10" and meta.date_max == "2019-08-01"
    assert meta.limits["max_page_size"] == 50


def test_ingest_shapes_and_duplicates(client: AsgiClient):
    r = client.post("/api/documents", json={"text": REPORT_1, "published": "2019-05-20"}, headers=AUTH)
    ans = IngestAnswer.model_validate(r.json())
    assert r.status_code == 201 and ans.duplicates == 1 and ans.added == 0
    text = "دير الزور - قصف مدفعي على أطراف تدمر صباح اليوم من قبل قوات النظام."
    r = client.post("/api/documents?outlet=x&published=2020-01-02", content=text.encode(),
                    headers={**AUTH, "content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 201 and r.json()["added"] == 1 and r.json()["results"][0]["events"] == 1
    r = client.post("/api/documents", json=[{"text": "   "}, {"text": "حلب - نص بلا أحداث."}], headers=AUTH)
    res = r.json()["results"]
    assert r.status_code == 201 and res[0]["status"] == "rejected" and res[0]["error"]["code"] == "M103"
    assert res[1]["status"] == "added" and res[1]["events"] == 0


def test_writes_need_the_token(client: AsgiClient):
    err = assert_error(client.post("/api/documents", json={"text": REPORT_1}), 401, "M502")
    assert "token" in err["message"]
    assert_error(client.post("/api/documents", json={"text": REPORT_1}, headers={"Authorization": "Bearer nope"}),
                 401, "M502")
    r = client.post("/api/documents", json={"text": REPORT_2 + " "}, headers={"X-API-Token": TOKEN})
    assert r.status_code == 201


def test_no_token_configured_leaves_writes_open():
    c = make_client()
    assert c.post("/api/documents", json={"text": REPORT_3}).status_code == 201


def test_events_list_and_filters(client: AsgiClient):
    page = EventPage.model_validate(client.get("/api/events").json())
    assert page.total == 4 and [e.date for e in page.items] == sorted((e.date for e in page.items), reverse=True)
    ev = page.items[0]
    assert ev.evidence.text and ev.evidence.span[1] > ev.evidence.span[0]

    def ids(**params: object) -> set[str]:
        r = client.get("/api/events", params=params)
        assert r.status_code == 200, r.text
        return {e["id"] for e in r.json()["items"]}

    everything = ids()
    assert ids(type="armed_clash") < everything
    assert all(e["type"] == "armed_clash" for e in client.get("/api/events?type=armed_clash").json()["items"])
    assert ids(type="armed_clash,air_drone_strike") == ids(type="armed_clash") | ids(type="air_drone_strike")
    assert len(ids(actor="sdf")) == 1
    assert len(ids(governorate="hama")) == 1
    assert len(ids(bbox="36.3,35.3,36.7,35.6")) == 1  # Kafr Nabudah only
    assert ids(date_from="2019-06", date_to="2019") == ids(actor="sdf")
    assert ids(date_to="2018-02") == ids(type="air_drone_strike")
    assert len(ids(q="منبج")) == 1
    assert ids(min_sources=2) == set()
    first = client.get("/api/events?limit=3").json()
    assert first["next_offset"] == 3 and len(first["items"]) == 3
    rest = client.get("/api/events?limit=3&offset=3").json()
    assert rest["next_offset"] is None and len(rest["items"]) == 1


def test_one_event_and_document(client: AsgiClient):
    item = client.get("/api/events?type=armed_clash&actor=syrian_opposition").json()["items"][0]
    ev = EventOut.model_validate(client.get(f"/api/events/{item['id']}").json())
    assert ev.place is not None and ev.place.surface == "كفرنبودة"
    assert "كفرنبودة" in ev.evidence.text
    doc = DocumentOut.model_validate(client.get(f"/api/documents/{ev.doc_id}").json())
    assert doc.text[ev.evidence.span[0]:ev.evidence.span[1]] == ev.evidence.text
    assert doc.facts["events"]
    listing = client.get("/api/documents?limit=2").json()
    assert listing["total"] == 3 and len(listing["items"]) == 2 and listing["next_offset"] == 2
    assert_error(client.get("/api/events/nope"), 404, "M504")
    assert_error(client.get("/api/documents/nope"), 404, "M504")


def test_clusters_sum_to_the_matches():
    be = MemoryBackend()
    be.add_events(synthetic_events(3000))
    c = make_client(be)
    ans = ClusterAnswer.model_validate(c.get("/api/events/clusters?zoom=6").json())
    assert ans.total == 3000 and sum(x.count for x in ans.clusters) == 3000
    assert len(ans.clusters) < 200
    fine = c.get("/api/events/clusters?zoom=15&bbox=36.3,35.3,36.7,35.6").json()
    listed = c.get("/api/events?bbox=36.3,35.3,36.7,35.6&limit=1").json()["total"]
    assert fine["total"] == listed and sum(x["count"] for x in fine["clusters"]) == listed
    singles = [x for x in fine["clusters"] if x["count"] == 1]
    assert singles and all("id" in x for x in singles)
    one = c.get(f"/api/events/{singles[0]['id']}").json()
    assert abs(one["place"]["lat"] - singles[0]["lat"]) < 1e-4
    typed = c.get("/api/events/clusters?zoom=6&type=armed_clash&date_from=2015&date_to=2016").json()
    assert typed["total"] == c.get("/api/events?type=armed_clash&date_from=2015&date_to=2016").json()["total"]


def test_control_endpoints(client: AsgiClient):
    assert client.get("/api/control/shares?date=2019-01-01").json()["shares"] == []
    shares = client.get("/api/control/shares?date=2019-06-01").json()
    assert shares["date"] == "2019-06-01" and shares["shares"][0]["actor"] == "syria_government_assad"
    geo = client.get("/api/control/geojson?date=2019-06-01").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    series = client.get("/api/control/series?points=5").json()
    assert len(series["dates"]) == 5 and series["series"]["syria_government_assad"][-1] == 100.0
    assert client.get("/api/sites").json()["total"] == 1
    assert client.get("/api/sieges").json()["total"] == 0
    assert client.get("/api/claims").json() == {"items": [], "total": 0}
    assert len(client.get("/api/boundaries").json()["features"]) == 2
    assert_error(client.get("/api/control/shares?date=2019-13-01"), 400, "M501")


def test_exports_over_http(client: AsgiClient):
    r = client.get("/api/export?format=acled&type=armed_clash")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 2
    geo = client.get("/api/export?format=geojson").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    assert len(client.get("/api/export?format=plover").json()) == 4
    lines = client.get("/api/export?format=jsonl").text.strip().splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["id"]
    control = client.get("/api/export?format=geojson&layer=control&date=2019-06-01").json()
    assert len(control["features"]) == 1
    assert_error(client.get("/api/export?format=xlsx"), 400, "M501")
    assert_error(client.get("/api/export?format=acled&layer=control"), 400, "M501")


def test_every_error_has_the_one_shape(client: AsgiClient):
    assert_error(client.get("/api/nowhere"), 404, "M504")
    assert_error(client.get("/definitely/not/here"), 404, "M504")
    assert_error(client.delete("/api/events"), 405, "M505")
    assert_error(client.get("/api/events?limit=51"), 422, "M522")
    assert_error(client.get("/api/events?limit=abc"), 422, "M522")
    assert_error(client.get("/api/events?min_sources=0"), 422, "M522")
    assert_error(client.get("/api/events?bbox=1,2,3"), 400, "M501")
    assert_error(client.get("/api/events?bbox=40,30,35,36"), 400, "M501")
    assert_error(client.get("/api/events?date_from=2019/01/01"), 400, "M501")
    err = assert_error(client.get("/api/events?type=battle"), 400, "M501")
    assert "armed_clash" in err["detail"]["allowed"]
    assert_error(client.post("/api/documents", content=b"{not json", headers={**AUTH, "content-type":
                                                                            "application/json"}), 400, "M105")
    assert_error(client.post("/api/documents", json={"title": "no text"}, headers=AUTH), 422, "M522")
    assert_error(client.post("/api/documents", json={"text": "x", "published": "yesterday"}, headers=AUTH),
                 400, "M501")
    assert_error(client.post("/api/documents", content=b"x", headers={**AUTH, "content-type": "image/png"}),
                 415, "M515")
    assert_error(client.post("/api/documents", json=[{"text": f"نص {i}"} for i in range(6)], headers=AUTH),
                 413, "M513")
    assert_error(client.post("/api/documents", json=[], headers=AUTH), 422, "M522")


def test_body_limit_declared_and_streamed(client: AsgiClient):
    big = json.dumps({"text": "ن" * 30_000}).encode()
    err = assert_error(client.post("/api/documents", content=big, headers={**AUTH, "content-type":
                                                                           "application/json"}), 413, "M513")
    assert err["detail"] == {"limit_bytes": 20_000}

    def chunks():
        for _ in range(10):
            yield b"x" * 5_000

    r = client.post("/api/documents", content=chunks(), headers={**AUTH, "content-type": "text/plain"})
    assert_error(r, 413, "M104")


class Exploding(MemoryBackend):
    def counts(self) -> dict[str, int]:
        raise RuntimeError("disk on fire")


def test_unhandled_errors_keep_the_shape():
    err = assert_error(make_client(Exploding()).get("/api/health"), 500, "M599")
    assert "disk on fire" not in err["message"] and err["detail"] == {"type": "RuntimeError"}


def test_openapi_validates_and_documents_everything(client: AsgiClient):
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for p in ("/api/documents", "/api/documents/{doc_id}", "/api/events", "/api/events/{event_id}",
              "/api/events/clusters", "/api/control/shares", "/api/control/geojson", "/api/control/series",
              "/api/sieges", "/api/sites", "/api/claims", "/api/export", "/api/health", "/api/meta",
              "/api/boundaries"):
        assert p in paths, p
    post = paths["/api/documents"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "text/plain"}
    assert post["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    params = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert params >= {"date_from", "date_to", "actor", "type", "governorate", "bbox", "q", "min_sources", "limit",
                      "offset"}
    assert "/docs" not in paths and client.get("/docs").status_code == 404  # Swagger would load a CDN


def test_error_code_table_is_consistent():
    codes = [c for c, _ in HTTP_CODES.values()]
    assert len(codes) == len(set(codes))



def test_bind_checks_and_token_resolution():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.9")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")
    assert bind_warning("127.0.0.1", None) is None
    assert bind_warning("0.0.0.0", "secret") is None
    warning = bind_warning("0.0.0.0", None)
    assert warning and "MARSAD_API_TOKEN" in warning
    assert resolve_token(None, {"MARSAD_API_TOKEN": "abc"}) == "abc"
    assert resolve_token("cli", {"MARSAD_API_TOKEN": "abc"}) == "cli"
    assert resolve_token(None, {}) is None and resolve_token("", {"MARSAD_API_TOKEN": "abc"}) is None
