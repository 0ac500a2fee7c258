"""The ``quantities`` stage: figures with unit, hedge, counted noun and metric."""

from __future__ import annotations

import datetime as dt
import pickle
from functools import cache

import pytest

from marsad.model import Document, PlaceMention, QuantityMention, Span
from marsad.normalize import Segmenter, fold
from marsad.recognize.base import Analysis
from marsad.recognize.quantities import QuantityRecognizer, make_quantity_recognizer
from marsad.recognize.times import TimeRecognizer, make_time_recognizer


@cache
def _stages() -> tuple[TimeRecognizer, QuantityRecognizer]:
    return make_time_recognizer(), make_quantity_recognizer()


def analyse(text: str, *, places: tuple[PlaceMention, ...] = (), published: dt.date | None = None) -> Analysis:
    times, quantities = _stages()
    doc = Document(id="q", text=text, published=published)
    a = Analysis(document=doc, folded=fold(text), sentences=Segmenter()(text), reference_date=published)
    a = times(a)
    from dataclasses import replace

    return quantities(replace(a, places=places))


def quantities(text: str) -> list[QuantityMention]:
    qs = list(analyse(text).quantities)
    for q in qs:
        assert text[q.span.start:q.span.end] == q.surface
    return qs


def only(text: str) -> QuantityMention:
    qs = quantities(text)
    assert len(qs) == 1, [(q.surface, q.value, q.metric) for q in qs]
    return qs[0]


@pytest.mark.parametrize(
    ("text", "metric", "value", "unit", "hedge"),
    [
        ("باتت القوات تسيطر على نحو 38%من مساحة البلاد.", "share_of_territory", 38.0, "percent", "approx"),
        ("تراجعت سيطرة الفصائل إلى 11 % فقط من مساحة المحافظة.", "share_of_territory", 11.0, "percent", None),
        ("بسط التنظيم نفوذه على ٧٣٪ من مساحة المحافظة.", "share_of_territory", 73.0, "percent", None),
        ("تسيطر القوات على أكثر من 64 في المائة من الريف الشمالي.", "share_of_territory", 64.0, "percent",
         "more_than"),
        ("وتسيطر الفصائل على سبعين بالمئة من المدينة.", "share_of_territory", 70.0, "percent", None),
        ("بلغت نسبة سيطرة الجيش (57.31%) وفق الخريطة.", "share_of_territory", 57.31, "percent", None),
        ("سيطرت القوات على البلدة بنسبة 90% بعد معارك عنيفة.", "share_of_territory", 90.0, "percent", None),
        ("تراجعت نسبة سيطرة التنظيم بمعدّل (1.37%) خلال الشهر.", "share_of_territory", 1.37, "percent", None),
        ("تسيطر الوحدات على أكثر من ثلث مساحة البلاد.", "share_of_territory", 33.3, "percent", "more_than"),
        ("دمر القصف نحو 70% من منازل الحي.", "other", 70.0, "percent", "approx"),
        ("أي بمساحة تبلغ 41.385 كم مربع.", "area_km2", 41385.0, "km2", None),
        ("تمتد المنطقة المحاصرة على 12 كم² تقريباً.", "area_km2", 12.0, "km2", "approx"),
        ("تحاصر القوات مساحة تمتد على كيلومترين مربعين تقريبا في المدينة.", "area_km2", 2.0, "km2", "approx"),
        ("تقع البلدة على بعد 45 كيلومتراً شرق المدينة.", "distance_km", 45.0, "km", None),
        ("أقامت القوات منطقة عازلة بعمق 8 كيلومترات على الحدود.", "distance_km", 8.0, "km", None),
        ("وصلت الأرتال إلى مسافة سبعة كيلومترات من المطار.", "distance_km", 7.0, "km", None),
        ("باتت القوات على بعد أقل من 3 كم من المدخل الجنوبي.", "distance_km", 3.0, "km", "less_than"),
        ("قتل 14 مدنياً في غارات على البلدة.", "fatalities", 14.0, "count", None),
        ("وثقت المنظمة سقوط 19 قتيلا في القصف.", "fatalities", 19.0, "count", None),
        ("أكد المرصد أن خمسة أطفال لقوا حتفهم في القصف.", "fatalities", 5.0, "count", None),
        ("أصيب 37 شخصاً بجروح في الانفجار.", "injured", 37.0, "count", None),
        ("نقل 64 جريحاً إلى المستشفيات الميدانية.", "injured", 64.0, "count", None),
        ("تسبب القصف في نزوح قرابة 40 ألف مدني من القرى.", "displaced", 40000.0, "count", "approx"),
        ("عاد نحو ألفي نازح إلى بيوتهم.", "displaced", 2000.0, "count", "approx"),
        ("يعيش أكثر من ثلاثة آلاف لاجئ في المخيم.", "displaced", 3000.0, "count", "more_than"),
        ("شنت القوات حملة اعتقال طالت نحو 75 شاباً في البلدة.", "detained", 75.0, "count", "approx"),
        ("أفرجت السلطات عن 42 معتقلا من السجن المركزي.", "detained", 42.0, "count", None),
        ("يعاني آلاف المحاصرين من نقص الغذاء، ويقدر عددهم بنحو 9 آلاف محاصر.", "besieged_civilians", 9000.0,
         "count", "approx"),
        ("خرج من الحي 318 مسلحا مع عائلاتهم.", "other", 318.0, "count", None),
        ("يتحصن في الجرود زهاء 900 مقاتل من التنظيم.", "other", 900.0, "count", "approx"),
        ("استعادت القوات 17 بلدة وقرية خلال أسبوع.", "other", 17.0, "count", None),
        ("استهدفت 9 غارات على الأقل مواقع التنظيم.", "other", 9.0, "count", "at_least"),
        ("شارك أكثر من ألفي شخص في المظاهرة.", "other", 2000.0, "count", "more_than"),
        ("نزح ما يقرب من مليون سوري خلال الحملة.", "displaced", 1e6, "count", "approx"),
        ("خرج ألف مقاتل من المنطقة.", "other", 1000.0, "count", None),
    ],
)
def test_metric_value_unit_hedge(text: str, metric: str, value: float, unit: str, hedge: str | None) -> None:
    q = only(text)
    assert (q.metric, q.unit, q.hedge) == (metric, unit, hedge)
    assert q.value == pytest.approx(value)


def test_several_figures_in_one_sentence() -> None:
    qs = quantities("أكدت الشبكة أن ستة طلاب قتلوا وجرح ما لا يقل عن 31 آخرين، فيما تم اعتقال نحو 150 طالبا.")
    assert [(q.metric, q.value, q.hedge) for q in qs] == [
        ("fatalities", 6.0, None), ("injured", 31.0, "at_least"), ("detained", 150.0, "approx")]


def test_fighters_and_refugees_side_by_side() -> None:
    qs = quantities("غادر المخيم 85 مقاتلاً و3200 لاجئ، وخرج من الوادي ألف مقاتل و410 لاجئين.")
    assert [(q.metric, q.value) for q in qs] == [
        ("other", 85.0), ("displaced", 3200.0), ("other", 1000.0), ("displaced", 410.0)]
    assert qs[0].noun == "مقاتلاً"


def test_number_words_and_compound_values() -> None:
    assert only("وثقت الشبكة مقتل ستة وأربعين مدنيا.").value == 46.0
    assert only("تسببت المعارك في نزوح مليون و250 ألف شخص.").value == 1250000.0
    assert only("بلغ عدد المهجرين 1,350 مهجرا.").value == 1350.0


def test_context_for_a_neutral_count_after_the_verb() -> None:
    q = only("قضى، بحسب ناشطين، 27 شخصاً بسبب الجوع في البلدة.")
    assert (q.metric, q.value) == ("fatalities", 27.0)


@pytest.mark.parametrize(
    "text",
    [
        "انتشرت وحدات من اللواء 105 في المنطقة.",
        "طالب المتظاهرون بتطبيق القرار 2118 كاملا.",
        "دعا البيان إلى تنفيذ قرار مجلس الأمن 2401.",
        "سيرت القوات دوريات على الطريق M5 قرب المدينة.",
        "قتل الطفل البالغ من العمر 12 عاما في القصف.",
        "وصلت القافلة عند الساعة 10:30 صباحا.",
        "للاستفسار اتصل على 0933123456 في أي وقت.",
        "اندلعت الاحتجاجات عام 2011 في درعا.",
        "بدأت المعارك في 15 آذار 2012 قرب الحدود.",
        "يحاصر التنظيم المدينة منذ ثلاث سنوات.",
        "نزح عشرات الآلاف واعتقل المئات خلال الحملة.",
        "للمرة الـ 4 تتعرض البلدة للقصف.",
        "ارتفعت أسعار الخبز بنسبة 40% في الأسواق.",
        "تجاوز سعر صرف الدولار 14 ألف ليرة في دمشق.",
        "وقعت الاشتباكات خلال أقل من 60 ساعة على الجبهة.",
    ],
)
def test_not_quantities(text: str) -> None:
    assert quantities(text) == [], [(q.surface, q.metric) for q in quantities(text)]


def test_numbers_inside_place_mentions_are_skipped() -> None:
    text = "فكت القوات الحصار عن مطار اللواء 82 شرق المدينة."
    start = text.index("اللواء 82")
    place = PlaceMention(span=Span(start, start + len("اللواء 82")), surface="اللواء 82", kind="military_base")
    assert analyse(text, places=(place,)).quantities == ()


def test_glued_percent_and_arabic_indic_digits() -> None:
    q = only("تسيطر القوات على ٤٦٪من مساحة البلاد.")
    assert (q.value, q.metric) == (46.0, "share_of_territory")


def test_stage_is_picklable_and_named() -> None:
    _, stage = _stages()
    assert stage.name == "quantities"
    clone = pickle.loads(pickle.dumps(stage))
    text = "قتل 14 مدنياً في غارات على البلدة."
    a = analyse(text)
    assert clone(a).quantities == a.quantities


def test_percent_sign_written_before_the_number() -> None:
    q = only("تسيطر الفصائل على %35 من مساحة المحافظة.")
    assert (q.value, q.unit, q.metric) == (35.0, "percent", "share_of_territory")


def test_thousands_and_decimal_separators() -> None:
    assert only("بلغ عدد النازحين 1.250.000 نازح.").value == 1250000.0
    assert only("يعيش في المخيمات 2,5 مليون لاجئ.").value == 2500000.0
    assert only("استقبلت البلدة 12.400 نازح.").value == 12400.0


def test_resolution_numbers_a_few_words_after_the_word_resolution() -> None:
    assert quantities("دعا الوزير إلى تطبيق القرار الأممي 2254 دون تأخير.") == []


def test_bare_counts_without_noun_or_cue_are_dropped() -> None:
    assert quantities("ارتفع المؤشر إلى 57 في نهاية الجلسة.") == []
    q = only("ارتفع عدد القتلى إلى 57 مع انتشال جثث جديدة.")
    assert (q.metric, q.value, q.noun) == ("fatalities", 57.0, None)


def test_fighters_killed_are_fatalities() -> None:
    q = only("أعلن الجيش مقتل 23 إرهابيا في اشتباكات بالريف الشرقي.")
    assert (q.metric, q.value) == ("fatalities", 23.0)
    q = only("أصيب 4 جنود في هجوم على الحاجز.")
    assert (q.metric, q.value) == ("injured", 4.0)


def test_dual_nouns_stand_for_two() -> None:
    q = only("قتل عنصران من الشرطة بانفجار لغم على الطريق.")
    assert (q.metric, q.value, q.noun) == ("fatalities", 2.0, "عنصران")
    q = only("أصيب طفلان بشظايا القذيفة.")
    assert (q.metric, q.value) == ("injured", 2.0)


def test_breakdown_of_a_toll_takes_its_metric() -> None:
    qs = quantities("ارتفعت حصيلة المعارك إلى 64 قتيلاً، بينهم 21 عنصراً من الفصائل المحلية و9 أطفال.")
    assert [(q.metric, q.value) for q in qs] == [("fatalities", 64.0), ("fatalities", 21.0), ("fatalities", 9.0)]


def test_a_list_of_control_shares() -> None:
    text = ("وجاءت نسب السيطرة كالتالي:\n- الجيش: 58.4%، بمساحة تقارب 108.150 كم مربع.\n"
            "- قوات سوريا الديمقراطية: 27.1%، أي نحو 50.200 كم مربع.\n- الفصائل: 11.3%، في الشمال.")
    qs = quantities(text)
    assert [(q.metric, q.value) for q in qs] == [
        ("share_of_territory", 58.4), ("area_km2", 108150.0), ("share_of_territory", 27.1),
        ("area_km2", 50200.0), ("share_of_territory", 11.3)]


def test_civilians_under_siege() -> None:
    q = only("يعيش قرابة 120 ألف مدني تحت حصار خانق في المدينة.")
    assert (q.metric, q.value, q.hedge) == ("besieged_civilians", 120000.0, "approx")


def test_metres_are_read_as_kilometres() -> None:
    q = only("تمركزت الدبابات على بعد 800 متر من الحاجز.")
    assert (q.metric, q.unit, q.value) == ("distance_km", "km", 0.8)


def test_a_million_and_a_half() -> None:
    q = only("نزح مليون ونصف شخص خلال الحملة.")
    assert (q.metric, q.value) == ("displaced", 1.5e6)
