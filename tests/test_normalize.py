from hypothesis import given
from hypothesis import strategies as st

from marsad.normalize import Segmenter, fold, fold_text
from marsad.normalize.fold import CharMap
from marsad.normalize.segment import _CHROME, _LATIN, _may_be_chrome


def test_fold_letters_digits_and_marks():
    assert fold_text("أإآٱ") == "اااا"
    assert fold_text("مدينةُ") == "مدينه"
    assert fold_text("مستشفى") == "مستشفي"
    assert fold_text("٤٦٪") == "46%"
    assert fold_text("۱۹") == "19"
    assert fold_text("بشـــرياً") == "بشريا"
    assert fold_text("«الهيئة»") == "\"الهييه\""
    assert fold_text("مطار  ال\nT4") == "مطار ال t4"
    assert fold_text("\u200fحلب\u200e") == "حلب"


def test_offset_map_points_into_original():
    text = "وصلت قواتُ النظامِ إلى «مطار   دير الزور» العسكري، يوم ٤ أيلول."
    f = fold(text)
    i = f.text.index("مطار دير الزور")
    span = f.to_original(i, i + len("مطار دير الزور"))
    assert span.text(text) == "مطار   دير الزور"
    j = f.text.index("قوات النظام")
    assert f.to_original(j, j + len("قوات النظام")).text(text) == "قواتُ النظامِ"


@given(st.text(alphabet="ابتةىأإآؤئءًٌٍَُِّْـ٠١٢ 0123\n،.«»abcXYZ", max_size=80))
def test_offsets_monotone_and_in_range(text):
    f = fold(text)
    assert len(f.text) == len(f.offsets)
    assert all(0 <= o < len(text) for o in f.offsets)
    assert list(f.offsets) == sorted(f.offsets)
    for i, ch in enumerate(f.text):
        if ch != " ":
            assert fold_text(text[f.offsets[i]]) in (ch, ch.lower()) or text[f.offsets[i]].lower() == ch


@given(st.text(alphabet="ابتةىأإآؤئءًٌٍَُِّْـ٠١٢ 0123\n\u200f،.«»abcXYZ", max_size=80))
def test_to_folded_is_the_first_folded_index_at_or_after_each_offset(text):
    f = fold(text)
    want = [next((j for j, o in enumerate(f.offsets) if o >= pos), len(f.offsets)) for pos in range(len(text) + 1)]
    assert f.inverse == want
    assert [f.to_folded(pos) for pos in range(len(text) + 1)] == want


@given(st.text(alphabet="ابﻻ\u064e ", max_size=40))
def test_to_folded_with_a_charmap_that_expands_a_ligature(text):
    f = fold(text, CharMap(table={"ﻻ": "لا", "\u064e": ""}, version="test"))
    want = [next((j for j, o in enumerate(f.offsets) if o >= pos), len(f.offsets)) for pos in range(len(text) + 1)]
    assert f.inverse == want


def test_segmenter_chrome_bullets_quotes_and_numbers():
    text = (
        "+A حجم الخط -A\n"
        "صورة من: Reuters\n"
        "قال المرصد إن القوات سيطرت على 116.067 كم مربع. وأضاف د. سامر أن «الوضع هادئ. نسبياً» في المدينة.\n"
        "- تقدمت الفصائل في ريف إدلب الجنوبي\n"
        "tag icon ع ع ع\n"
    )
    sents = Segmenter()(text)
    bodies = [s.span.text(text) for s in sents if not s.chrome]
    assert bodies == [
        "قال المرصد إن القوات سيطرت على 116.067 كم مربع.",
        "وأضاف د. سامر أن «الوضع هادئ. نسبياً» في المدينة.",
        "تقدمت الفصائل في ريف إدلب الجنوبي",
    ]
    chrome = [s.span.text(text) for s in sents if s.chrome]
    assert "+A حجم الخط -A" in chrome and "tag icon ع ع ع" in chrome


def test_segmenter_clauses_and_ellipsis():
    text = "سيطر التنظيم على 3 قرى…القوات تتقدم، والاشتباكات مستمرة؛ وفق ناشطين"
    sents = Segmenter()(text)
    assert len(sents) == 2
    second = sents[1]
    assert [c.text(text) for c in second.clauses] == ["القوات تتقدم", "والاشتباكات مستمرة", "وفق ناشطين"]


def test_segmenter_bounds_pathological_input():
    text = "كلمة " * 5000
    sents = Segmenter()(text)
    assert all(len(s.span) <= 1300 for s in sents)
    assert sents[0].span.start == 0 and sents[-1].span.end == len(text.rstrip())


_CHROME_PIECES = ["حجم الخط", "camera icon", "ع ع", " ", "صورة من :", "pic.twitter", "https://x.y", "www.a",
                  "اقرأ أيضاً", "شاركها على", "تابعونا", "Getty Images", "reuters", "AFP", "إعلان", "12 مشاهدة",
                  "٣ تعليق", "date 2020-01-02", "(سانا)", "(رويترز) ", "قوات النظام", "في", "حلب", ".", "،", "\n", "ع"]


@given(st.lists(st.sampled_from(_CHROME_PIECES), max_size=6))
def test_the_chrome_gate_never_skips_a_chrome_sentence(pieces):
    chunk = "".join(pieces)
    if _CHROME.search(chunk) is not None:
        assert _may_be_chrome(chunk, _LATIN.search(chunk) is not None)


def test_a_trusted_span_is_an_ordinary_span():
    from marsad.model.document import Span

    s = Span.trusted(2, 5)
    assert type(s) is Span and s == Span(2, 5) and hash(s) == hash(Span(2, 5)) and s.to_dict() == [2, 5]
    assert fold("في حلبَ").to_original(3, 6) == Span(3, 7)
