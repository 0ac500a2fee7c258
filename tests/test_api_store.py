"""``StoreBackend`` over a real SQLite store: ordering, pagination, multi-valued filters, points, failures, control."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from marsad.api import create_app
from marsad.api.backend import EventQuery
from marsad.api.store_backend import StoreBackend
from marsad.store import open_store
from test_api_support import REPORT_1, REPORT_2, REPORT_3, AsgiClient, doc, fake_pipeline

SARAQIB = ("إدلب - سيطرت قوات النظام على مدينة سراقب في ريف إدلب الشرقي بعد اشتباكات عنيفة مع فصائل المعارضة "
           "استمرت يومين.")


@pytest.fixture
def backend(tmp_path: Path):
    store = open_store(tmp_path / "b.db")
    be = StoreBackend(store, pipeline=fake_pipeline)
    outcomes = be.ingest([doc(REPORT_2, published="2018-02-10"), doc(REPORT_1, published="2019-05-20"),
                          doc(REPORT_3, published="2019-08-01")])
    assert [o.status for o in outcomes] == ["added"] * 3
    yield be
    store.close()


def test_events_newest_first_with_pages(backend: StoreBackend):
    page = backend.events(EventQuery(limit=10))
    assert page.total == 4
    dates = [e.date for e in page.items]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2019-08-01"
    first, second = backend.events(EventQuery(limit=3)), backend.events(EventQuery(limit=3, offset=3))
    assert [e.id for e in first.items + second.items] == [e.id for e in page.items]
    assert first.next_offset == 3 and second.next_offset is None
    assert backend.events(EventQuery(offset=10)).items == ()


def test_filters_reach_the_store(backend: StoreBackend):
    def ids(**kw: object) -> set[str]:
        return {e.id for e in backend.events(EventQuery(limit=50, **kw)).items}  # type: ignore[arg-type]

    assert len(ids(types=("armed_clash",))) == 2
    assert ids(types=("armed_clash", "air_drone_strike")) == ids(types=("armed_clash",)) | ids(
        types=("air_drone_strike",))
    assert ids(actors=("sdf", "islamic_state")) == ids(actors=("sdf",))
    assert len(ids(governorates=("Hama",))) == 1
    assert len(ids(governorates=("Hama", "Aleppo"))) == 2
    assert len(ids(bbox=(36.3, 35.3, 36.7, 35.6))) == 1
    assert len(ids(date_from="2019-06")) == 1
    assert len(ids(text="منبج")) == 1
    everything = list(backend.iter_events(EventQuery()))
    assert len(everything) == 4 and {e.id for e in everything} == ids()


def test_points_range_documents_and_failures(backend: StoreBackend):
    every = list(backend.iter_events(EventQuery()))
    assert [e.date for e in every] == sorted(e.date for e in every)  # oldest first, as the store orders
    assert [e.id for e in backend.all_events()] == [e.id for e in every]  # read on its own connection
    assert backend.date_range() == ("2018-02-10", "2019-08-01")
    docs = backend.documents(limit=2, offset=0)
    assert docs.total == 3 and len(docs.items) == 2
    view = backend.document(docs.items[0].id)
    assert view is not None and view.document.text and "events" in view.facts
    assert backend.document("nope") is None
    out = backend.ingest([doc("   "), doc(REPORT_1, published="2019-05-20")])
    assert out[0].status == "rejected" and out[0].error and out[0].error["code"] == "M103"
    assert out[1].status == "duplicate"
    assert backend.counts()["failures_open"] == 1
    one = backend.events(EventQuery(limit=1)).items[0]
    again = backend.event(one.id)
    assert again is not None and again.evidence == one.evidence


def test_api_over_the_store(backend: StoreBackend):
    client = AsgiClient(create_app(backend))
    try:
        assert client.get("/api/events?limit=2").json()["next_offset"] == 2
        assert client.get("/api/events/clusters?zoom=5").json()["total"] == 4
        assert client.get("/api/meta").json()["date_max"] == "2019-08-01"
    finally:
        client.close()


@pytest.mark.slow
def test_control_through_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The real pipeline and control layer: a capture gives the government a share and a map polygon."""
    monkeypatch.setenv("MARSAD_CONTROL_DIR", str(tmp_path / "control"))
    store = open_store(tmp_path / "c.db")
    try:
        be = StoreBackend(store)
        assert be.ingest([doc(SARAQIB, published="2020-02-08")])[0].status == "added"
        shares = {s["actor"]: s["percent"] for s in be.shares(dt.date(2020, 3, 1))}
        assert shares.get("syria_government_assad", 0) > 0
        assert abs(sum(shares.values()) - 100) < 0.5
        geo = be.control_geojson(dt.date(2020, 3, 1))
        actors = {f["properties"]["actor"] for f in geo["features"]}
        assert "syria_government_assad" in actors
        before = {s["actor"]: s["percent"] for s in be.shares(dt.date(2019, 1, 1))}
        assert before.get("syria_government_assad", 0) == 0
        bounds = be.boundaries()
        assert bounds is not None and len(bounds["features"]) == 14
        assert any(s["name"] for s in be.sites(dt.date(2020, 3, 1)))
        assert isinstance(be.claims(), list) and isinstance(be.sieges(None), list)
    finally:
        store.close()


def test_read_model_answers_like_the_store(backend: StoreBackend):
    """The in-memory index (fast path) gives the same pages, totals and order as the store (slow path)."""
    import json

    from marsad.api.readmodel import EventIndex

    backend.ingest([doc(SARAQIB.replace("يومين", "ثلاثة أيام"), published="2020-02-08")])
    index = EventIndex.build(backend.revision(), backend.iter_events(EventQuery()))
    queries = [EventQuery(limit=2), EventQuery(limit=2, offset=2), EventQuery(types=("armed_clash",)),
               EventQuery(actors=("sdf",)), EventQuery(governorates=("HAMA",)), EventQuery(bbox=(36.3, 35.3, 37, 36)),
               EventQuery(date_from="2019"), EventQuery(date_to="2018-02-10"), EventQuery(date_from="2019-05-21"),
               EventQuery(text="منبج"), EventQuery(min_sources=2), EventQuery(doc_id=doc(REPORT_3).id),
               EventQuery(types=("armed_clash", "air_drone_strike"), actors=("syrian_opposition", "sdf"))]
    for q in queries:
        slow = backend.events(q)
        blobs, total = index.page(q)
        assert total == slow.total, q
        assert [json.loads(b)["id"] for b in blobs] == [e.id for e in slow.items], q
    lo, hi = index.date_range()
    assert (lo, hi) == backend.date_range()
