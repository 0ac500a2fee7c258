"""Arabic number parsing and finding (``marsad.recognize.numbers``)."""

from __future__ import annotations

import pytest

from marsad.recognize.numbers import find_numbers, parse_arabic_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("17", 17.0),
        ("٤٥", 45.0),
        ("٦٢٫٢٢", 62.22),
        ("3.75", 3.75),
        ("1,200", 1200.0),
        ("2,450,000", 2450000.0),
        ("واحد", 1.0),
        ("سبعة", 7.0),
        ("عشرة", 10.0),
        ("أحد عشر", 11.0),
        ("اثنا عشر", 12.0),
        ("خمسة عشر", 15.0),
        ("عشرون", 20.0),
        ("ستة وأربعون", 46.0),
        ("ثلاث وثمانين", 83.0),
        ("مئة", 100.0),
        ("مائة وخمسون", 150.0),
        ("مئتان", 200.0),
        ("ثلاثمئة", 300.0),
        ("ثلاث مئة", 300.0),
        ("ألف", 1000.0),
        ("ألفي", 2000.0),
        ("ألفان", 2000.0),
        ("خمسة آلاف", 5000.0),
        ("عشرة آلاف", 10000.0),
        ("ألف ومئتان", 1200.0),
        ("مليون", 1e6),
        ("مليون و942 ألف", 1942000.0),
        ("ثلاثة ملايين", 3e6),
        ("2.5 مليون", 2.5e6),
        ("نصف مليون", 5e5),
        ("مليار", 1e9),
        ("ستين في المائة", 60.0),
        ("٣٠٪", 30.0),
    ],
)
def test_parse_values(text: str, value: float) -> None:
    assert parse_arabic_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["عشرات", "مئات", "آلاف", "عشرات الآلاف", "أحد", "مقاتل", "", "3 و4"])
def test_parse_rejects_vague_and_non_numbers(text: str) -> None:
    assert parse_arabic_number(text) is None


def test_fraction_keeps_its_share() -> None:
    assert parse_arabic_number("ثلث") == pytest.approx(1 / 3)
    assert parse_arabic_number("ربع") == pytest.approx(0.25)


def test_finder_separates_figures_joined_by_nouns() -> None:
    found = find_numbers("غادر 85 مقاتلاً و3200 نازح، ثم ألف مقاتل و410 مدنيين")
    assert [m.value for m in found] == [85.0, 3200.0, 1000.0, 410.0]


def test_finder_offsets_point_into_folded_text() -> None:
    text = "سقط نحو ثلاثة عشر قتيلا"
    (m,) = find_numbers(text)
    assert m.value == 13.0
    assert m.text == "ثلاثه عشر"
    assert m.kind == "words"


def test_finder_reads_glued_clitics_but_not_names_or_codes() -> None:
    values = [m.value for m in find_numbers("بـ19 بالمئة وفق قناة رووداو24 على الطريق M5 قرب T4")]
    assert values == [19.0]


def test_dotted_thousands_is_reported_not_guessed() -> None:
    (m,) = find_numbers("مساحة 98.450 كم مربع")
    assert m.value == pytest.approx(98.45)
    assert m.dotted_thousands
    assert m.thousands_value == 98450.0
    (d,) = find_numbers("بنسبة 12.5")
    assert not d.dotted_thousands


def test_vague_amounts_have_no_value() -> None:
    found = find_numbers("نزح عشرات الآلاف واعتقل المئات")
    assert found[0].kind == "vague"
    assert found[0].value is None


def test_scale_and_a_half() -> None:
    assert parse_arabic_number("مليون ونصف") == 1.5e6
    assert parse_arabic_number("ألف ونصف") == 1500.0
