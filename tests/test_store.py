"""The store suite, run on SQLite and on PostgreSQL (when MARSAD_TEST_PG is set): same behaviour on both."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from marsad.errors import ConfigError, StoreError
from marsad.ingest import Rejection
from marsad.model import Document
from marsad.store import DocumentFilter, EventFilter, FactFilter, open_store
from marsad.store.migrations import LATEST_VERSION
from test_store_support import BACKENDS, ResultBuilder, fresh_store, simple_result, write_concurrently

T1 = ("قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي يوم الثلاثاء، ما أدى إلى مقتل أربعة مدنيين، "
      "وسيطرت فصائل المعارضة على تلة قريبة.")
T2 = ("أفاد مراسلون بأن مدفعية النظام استهدفت كفرنبل بعشرات القذائف صباح الثلاثاء، وقتل في القصف "
      "أربعة أشخاص بينهم طفل.")
T3 = "فرضت قوات النظام حصارا على أحياء درعا البلد منذ عام 2021، ويقدر عدد المحاصرين بنحو عشرين ألفا."
T4 = ("قال التقرير إن قوات سوريا الديمقراطية تسيطر على نحو 27 في المئة من مساحة سوريا، "
      "فيما يسيطر النظام على أكثر من ستين في المئة.")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_store(request.param, tmp_path) as s:
        yield s


def shelling(doc_id: str, text: str, evidence: str, *, outlet: str, url: str | None = None, date="2019-08-13",
             type_="shelling_artillery_missile", actor1="syria_government_assad"):
    b = ResultBuilder(doc_id, text, url=url, outlet=outlet, published="2019-08-14")
    b.actor("النظام", actor1)
    kfr = b.place("كفرنبل", place_id="G163", name_en="Kafr Nabl", governorate="Idlib", lat=35.61, lon=36.56)
    b.event(type_, actor1, evidence, actor2="civilians", place=kfr, date=date, fatalities=4)
    return b


def test_schema_version_recorded_and_reopen_is_stable(store):
    assert store.schema_version == LATEST_VERSION
    assert store.stats().schema_version == LATEST_VERSION


def test_add_and_read_back_every_fact_kind(store):
    b = shelling("d1", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ")
    tal = b.place("تلة قريبة")
    b.control_fact("syrian_opposition", "وسيطرت فصائل المعارضة على تلة قريبة", place=tal, date="2019-08-13")
    b.event("armed_clash", "syrian_opposition", "وسيطرت فصائل المعارضة", suppressed=True)
    out = store.add(b.build(), raw=T1.encode("utf-8"), source="test")
    assert (out.status, out.doc_id, out.events, out.control, out.revision) == ("stored", "d1", 1, 1, 1)

    [ev] = store.events()
    assert ev.event == b.events[0]  # rebuilt losslessly with from_dict
    assert (ev.doc_id, ev.outlet, ev.published, ev.sources) == ("d1", "مرصد أ", dt.date(2019, 8, 14), 1)
    assert ev.evidence == "قصفت قوات النظام بلدة كفرنبل" and ev.sentence == T1
    assert len(ev.id) == 16 and store.event(ev.id) == ev

    [cf] = store.control_facts()
    assert cf.fact == b.control[0] and cf.context.evidence.startswith("وسيطرت") and cf.context.doc_id == "d1"
    assert [e.event.modality for e in store.events(EventFilter(include_suppressed=True))] == ["asserted",
                                                                                              "hypothetical"]
    doc = store.document("d1")
    assert doc is not None and doc.document.text == T1 and doc.document.outlet == "مرصد أ"
    assert doc.content_hash == Document(id="x", text=T1).content_hash
    res = store.result("d1")
    assert res is not None and res.document.text == T1 and res.events == tuple(b.events)
    assert res.places == tuple(b.places) and res.suppressed == tuple(b.suppressed)


def test_sieges_quantities_and_claims(store):
    b = ResultBuilder("d3", T3, outlet="نشرة الجنوب", published="2021-07-05")
    daraa = b.place("درعا البلد", place_id="G1", name_en="Daraa al-Balad", governorate="Daraa", lat=32.61, lon=36.1)
    b.siege("فرضت قوات النظام حصارا على أحياء درعا البلد", place=daraa, besieger="syria_government_assad",
            since="2021")
    b.quantity("besieged_civilians", 20000, "نحو عشرين ألفا")
    store.add(b.build())
    c = ResultBuilder("d4", T4, outlet="مركز دراسات", published="2020-01-10")
    c.quantity("share_of_territory", 27, "27 في المئة", subject="sdf", unit="percent")
    c.quantity("share_of_territory", 60, "أكثر من ستين في المئة", subject="syria_government_assad", unit="percent")
    store.add(c.build())

    [s] = store.sieges(FactFilter(status="ongoing"))
    assert s.fact.since == "2021" and s.fact.besieger == "syria_government_assad" and s.context.doc_id == "d3"
    assert store.sieges(FactFilter(status="broken")) == []
    assert [q.fact.value for q in store.quantities(FactFilter(metric="share_of_territory"))] == [27.0, 60.0]
    claims = store.claims(FactFilter(actor="sdf"))
    assert [(c.claim.claimant_outlet, c.claim.value, c.claim.subject) for c in claims] == [("مركز دراسات", 27.0,
                                                                                            "sdf")]
    assert store.quantities(FactFilter(metric="besieged_civilians"))[0].fact.value == 20000.0


def test_idempotent_by_content_hash(store):
    r = shelling("d1", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build()
    assert store.add(r).status == "stored"
    again = store.add(r)
    assert again.status == "duplicate"
    # the same text under another id and URL is still the same document
    other = simple_result("copy", T1, url="https://elsewhere.example/x")
    assert store.add(other).status == "duplicate"
    st = store.stats()
    assert (st.documents, st.events, st.revisions) == (1, 1, 0)


def test_changed_page_at_same_url_is_a_revision(store):
    url = "https://example.org/news/42"
    v1 = shelling("p42", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ", url=url).build()
    t1b = T1 + " (تحديث: ارتفع عدد القتلى إلى خمسة)"
    v2 = shelling("p42", t1b, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ", url=url).build()
    assert store.add(v1).status == "stored"
    out = store.add(v2)
    assert (out.status, out.revision) == ("revision", 2)
    assert store.add(v1).status == "duplicate"  # the old text is still known
    assert store.document(url).document.text == t1b
    assert store.document("p42").revision == 2
    assert len(store.events()) == 1  # the superseded revision's facts are not returned
    assert store.stats().revisions == 1
    old = [d for d in store.documents(DocumentFilter(include_superseded=True)) if not d.is_current]
    assert [d.revision for d in old] == [1]
    # without a URL, the same id with new text is a revision too
    assert store.add(simple_result("nourl", T3)).status == "stored"
    assert store.add(simple_result("nourl", T3 + " ملحق")).status == "revision"
    # the same id from two sources is two documents
    assert store.add(simple_result("1", T4), source="a.csv").status == "stored"
    assert store.add(simple_result("1", T4 + " آخر"), source="b.csv").status == "stored"
    assert store.add(simple_result("1", T4 + " معدل"), source="b.csv").status == "revision"


def test_corroboration_across_sources(store):
    a = shelling("a", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build()
    b = shelling("b", T2, "مدفعية النظام استهدفت كفرنبل", outlet="مرصد ب").build()
    # same day, place and actors but another type and unrelated wording: a different event
    c = shelling("c", T3 + " قرب كفرنبل", "فرضت قوات النظام حصارا", outlet="مرصد ج", type_="siege_imposed").build()
    # another day: a different event
    d = shelling("d", T4 + " وفي كفرنبل", "يسيطر النظام على أكثر", outlet="مرصد د", date="2019-08-20").build()
    for r in (a, b, c, d):
        store.add(r)
    evs = store.events()
    assert len(evs) == 4
    by_doc = {e.doc_id: e for e in evs}
    assert by_doc["a"].canonical_id == by_doc["b"].canonical_id
    assert len({by_doc[k].canonical_id for k in "acd"}) == 3
    assert by_doc["a"].sources == by_doc["b"].sources == 2 and by_doc["c"].sources == 1
    assert {e.doc_id for e in store.events(EventFilter(min_sources=2))} == {"a", "b"}
    assert [e.doc_id for e in store.events(EventFilter(min_sources=2, distinct=True))] == ["a"]
    st = store.stats()
    assert (st.canonical_events, st.corroborated_events) == (3, 1)


def test_similar_wording_merges_different_types(store):
    a = shelling("a", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build()
    b = shelling("b", T1 + " تكرار", "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد ب", type_="air_drone_strike")
    store.add(a)
    store.add(b.build())
    assert len({e.canonical_id for e in store.events()}) == 1


def test_near_duplicates_cluster_and_do_not_inflate_sources(store):
    a = shelling("wire", T1 * 3, "قصفت قوات النظام بلدة كفرنبل", outlet="وكالة").build()
    copy_text = T1 * 3 + " المصدر: وكالة"
    b = shelling("copy", copy_text, "قصفت قوات النظام بلدة كفرنبل", outlet="موقع ناقل").build()
    oa, ob = store.add(a), store.add(b)
    assert ob.status == "stored" and ob.near_duplicate_of == oa.row_id and ob.cluster_id == oa.cluster_id
    evs = store.events()
    assert len(evs) == 2 and {e.sources for e in evs} == {1}
    st = store.stats()
    assert (st.documents, st.clusters, st.near_duplicates) == (2, 1, 1)
    assert [d.document.id for d in store.documents(DocumentFilter(cluster_id=oa.cluster_id))] == ["wire", "copy"]
    unrelated = store.add(simple_result("other", T3))
    assert unrelated.near_duplicate_of is None and unrelated.cluster_id == unrelated.row_id


def test_event_filters(store):
    store.add(shelling("a", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build())
    b = ResultBuilder("z", T4, outlet="مرصد ز", published="2020-01-10")
    b.event("armed_clash", "sdf", "قوات سوريا الديمقراطية تسيطر", actor2="islamic_state",
            place=b.place("سوريا", place_id="SY", name_en="Syria", lat=35.0, lon=38.5), date="2020-01-09")
    store.add(b.build())
    ids = lambda **kw: sorted(e.doc_id for e in store.events(EventFilter(**kw)))
    assert ids() == ["a", "z"]
    assert ids(date_from="2020") == ["z"] and ids(date_to="2019-08") == ["a"]
    assert ids(date_from="2019-08-13", date_to="2019-08-13") == ["a"]
    assert ids(actor="islamic_state") == ["z"] and ids(actor="syria_government_assad") == ["a"]
    assert ids(type="armed_clash") == ["z"]
    assert ids(governorate="idlib") == ["a"]
    assert ids(place="Kafr Nabl") == ["a"] and ids(place="كفرنبل") == ["a"] and ids(place="G163") == ["a"]
    assert ids(bbox=(36.0, 35.0, 37.0, 36.0)) == ["a"]
    assert ids(text="كفرنبل") == ["a"] and ids(text="الديمقراطيه") == ["z"]  # folded: ة ≡ ه
    assert ids(text="100%_") == []
    assert ids(doc_id="z") == ["z"]
    assert ids(limit=1) == ["a"] and ids(limit=1, offset=1) == ["z"] and ids(limit=None, offset=1) == ["z"]
    assert store.count_events(EventFilter(date_from="2019")) == 2
    assert ids(actor=("islamic_state", "syria_government_assad")) == ["a", "z"]
    assert ids(type=("armed_clash", "siege_imposed")) == ["z"] and ids(governorate=("Idlib", "Raqqa")) == ["a"]
    assert [e.doc_id for e in store.events(EventFilter(newest_first=True))] == ["z", "a"]
    undated = ResultBuilder("u", T3)  # no event date, no published date: listed last on both stores
    undated.event("siege_imposed", "syria_government_assad", "فرضت قوات النظام حصارا")
    store.add(undated.build())
    assert [e.doc_id for e in store.events()] == ["a", "z", "u"]
    assert [e.doc_id for e in store.events(EventFilter(newest_first=True))] == ["z", "a", "u"]
    assert store.date_range() == ("2019-08-13", "2020-01-09")


def test_failures_upsert_list_and_resolve(store):
    rej = Rejection("dir/bad.json", "dir/bad.json", "M105", "malformed JSON")
    store.add_failure(rej)
    store.add_failure(rej)
    doc = Document(id="big", text="نص " * 10)
    store.add_failure(Rejection("batch.jsonl", "big", "M104", "too long"), document=doc)
    fails = store.failures()
    assert [(f.source, f.doc_id, f.code, f.attempts, f.has_payload) for f in fails] == [
        ("dir/bad.json", "dir/bad.json", "M105", 2, False), ("batch.jsonl", "big", "M104", 1, True)]
    assert store.failure_payload(fails[1].id) == doc
    assert store.stats().failures_by_code == (("M104", 1), ("M105", 1))
    store.add(simple_result("big", "نص " * 10))  # storing the document resolves its failure
    assert [f.doc_id for f in store.failures()] == ["dir/bad.json"]
    store.resolve_failure(fails[0].id)
    assert store.failures() == [] and len(store.failures(include_resolved=True)) == 2
    assert store.stats().failures_resolved == 2


def test_documents_listing_and_document_facts(store):
    store.add(shelling("a", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build())
    store.add(simple_result("b", T3, outlet="نشرة الجنوب", published="2021-07-05"))
    docs = store.documents(DocumentFilter(outlet="نشرة الجنوب"))
    assert [d.document.id for d in docs] == ["b"]
    assert [d.document.id for d in store.documents(DocumentFilter(text="درعا"))] == ["b"]
    assert [d.document.id for d in store.documents(DocumentFilter(date_from="2021"))] == ["b"]
    assert store.count_documents() == 2 and store.document("missing") is None
    facts = {f.doc_id: f for f in store.document_facts()}
    assert len(facts["a"].events) == 1 and facts["b"].events == () and facts["b"].published == dt.date(2021, 7, 5)


def test_revision_changes_with_data(store):
    assert store.date_range() == (None, None)
    r0 = store.revision()
    store.add(simple_result("a", T1))
    r1 = store.revision()
    store.add(simple_result("a", T1))
    assert store.revision() == r1 != r0
    store.add_failure(Rejection("x", None, "M103", "empty"))
    assert store.revision() != r1


def test_store_not_picklable(store):
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(store)


def test_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel.db") as s:
        assert s.dialect == "sqlite"
    assert (tmp_path / "rel.db").exists()
    with open_store(f"sqlite:///{tmp_path}/abs.db"):
        pass
    assert (tmp_path / "abs.db").exists()
    with pytest.raises(ConfigError):
        open_store("mysql://x/y")
    monkeypatch.setenv("HOME", str(tmp_path))
    with open_store(None) as s:
        assert s.url.endswith(".local/share/marsad/marsad.db")


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "m.db"
    open_store(path).close()
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'now')")
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_concurrent_writers_same_documents(store):
    """Two connections (threads) writing the same batch in opposite orders: each document once, sources right."""
    results = [shelling(f"c{i}", f"{T1} رقم {i} " + "نص " * i, "قصفت قوات النظام بلدة كفرنبل", outlet=f"مرصد {i}")
               .build() for i in range(12)]
    errors = write_concurrently(store.url, [results, results[::-1]])
    assert errors == []
    assert store.count_documents() == 12
    evs = store.events()
    assert len(evs) == 12 and len({e.canonical_id for e in evs}) == 1
    assert {e.sources for e in evs} == {store.stats().clusters}


@pytest.mark.parametrize("backend", BACKENDS)
def test_forward_only_migrations(backend, tmp_path):
    from marsad.store.backend import connect, migrate
    from marsad.store.migrations import MIGRATIONS, Migration
    from test_store_support import store_url

    future = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "a note column", "ALTER TABLE documents ADD COLUMN note TEXT"))
    with store_url(backend, tmp_path) as url:
        with open_store(url) as s:
            s.add(simple_result("a", T1))
        conn = connect(url)
        assert migrate(conn, future) == LATEST_VERSION + 1
        assert migrate(conn, future) == LATEST_VERSION + 1  # applied once: a second ALTER would fail
        assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")] == [
            m.version for m in future]
        assert conn.execute("SELECT doc_id, note FROM documents") == [("a", None)]  # data kept
        conn.close()
        with pytest.raises(StoreError, match="newer"):
            open_store(url)  # this marsad knows only LATEST_VERSION


def test_revision_without_the_event_lowers_corroboration(store):
    url = "https://example.org/b"
    store.add(shelling("a", T1, "قصفت قوات النظام بلدة كفرنبل", outlet="مرصد أ").build())
    store.add(shelling("b", T2, "مدفعية النظام استهدفت كفرنبل", outlet="مرصد ب", url=url).build())
    assert {e.sources for e in store.events()} == {2}
    corrected = simple_result("b", "تصحيح: لم يقع أي قصف على البلدة، والخبر السابق غير دقيق.", url=url)
    assert store.add(corrected).status == "revision"
    [ev] = store.events()
    assert ev.doc_id == "a" and ev.sources == 1
    assert store.stats().corroborated_events == 0
