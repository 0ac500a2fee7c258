"""The ``times`` stage: absolute and relative dates, since/until/durations, the reference date."""

from __future__ import annotations

import datetime as dt
import pickle
from functools import cache

import pytest

from marsad.model import Document, TimeMention
from marsad.normalize import Segmenter, fold
from marsad.recognize.base import Analysis
from marsad.recognize.times import TimeRecognizer, make_time_recognizer
from marsad.settings import Settings


@cache
def _stage() -> TimeRecognizer:
    return make_time_recognizer(Settings())


def analyse(text: str, published: dt.date | None = None, *, url: str | None = None,
            default: dt.date | None = None) -> Analysis:
    doc = Document(id="t", text=text, published=published, url=url)
    a = Analysis(document=doc, folded=fold(text), sentences=Segmenter()(text),
                 reference_date=published or default)
    stage = _stage() if default is None else make_time_recognizer(Settings(default_date=default))
    return stage(a)


def one(text: str, surface: str, published: dt.date | None = None) -> TimeMention:
    a = analyse(text, published)
    hits = [t for t in a.times if surface in t.surface or t.surface in surface]
    assert hits, f"no time mention for {surface!r} in {[t.surface for t in a.times]}"
    t = hits[0]
    assert text[t.span.start:t.span.end] == t.surface
    return t


REF = dt.date(2018, 3, 14)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "surface", "value", "precision"),
    [
        ("اندلعت المعارك في 7 كانون الثاني 2016 قرب المدينة.", "7 كانون الثاني 2016", "2016-01-07", "day"),
        ("وقعت الغارة في ٢٢ حزيران ٢٠١٥ على السوق.", "٢٢ حزيران ٢٠١٥", "2015-06-22", "day"),
        ("وصل الوفد في 3 شباط/ فبراير 2020 إلى أنقرة.", "3 شباط/ فبراير 2020", "2020-02-03", "day"),
        ("بدأ الهجوم في 11 تشرين الثاني/ نوفمبر 2016 على الأحياء.", "11 تشرين الثاني/ نوفمبر 2016", "2016-11-11",
         "day"),
        ("أعلنت الهدنة في 30 أغسطس/ آب 2018.", "30 أغسطس/ آب 2018", "2018-08-30", "day"),
        ("تقدمت القوات في الخامس من آذار 2017 نحو البلدة.", "الخامس من آذار 2017", "2017-03-05", "day"),
        ("التقرير الصادر 21/06/2014 يوثق الانتهاكات.", "21/06/2014", "2014-06-21", "day"),
        ("صدر البيان 2021-09-03 عن القيادة.", "2021-09-03", "2021-09-03", "day"),
        ("خريطة السيطرة 01-12-2019", "01-12-2019", "2019-12-01", "day"),
        ("وتعود المعارك إلى كانون الأول/ ديسمبر 2016 في الأحياء الشرقية.", "كانون الأول/ ديسمبر 2016", "2016-12",
         "month"),
        ("تغيرت الخريطة حتى أواخر شهر أيار/ مايو 2018.", "أواخر شهر أيار/ مايو 2018", "2018-05", "month"),
        ("سيطر الفصيل على البلدة عام 2013.", "عام 2013", "2013", "year"),
        ("انسحب التنظيم من المنطقة في أواخر العام 2017.", "أواخر العام 2017", "2017", "year"),
        ("شهدت المدينة معارك في شتاء العام 2016.", "شتاء العام 2016", "2016", "year"),
    ],
)
def test_absolute_dates(text: str, surface: str, value: str, precision: str) -> None:
    t = one(text, surface)
    assert (t.value, t.precision, t.relative) == (value, precision, False)


@pytest.mark.parametrize(
    ("text", "surface", "value", "precision"),
    [
        ("قالت مصادر اليوم إن القصف استمر.", "اليوم", "2018-03-14", "day"),
        ("قتل ثلاثة مدنيين أمس في قصف مدفعي.", "أمس", "2018-03-13", "day"),
        ("وكان الهجوم قد بدأ أمس الثلاثاء على القرية.", "أمس الثلاثاء", "2018-03-13", "day"),
        ("وفي أول أمس قصفت الطائرات الجسر.", "أول أمس", "2018-03-12", "day"),
        ("اقتحمت القوات الحي الليلة الماضية.", "الليلة الماضية", "2018-03-14", "day"),
        ("انسحب المقاتلون الاثنين من التلة.", "الاثنين", "2018-03-12", "day"),
        ("تجددت الاشتباكات فجر الأحد في الريف الغربي.", "فجر الأحد", "2018-03-11", "day"),
        ("تظاهر الأهالي مساء السبت وسط المدينة.", "مساء السبت", "2018-03-10", "day"),
        ("دخلت القافلة الخميس الماضي إلى البلدة.", "الخميس الماضي", "2018-03-08", "day"),
        ("سجلت الإحصائية الأربعاء الماضي عشرات القتلى.", "الأربعاء الماضي", "2018-03-07", "day"),
        ("تصل الدفعة الثانية الجمعة المقبل.", "الجمعة المقبل", "2018-03-16", "day"),
        ("توقفت المعارك الشهر الماضي بعد الاتفاق.", "الشهر الماضي", "2018-02", "month"),
        ("انهارت الهدنة أواخر الشهر الماضي في الريف.", "أواخر الشهر الماضي", "2018-02", "month"),
        ("تراجعت الغارات الأسبوع الماضي بشكل لافت.", "الأسبوع الماضي", "2018-03-07", "week"),
        ("بدأ الحصار قبل ثلاثة أشهر على البلدة.", "قبل ثلاثة أشهر", "2017-12", "month"),
        ("عاد النازحون في شهر تموز الماضي.", "شهر تموز الماضي", "2017-07", "month"),
        ("تسلمت الشرطة الحواجز منذ مطلع العام الحالي.", "مطلع العام الحالي", "2018", "year"),
        ("تعثرت المفاوضات العام الماضي مرتين.", "العام الماضي", "2017", "year"),
        ("تبدأ الدوريات في 20 آذار الجاري على الطريق.", "20 آذار الجاري", "2018-03-20", "day"),
        ("أعلن المجلس بيانه في 9 من هذا الشهر.", "9 من هذا الشهر", "2018-03-09", "day"),
    ],
)
def test_relative_dates_against_published(text: str, surface: str, value: str | None, precision: str) -> None:
    t = one(text, surface, REF)
    assert t.relative
    assert t.precision == precision
    if value is not None:
        assert t.value == value


def test_since_with_years_counts_back_from_reference() -> None:
    t = one("الحي محاصر منذ أكثر من خمس سنوات.", "منذ أكثر من خمس سنوات", REF)
    assert (t.kind, t.value, t.precision) == ("since", "2013", "year")
    t = one("المطار محاصر منذ نحو عامين.", "منذ نحو عامين", REF)
    assert (t.kind, t.value) == ("since", "2016")


def test_since_without_reference_stays_unresolved() -> None:
    t = one("الحي محاصر منذ أكثر من خمس سنوات.", "منذ أكثر من خمس سنوات")
    assert (t.kind, t.value) == ("since", None)


def test_since_and_until_absolute() -> None:
    t = one("تحاصر القوات الحي منذ تموز 2013 دون انقطاع.", "منذ تموز 2013")
    assert (t.kind, t.value, t.precision) == ("since", "2013-07", "month")
    t = one("يسيطر الفصيل على الوادي منذ ربيع العام 2014.", "منذ ربيع العام 2014")
    assert (t.kind, t.value) == ("since", "2014")
    t = one("تظهر الخريطة الوضع حتى منتصف شهر شباط/ فبراير 2021.", "حتى منتصف شهر شباط/ فبراير 2021")
    assert (t.kind, t.value) == ("until", "2021-02")


def test_durations_and_vague_periods() -> None:
    t = one("سيطرت القوات على 12 قرية خلال أقل من 48 ساعة.", "خلال أقل من 48 ساعة", REF)
    assert (t.kind, t.value) == ("duration", None)
    t = one("بدأت المفاوضات قبل عدة أشهر في العاصمة.", "قبل عدة أشهر", REF)
    assert (t.kind, t.value, t.precision) == ("point", None, "vague")


def test_bare_weekday_needs_a_reference_date() -> None:
    t = one("انسحب المقاتلون الاثنين من التلة.", "الاثنين")
    assert t.value is None and t.relative


def test_weekday_with_day_and_month_takes_year_from_reference() -> None:
    t = one("انتشرت الشرطة اليوم، الأربعاء 14 من آذار، في الريف.", "الأربعاء 14 من آذار", REF)
    assert (t.value, t.precision) == ("2018-03-14", "day")


def test_same_month_refers_to_the_stated_month() -> None:
    text = ("تقدمت القوات في 4 أيار/ مايو 2016 نحو المدينة، وتوقفت المعارك في 21 من الشهر نفسه بعد "
            "وساطة محلية.")
    t = one(text, "21 من الشهر نفسه")
    assert t.value == "2016-05-21"


def test_morrow_is_dated_from_the_day_in_the_sentence() -> None:
    text = "انتشرت القوات الثلاثاء في البلدة، غداة إعلان الاتفاق بين الطرفين."
    t = one(text, "غداة", REF)
    assert t.value == "2018-03-12"


def test_timeline_bullets_are_days_of_the_header_month() -> None:
    text = ("أبرز محطات المعركة:\n\nآذار/ مارس 2016\n- 4: بدأ الهجوم على البلدة.\n\n"
            "- 17: سيطرت القوات على التلة.\n- 30: انسحب المقاتلون.\n")
    a = analyse(text)
    days = {t.surface: t.value for t in a.times if t.precision == "day"}
    assert days == {"4": "2016-03-04", "17": "2016-03-17", "30": "2016-03-30"}


def test_times_of_day_ages_and_counts_are_not_dates() -> None:
    a = analyse("أصيب طفل يبلغ 12 عاماً عند الساعة 10:45 صباحاً، وسيطرت القوات على 30 قرية.", REF)
    assert all(t.value is None or t.kind != "point" or t.precision != "day" or "10" not in t.surface
               for t in a.times)
    assert not any("12" in t.surface or "30" in t.surface or "10:45" in t.surface for t in a.times)


def test_ambiguous_month_words_need_context() -> None:
    a = analyse("مارس الضغط على الفصائل وهو أب لثلاثة أطفال.")
    assert a.times == ()
    t = one("انتهت المعارك في شهر آب بعد الاتفاق.", "شهر آب", REF)
    assert t.value == "2017-08"


def test_impossible_date_warns() -> None:
    a = analyse("تزعم الوثيقة أن الاجتماع عقد في 31 شباط 2019.")
    (t,) = a.times
    assert t.value is None
    assert any("impossible" in w for w in a.warnings)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("أخبار محلية\nنشر بتاريخ: ١٢ أيلول ٢٠٢٢\nقصفت الطائرات البلدة.", dt.date(2022, 9, 12)),
        ("قوات النظام تتقدم\n\n17/02/2016\nقالت مصادر إن القوات تقدمت.", dt.date(2016, 2, 17)),
        ("عنوان الخبر\n\n٨ آذار ٢٠١٣\n\nتظاهر المئات اليوم.", dt.date(2013, 3, 8)),
        (" date 2024-12-09 منذ ساعة\n\nدخلت القوات المدينة.", dt.date(2024, 12, 9)),
        ("كتب : مراسلنا\n\n08:15 م 05/11/2025\n\nتقدم الجيش.", dt.date(2025, 11, 5)),
    ],
)
def test_reference_date_from_dateline(text: str, stated: dt.date) -> None:
    assert analyse(text).reference_date == stated


def test_reference_date_from_url_and_resolution_against_it() -> None:
    a = analyse("قتل مدنيان أمس في قصف على البلدة.", url="https://example.org/news/2016/4/7/some-title")
    assert a.reference_date == dt.date(2016, 4, 7)
    assert [t.value for t in a.times] == ["2016-04-06"]


def test_published_date_is_kept_and_a_conflicting_dateline_warns() -> None:
    pub = dt.date(2020, 1, 5)
    a = analyse("نشر بتاريخ: 3 أيار 2019\nتقدمت القوات.", pub)
    assert a.reference_date == pub
    assert any("differs" in w for w in a.warnings)
    a = analyse("نشر بتاريخ: 5 كانون الثاني 2020\nتقدمت القوات.", pub)
    assert a.reference_date == pub and a.warnings == ()


def test_a_stated_dateline_beats_the_settings_default() -> None:
    a = analyse("نشر بتاريخ: 3 أيار 2019\nتقدمت القوات أمس.", default=dt.date(2024, 1, 1))
    assert a.reference_date == dt.date(2019, 5, 3)
    a = analyse("تقدمت القوات أمس.", default=dt.date(2024, 1, 1))
    assert a.reference_date == dt.date(2024, 1, 1)
    assert [t.value for t in a.times] == ["2023-12-31"]


def test_stage_is_picklable_and_named() -> None:
    stage = _stage()
    assert stage.name == "times"
    clone = pickle.loads(pickle.dumps(stage))
    text = "قتل مدنيان أمس في قصف على البلدة."
    assert clone(analyse(text, REF)).times == analyse(text, REF).times


def test_day_and_month_of_last_year() -> None:
    t = one("وقع الهجوم في 5 تموز من العام الماضي على القرية.", "5 تموز من العام الماضي", dt.date(2018, 9, 1))
    assert t.value == "2017-07-05"
    t = one("جرت الانتخابات في شهر أيار من العام الجاري.", "شهر أيار من العام الجاري", dt.date(2018, 9, 1))
    assert t.value == "2018-05"


def test_last_hours_are_a_vague_duration() -> None:
    t = one("قتل 9 مدنيين خلال الساعات الـ24 الماضية.", "خلال الساعات الـ24 الماضية", REF)
    assert (t.kind, t.value) == ("duration", None)


def test_weekday_day_and_month_after_since() -> None:
    text = "تدور الاشتباكات منذ مساء يوم الأحد الـ11 من شهر آذار / مارس الجاري في البلدة."
    t = one(text, "منذ مساء يوم الأحد الـ11 من شهر آذار / مارس الجاري", REF)
    assert (t.kind, t.value) == ("since", "2018-03-11")
    assert analyse(text, REF).warnings == ()


def test_weekday_that_contradicts_the_date_warns() -> None:
    a = analyse("قصفت الطائرات البلدة أمس الجمعة.", REF)
    assert [t.value for t in a.times] == ["2018-03-13"]
    assert any("weekday" in w for w in a.warnings)


def test_bare_year_after_a_preposition() -> None:
    t = one("في 2016 قتل العشرات في القصف.", "2016")
    assert (t.value, t.precision) == ("2016", "year")
    t = one("يحاصر التنظيم المطار منذ 2014، وفق المرصد.", "منذ 2014")
    assert (t.value, t.kind) == ("2014", "since")


def test_today_with_weekday_and_a_stated_year_gives_the_reference_date() -> None:
    text = ("عناصر من الشرطة عند حاجز قرب المدينة - 10 آذار 2021 (عنب بلدي)\n"
            "انتشرت الشرطة اليوم، الجمعة 12 من آذار، في أحياء المدينة.")
    assert analyse(text).reference_date == dt.date(2021, 3, 12)


def test_a_photo_caption_is_the_last_resort() -> None:
    text = ("آليات عسكرية تابعة للقوات الحكومية على الطريق الدولي جنوبي المدينة - 4 نيسان 2019 (رويترز)\n"
            "تقدمت القوات نحو البلدة بعد معارك عنيفة.")
    assert analyse(text).reference_date == dt.date(2019, 4, 4)
    assert analyse(text, url="https://example.org/2019/4/6/x").reference_date == dt.date(2019, 4, 6)
