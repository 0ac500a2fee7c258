"""The place recogniser stage, on invented Arabic sentences in the style of news reports."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from marsad.geo.gazetteer import Gazetteer
from marsad.model import ActorMention, Document, Span
from marsad.normalize import Segmenter, fold
from marsad.recognize.base import Analysis
from marsad.recognize.places import PlaceRecognizer, make_place_recognizer


@pytest.fixture(scope="module")
def rec() -> PlaceRecognizer:
    return make_place_recognizer(Gazetteer.load())


def analyse(text: str) -> Analysis:
    return Analysis(document=Document(id="t", text=text), folded=fold(text), sentences=Segmenter()(text))


def places(rec: PlaceRecognizer, text: str, actors: tuple[ActorMention, ...] = ()) -> list:
    a = analyse(text)
    out = rec(replace(a, actors=actors)).places
    for p in out:
        assert p.surface == text[p.span.start:p.span.end]
    return list(out)


def surfaces(rec: PlaceRecognizer, text: str) -> list[str]:
    return [p.surface for p in places(rec, text)]


def test_stage_contract(rec: PlaceRecognizer) -> None:
    assert rec.name == "places"
    clone = pickle.loads(pickle.dumps(rec))
    text = "وصلت تعزيزات عسكرية إلى مدينة حمص."
    assert [p.surface for p in clone(analyse(text)).places] == ["مدينة حمص"]
    out = rec(analyse("قصف على حلب وحمص"))
    assert [p.span.start for p in out.places] == sorted(p.span.start for p in out.places)


@pytest.mark.parametrize(("text", "surface", "gov"), [
    ("اشتباكات عنيفة وبدير الزور أمس", "وبدير الزور", "Deir ez-Zor"),
    ("انفجار سيارة مفخخة بحمص صباح اليوم", "بحمص", "Homs"),
    ("وصل الوفد إلى حلب ودمشق", "ودمشق", "Damascus"),
    ("أرسلت تعزيزات لدير الزور", "لدير الزور", "Deir ez-Zor"),
    ("نزحت عائلات من بالرقة نحو الشمال", "بالرقة", "Raqqa"),
])
def test_clitics(rec: PlaceRecognizer, text: str, surface: str, gov: str) -> None:
    found = {p.surface: p for p in places(rec, text)}
    assert surface in found and found[surface].governorate == gov


def test_type_words_stay_in_surface(rec: PlaceRecognizer) -> None:
    text = ("دخلت القوات مدينة السخنة ثم بلدة النيرب، وقصفت الطائرات مطار دير الزور العسكري "
            "وقاعدة اللواء 137 قرب سد تشرين على نهر الفرات في محافظة حمص")
    got = surfaces(rec, text)
    for s in ("مدينة السخنة", "بلدة النيرب", "مطار دير الزور العسكري", "وقاعدة اللواء 137", "سد تشرين",
              "نهر الفرات", "محافظة حمص"):
        assert s in got, (s, got)


@pytest.mark.parametrize("text", ["استهدفت غارة مطار التيفور", "استهدفت غارة مطار T4", "استهدفت غارة مطار التياس",
                                  "استهدفت غارة مطار ال T4"])
def test_t4_variants(rec: PlaceRecognizer, text: str) -> None:
    (p,) = places(rec, text)
    assert p.place_id == "site:t4" and p.kind == "airbase" and p.governorate == "Homs" and p.geo_precision == 1


@pytest.mark.parametrize(("text", "surface", "name", "relation", "gov"), [
    ("تقدمت القوات في ريف حلب الشرقي", "ريف حلب الشرقي", "Eastern Aleppo countryside", "countryside:east", "Aleppo"),
    ("قصف على الريف الشرقي لدير الزور", "الريف الشرقي لدير الزور", "Eastern Deir ez-Zor countryside",
     "countryside:east", "Deir ez-Zor"),
    ("انتشار في الريف الغربي لمحافظة السويداء", "الريف الغربي لمحافظة السويداء", "Western Suwayda countryside",
     "countryside:west", "Suwayda"),
    ("معارك شرق السويداء", "شرق السويداء", "Eastern Suwayda countryside", "countryside:east", "Suwayda"),
    ("غارات على جنوب الرقة", "جنوب الرقة", "Southern Raqqa countryside", "countryside:south", "Raqqa"),
    ("نزوح في شمال غربي سوريا", "شمال غربي سوريا", "Northwest Syria", "part:north-west", None),
    ("توتر في شمال شرق البلاد", "شمال شرق البلاد", "Northeast Syria", "part:north-east", None),
    ("اجتماع في ريف دمشق الغربي", "ريف دمشق الغربي", "Western Damascus countryside", "countryside:west",
     "Rif Dimashq"),
])
def test_relational(rec: PlaceRecognizer, text: str, surface: str, name: str, relation: str,
                    gov: str | None) -> None:
    found = {p.surface: p for p in places(rec, text)}
    assert surface in found, list(found)
    p = found[surface]
    assert (p.name_en, p.relation, p.governorate, p.kind) == (name, relation, gov, "region")
    if gov is not None:  # the point lies inside the relational region, hence inside the governorate
        from marsad.geo.boundaries import governorate_at

        assert p.lat is not None and p.lon is not None
        assert governorate_at(p.lat, p.lon) == gov


def test_borders(rec: PlaceRecognizer) -> None:
    found = {p.surface: p for p in places(rec, "وصلت القوات إلى الحدود العراقية ثم إلى الحدود السورية التركية")}
    assert found["الحدود العراقية"].name_en == "Syria-Iraq border"
    assert found["الحدود السورية التركية"].name_en == "Syria-Turkey border"
    assert all(p.relation == "border" and p.country is None and p.governorate is None for p in found.values())


def test_dual_governorates(rec: PlaceRecognizer) -> None:
    got = places(rec, "تنتشر القوات في محافظتي الرقة ودير الزور")
    assert [(p.surface, p.governorate, p.kind) for p in got] == [
        ("محافظتي الرقة", "Raqqa", "governorate"), ("ودير الزور", "Deir ez-Zor", "governorate")]


def test_lists_keep_unknown_items(rec: PlaceRecognizer) -> None:
    text = ('سيطرت القوات على بلدتي "الخربة الزرقاء" و"تل الصنوبر" '
            'وقرى "أم العصافير، المشيرفة الغربية، والحويجة" في ريف الرقة')
    got = {p.surface.strip('"'): p for p in places(rec, text)}
    for name in ('بلدتي "الخربة الزرقاء', "تل الصنوبر", "أم العصافير", "المشيرفة الغربية", "والحويجة"):
        assert name in got, (name, list(got))
        assert got[name].resolved is False and got[name].governorate == "Raqqa" and got[name].geo_precision == 2


def test_unknown_beside_known(rec: PlaceRecognizer) -> None:
    text = "قصفت المدفعية منبج والحويجة وتل الصنوبر، وقتل ثلاثة مدنيين"
    got = {p.surface: p for p in places(rec, text)}
    assert got["منبج"].governorate == "Aleppo" and got["منبج"].resolved
    assert got["والحويجة"].governorate == "Aleppo" and not got["والحويجة"].resolved
    assert "وتل الصنوبر" in got
    assert not any("مدنيين" in s for s in got)


def test_not_places(rec: PlaceRecognizer) -> None:
    assert surfaces(rec, "وقع المعارضون على إعلان دمشق قبل سنوات") == []
    assert surfaces(rec, "قالت مصادر إن أنقرة ترفض أي وجود للوحدات الكردية") == []
    assert surfaces(rec, "نشر الخبر عند الساعة 10:30 بتوقيت دمشق") == []
    assert surfaces(rec, "التقى الشيخ حسن بالوجهاء") == []
    assert surfaces(rec, "قال المسؤول التركي إن الجانب السوري وافق") == []


def test_actor_spans_block_places(rec: PlaceRecognizer) -> None:
    text = "سيطرت قوات سوريا الديمقراطية على قرية الحمرات في سوريا"
    start = text.index("قوات")
    actor = ActorMention(span=Span(start, start + len("قوات سوريا الديمقراطية")), surface="قوات سوريا الديمقراطية",
                         actor_id="sdf")
    got = [p.surface for p in places(rec, text, (actor,))]
    assert got == ["قرية الحمرات", "سوريا"]


def test_foreign_places(rec: PlaceRecognizer) -> None:
    found = {p.surface: p for p in places(rec, "عاد اللاجئون من عرسال وبعلبك في لبنان إلى القصير، ومن أربيل في العراق")}
    assert found["عرسال"].country == "LB" and found["عرسال"].governorate is None
    assert found["لبنان"].kind == "country" and found["لبنان"].country == "LB"
    assert found["أربيل"].country == "IQ"
    assert found["القصير"].governorate == "Homs" and found["القصير"].country == "SY"


def test_ambiguous_names_use_context(rec: PlaceRecognizer) -> None:
    a = {p.surface: p for p in places(rec, "اشتباكات في حي الرصافة وسط مدينة دير الزور")}
    assert a["حي الرصافة"].governorate == "Deir ez-Zor" and a["حي الرصافة"].kind == "neighbourhood"
    b = {p.surface: p for p in places(rec, "سيطرت القوات على منطقة الرصافة جنوب مدينة الرقة بريف الرقة")}
    assert b["منطقة الرصافة"].governorate == "Raqqa"


def test_road_sites(rec: PlaceRecognizer) -> None:
    found = {p.surface: p for p in places(rec, "دوريات مشتركة على الطريق الدولي (M4) وقرب الطريق (M5)")}
    assert found["الطريق الدولي (M4)"].name_en == "M4 highway"
    assert found["الطريق (M5)"].name_en == "M5 highway"


def test_a_dual_names_exactly_two_places() -> None:
    import marsad

    text = "وكانت قسد قد انسحبت من مدينتي الطبقة والمنصورة، وسلمت سد الفرات للحكومة السورية."
    surfaces = [p.surface for p in marsad.extract(text, published="2026-01-20").places]
    assert "وسلمت" not in surfaces
    assert surfaces[:2] == ["مدينتي الطبقة", "والمنصورة"]


def test_a_line_break_after_a_space_still_breaks_the_tokens():
    from marsad.geo.tokens import tokenize

    for text in ("قصف حلب\nادلب", "قصف حلب \nادلب", "قصف حلب \n\n ادلب"):
        toks = tokenize(fold(text))
        assert toks.brk[toks.text.index("ادلب")], text
    toks = tokenize(fold("قصف حلب ادلب"))
    assert not toks.brk[toks.text.index("ادلب")]
