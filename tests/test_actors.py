"""Actor recogniser: invented Arabic sentences in the style of conflict reporting."""

from __future__ import annotations

import datetime as dt
import pickle
from functools import cache
from pathlib import Path

import pytest

from marsad.errors import DataFileError
from marsad.model import ActorMention, Document
from marsad.normalize import Segmenter, fold
from marsad.recognize.actors import ActorRecognizer, ActorRegistry, make_actor_recognizer
from marsad.recognize.base import Analysis


@cache
def _recognizer() -> ActorRecognizer:
    return make_actor_recognizer(ActorRegistry.load())


def run(text: str, date: dt.date | None = None, rec: ActorRecognizer | None = None) -> tuple[ActorMention, ...]:
    doc = Document(id="t", text=text, published=date)
    analysis = Analysis(document=doc, folded=fold(text), sentences=Segmenter()(text), reference_date=date)
    out = (rec or _recognizer())(analysis)
    for m in out.actors:  # every span points into the original text
        assert text[m.span.start:m.span.end] == m.surface
    return out.actors


def ids(text: str, date: dt.date | None = None) -> list[str]:
    return [m.actor_id for m in run(text, date)]


D2017 = dt.date(2017, 5, 1)
D2025 = dt.date(2025, 5, 1)


# -- registry ---------------------------------------------------------------------------------------------------

def test_registry_fields_and_lineage() -> None:
    reg = ActorRegistry.load()
    hts = reg.get("hts")
    assert hts is not None
    assert hts.acled_name == "Hayat Tahrir al Sham" and hts.inter_code == 2 and hts.kind == "jihadist"
    assert reg.lineage("hts") == ("nusra_front", "jfs", "hts")
    assert reg.lineage("nusra_front") == ("nusra_front", "jfs", "hts")
    assert reg.lineage("syria_government_assad") == ("syria_government_assad", "syria_government_transitional")
    assert reg.lineage("no_such_actor") == ()
    gov = reg.get("syria_government_assad")
    assert gov is not None and gov.valid_to == dt.date(2024, 12, 8) and gov.acled_name.endswith("(2000-2024)")
    assert reg.get("nope") is None
    for must in ("syria_government_assad", "syria_government_transitional", "pro_assad_militias", "assad_remnants",
                 "islamic_state", "sdf", "ypg", "syrian_opposition", "syrian_national_army", "hts", "nusra_front",
                 "jaysh_al_islam", "bedouin_tribal_fighters", "druze_armed_groups", "russia", "iran", "hezbollah",
                 "united_states", "us_led_coalition", "turkey", "israel", "jordan", "iraq", "civilians",
                 "protesters", "un"):
        assert must in reg.core_ids(), must
    assert not reg.is_core("lebanon") and not reg.is_core("generic:gunmen")


def test_role_resolution_by_date_and_era() -> None:
    reg = ActorRegistry.load()
    assert reg.resolve("@syria_government", date=dt.date(2024, 12, 8)) == "syria_government_assad"
    assert reg.resolve("@syria_government", date=dt.date(2024, 12, 9)) == "syria_government_transitional"
    assert reg.resolve("@syria_government", era="transitional") == "syria_government_transitional"
    assert reg.resolve("@syria_government") == "syria_government_assad"
    assert reg.resolve("@state_media_enemy", date=D2025) is None
    assert reg.resolve("hts") == "hts"


def test_registry_and_recognizer_pickle() -> None:
    rec = _recognizer()
    again = pickle.loads(pickle.dumps(rec))
    text = "هاجمت قوات النظام مواقع تنظيم الدولة."
    assert [m.actor_id for m in run(text, D2017, again)] == ids(text, D2017)


# -- surface forms -----------------------------------------------------------------------------------------------

def test_clitics_and_quotes() -> None:
    text = ("واشتبكت وقوات النظام مع مقاتلي المعارضة، فيما انسحب عناصر «تنظيم “الدولة الإسلامية”» "
            "بعد قصف للمليشيات الطائفية وبقوات قسد.")
    got = run(text, D2017)
    assert [m.actor_id for m in got] == [
        "syria_government_assad", "syrian_opposition", "islamic_state", "pro_assad_militias", "sdf"]
    assert got[0].surface == "قوات النظام"  # the clitic و is not part of the mention
    # «عناصر» (generic) before a named actor is a partitive: one mention of the named actor
    assert got[2].surface.startswith("عناصر «تنظيم") and got[2].surface.endswith("الإسلامية")


def test_longest_match_wins() -> None:
    assert ids("أعلن الجيش السوري الحر سيطرته على التلة.", D2017) == ["syrian_opposition"]
    assert ids("قصفت كتائب حزب الله العراقية موقعاً.", D2017) == ["pro_assad_militias"]
    assert ids("قال حزب الله إنه سحب مقاتليه.", D2017)[0] == "hezbollah"


def test_spelling_variants() -> None:
    assert ids("تقدمت قوات سورية الديموقراطية.", D2017) == ["sdf"]
    assert ids("هاجمت مليشيات موالية للنظام القرية.", D2017) == ["pro_assad_militias"]
    assert ids("وصل المسلحون الموالون للنظام.", D2017) == ["pro_assad_militias"]


# -- time scoping ------------------------------------------------------------------------------------------------

def test_same_sentence_different_dates() -> None:
    text = "انتشر الجيش السوري في ريف دير الزور الشرقي بعد انسحاب المسلحين."
    assert ids(text, D2017)[0] == "syria_government_assad"
    assert ids(text, D2025)[0] == "syria_government_transitional"


def test_regime_wording_is_always_assad() -> None:
    assert ids("استهدفت قوات النظام البلدة.", D2025) == ["syria_government_assad"]


def test_era_from_text_cues_when_undated() -> None:
    assert ids("أكد الرئيس أحمد الشرع أن الجيش السوري سيدخل المدينة.")[-1] == "syria_government_transitional"
    assert ids("قال الرئيس بشار الأسد إن الجيش السوري سيستعيد المدينة.")[-1] == "syria_government_assad"
    assert ids("دخلت القوات الحكومية المدينة.") == ["syria_government_assad"]  # default: Assad era


def test_general_security_is_time_scoped() -> None:
    assert ids("داهم جهاز الأمن العام منزلاً في إدلب.", dt.date(2021, 3, 1)) == ["hts"]
    assert ids("داهم جهاز الأمن العام منزلاً في حمص.", D2025) == ["syria_government_transitional"]


# -- anaphora ----------------------------------------------------------------------------------------------------

def test_tanzeem_defaults_to_islamic_state_and_follows_antecedent() -> None:
    assert ids("فرض التنظيم حصاراً على الأحياء.", D2017) == ["islamic_state"]
    got = ids("أعلن تنظيم حراس الدين مسؤوليته. وقال التنظيم في بيان إن ...", D2017)
    assert got == ["hurras_al_din", "hurras_al_din"]


def test_hayaa_needs_hts_or_is_the_army() -> None:
    assert ids("قالت الهيئة في بيان إنها صدت الهجوم.", D2017) == []
    assert ids("اتهمت هيئة تحرير الشام خصومها، وقالت الهيئة إنها ستحاكمهم.", D2017) == ["hts", "hts"]
    got = ids("أعلنت هيئة العمليات في الجيش السوري السيطرة على البلدة. وطالبت الهيئة قسد بالانسحاب.", D2025)
    assert got == ["syria_government_transitional", "syria_government_transitional", "sdf"]


def test_hizb_only_after_hezbollah() -> None:
    assert ids("قال مصدر مقرب من الحزب إن المعركة انتهت.", D2017) == []
    got = ids("شن الجيش الحكومي وحزب الله هجوماً، وقال مصدر مقرب من الحزب إن ...", D2017)
    assert got == ["syria_government_assad", "hezbollah", "hezbollah"]


def test_bare_army_is_the_army_last_named() -> None:
    assert ids("قصف الجيش التركي مواقع قسد وقال الجيش إنه دمر أهدافاً.", D2017) == ["turkey", "sdf", "turkey"]
    text = "اشتبك الجيش اللبناني مع مهربين قرب الحدود. وقال الجيش في بيان إنه أوقف ثلاثة."
    assert ids(text, D2017) == ["lebanon", "lebanon"]
    text = "قصف الجيش الإسرائيلي مستودعاً للجيش السوري. وكان الجيش قد أخلى القاعدة ليلاً."
    assert ids(text, dt.date(2024, 12, 8)) == ["israel", "syria_government_assad", "syria_government_assad"]
    assert ids("هاجم الجيش الحر حاجزاً، ثم قصف الجيش البلدة.", D2017) == ["syrian_opposition", "syria_government_assad"]
    assert ids("انسحب الجيش من القاعدة ليلاً.", D2017) == ["syria_government_assad"]
    assert ids("انسحب الجيش من القاعدة ليلاً.", D2025) == ["syria_government_transitional"]


def test_regime_of_another_state_and_non_actor_nizam() -> None:
    assert ids("هدد النظام الإيراني بالرد.", D2017) == ["iran"]
    assert ids("تحدث عن النظام الدولي الجديد.", D2017) == []
    assert ids("قصف النظام البلدة.", D2017) == ["syria_government_assad"]


def test_former_name_in_brackets() -> None:
    assert ids("سيطرت هيئة تحرير الشام (جبهة النصرة سابقاً) على المعبر.", D2017) == ["hts", "hts"]


def test_tarafayn_is_not_an_actor() -> None:
    assert ids("وقع الطرفين على الاتفاق.", D2017) == []


# -- generic, foreign, adjectives, metonymy ----------------------------------------------------------------------

def test_generic_actors() -> None:
    got = run("أطلق مسلحون مجهولون النار على دورية، واعتقلت الشرطة شخصين.", D2017)
    assert [(m.actor_id, m.kind) for m in got] == [("generic:unknown", "generic"), ("generic:police", "generic")]
    assert got[0].surface == "مسلحون مجهولون"
    got = run("هاجم مسلحون حاجزاً.", D2017)
    assert [(m.actor_id, m.kind, m.surface) for m in got] == [("generic:gunmen", "generic", "مسلحون")]


def test_foreign_actors_never_become_syrian() -> None:
    got = run("قصف الجيش اللبناني مواقع في جرود عرسال، فيما هاجمت حركة حماس وطالبان أهدافاً أخرى.", D2017)
    assert [(m.actor_id, m.kind) for m in got] == [("lebanon", "foreign"), ("hamas", "foreign"),
                                                   ("taliban", "foreign")]
    assert ids("أعلن الجيش الأوكراني صد هجوم.", D2017) == ["ukraine"]


def test_nationality_adjectives_need_a_trigger() -> None:
    assert ids("تقدمت قوات النظام بدعم جوي روسي.", D2017) == ["syria_government_assad", "russia"]
    assert ids("استعانت بقوات خاصة روسية.", D2017) == ["russia"]
    assert ids("استهدفت ضربات يشتبه أنها إسرائيلية مستودعاً.", D2017) == ["israel"]
    assert ids("وصلت قوات النظام إلى الحدود العراقية.", D2017) == ["syria_government_assad"]
    assert ids("قالت وزارة الدفاع التركية إن ...", D2017) == ["turkey"]


def test_capitals_as_governments_and_places() -> None:
    assert ids("قالت واشنطن إنها سترد.", D2017) == ["united_states"]
    assert ids("عقد الاجتماع في واشنطن.", D2017) == []
    assert ids("دخل الوفد إلى دمشق.", D2017) == []
    assert ids("غداة إعلان دمشق عن اتفاق.", D2025) == ["syria_government_transitional"]


def test_syria_alone_is_a_place() -> None:
    assert ids("تعيش سوريا أزمة اقتصادية.", D2017) == []


def test_state_media_wording() -> None:
    text = "ونقلت سانا أن وحدات من الجيش العربي السوري قضت على عدد من الإرهابيين في ريف درعا."
    assert ids(text, D2017) == ["syria_government_assad", "syrian_opposition"]
    assert ids("قتل عدد من الإرهابيين في الهجوم.", D2017) == ["generic:terrorists"]


def test_jfs_is_reported_as_nusra() -> None:
    assert ids("أعلنت جبهة فتح الشام انسحابها.", D2017) == ["nusra_front"]


def test_sna_in_coordination() -> None:
    got = ids("بمشاركة الجيشين التركي والوطني السوري.", dt.date(2019, 10, 15))
    assert got == ["turkey", "syrian_national_army"]


# -- user data layering ------------------------------------------------------------------------------------------

def _user_file(folder: Path, name: str, header: str, rows: list[str]) -> None:
    text = "# source: test\n# licence: CC0-1.0\n# version: 0\n" + header + "\n" + "\n".join(rows) + "\n"
    (folder / name).write_text(text, encoding="utf-8")


def test_user_alias_file_layers_over_bundled(tmp_path: Path) -> None:
    _user_file(tmp_path, "actor_aliases.tsv", "surface\ttarget\tkind\tconfidence\tcondition\tnote", [
        "لواء الاختبار\tsyrian_opposition\tnamed\t1.0\t\tinvented faction",
        "الفصائل\tsyrian_national_army\tnamed\t1.0\t\tanalyst override",
        "الثوار\t-\tnamed\t1.0\t\tnot an actor here",
    ])
    rec = make_actor_recognizer(ActorRegistry.load(user_dir=tmp_path))
    text = "هاجم لواء الاختبار مواقع الفصائل، وقال الثوار إن ..."
    assert [m.actor_id for m in run(text, D2017, rec)] == ["syrian_opposition", "syrian_national_army"]
    assert ids(text, D2017) == ["syrian_opposition", "syrian_opposition"]  # bundled: «لواء» alone is nothing


def test_user_actor_file_adds_actor(tmp_path: Path) -> None:
    reg = ActorRegistry.load()
    _user_file(tmp_path, "actors.tsv", "\t".join(("id", "name_en", "name_ar", "acled_name", "inter_code", "cameo",
                                                  "kind", "core", "valid_from", "valid_to", "predecessor",
                                                  "successor", "rollup", "source")),
               ["test_militia\tTest militia\tميليشيا الاختبار\tTest Militia\t3\tSYRMIL\tmilitia\t0\t\t\t\t\t\t"])
    _user_file(tmp_path, "actor_aliases.tsv", "surface\ttarget\tkind\tconfidence\tcondition\tnote",
               ["ميليشيا الاختبار\ttest_militia\tnamed\t1.0\t\t"])
    reg2 = ActorRegistry.load(user_dir=tmp_path)
    assert reg2.get("test_militia") is not None and reg.get("test_militia") is None
    rec = make_actor_recognizer(reg2)
    assert [(m.actor_id, m.kind) for m in run("هاجمت ميليشيا الاختبار القرية.", D2017, rec)] == [
        ("test_militia", "foreign")]


def test_user_alias_to_unknown_actor_is_an_error(tmp_path: Path) -> None:
    _user_file(tmp_path, "actor_aliases.tsv", "surface\ttarget\tkind\tconfidence\tcondition\tnote",
               ["شيء\tno_such_actor\tnamed\t1.0\t\t"])
    with pytest.raises(DataFileError, match="unknown actor id"):
        ActorRegistry.load(user_dir=tmp_path)


# -- countries as places, protests, partitives, sentence dates ---------------------------------------------------

def test_countries_as_places_are_not_actors() -> None:
    assert ids("نقل الجرحى إلى تركيا للعلاج.", D2017) == []
    assert ids("انسحبت الفصائل إلى داخل الأردن.", D2017) == ["syrian_opposition"]
    assert ids("تقع البلدة على الحدود مع العراق.", D2017) == []
    assert ids("وصل لاجئون من إيران وإسرائيل.", D2017) == ["civilians"]
    assert ids("يعيش اللاجئون بتركيا منذ سنوات.", D2017) == ["civilians"]
    assert ids("موسكو - أعلنت وزارة الدفاع الروسية مقتل جندي.", D2017) == ["russia"]


def test_countries_as_actors() -> None:
    assert ids("اتفقت روسيا وتركيا على وقف إطلاق النار.", D2017) == ["russia", "turkey"]
    assert ids("تقدمت الفصائل بدعم من تركيا.", D2017) == ["syrian_opposition", "turkey"]
    assert ids("قالت موسكو إن طائراتها لم تشارك.", D2017) == ["russia"]


def test_protest_nouns_imply_protesters() -> None:
    got = run("خرجت مظاهرات في درعا تطالب بإسقاط النظام.", D2017)
    assert [(m.actor_id, m.surface) for m in got] == [("protesters", "خرجت مظاهرات"),
                                                      ("syria_government_assad", "النظام")]
    assert run("خرجت مظاهرات في درعا.", D2017)[0].confidence < 1.0


def test_partitive_does_not_cross_a_conjunction() -> None:
    got = run("وصلت حافلات تقل المقاتلين واللاجئين إلى إدلب.", D2017)
    assert [m.actor_id for m in got] == ["generic:fighters", "civilians"]
    assert [m.actor_id for m in run("قتل عدد من مقاتلي العشائر.", D2017)] == ["bedouin_tribal_fighters"]


def test_lam_lam_clitic_keeps_the_article_lam() -> None:
    got = run("وجهت انتقادات للنظام السوري.", D2017)
    assert [(m.actor_id, m.surface) for m in got] == [("syria_government_assad", "للنظام السوري")]


def _with_times(text: str, times: list[tuple[str, str]], date: dt.date | None) -> tuple[ActorMention, ...]:
    from marsad.model import Span, TimeMention

    found = []
    for surface, value in times:
        start = text.index(surface)
        found.append(TimeMention(span=Span(start, start + len(surface)), surface=surface, value=value,
                                 precision="year" if len(value) == 4 else "day"))
    doc = Document(id="t", text=text, published=date)
    analysis = Analysis(document=doc, folded=fold(text), sentences=Segmenter()(text), reference_date=date,
                        times=tuple(found))
    return _recognizer()(analysis).actors


def test_a_sentence_with_its_own_date_reads_actors_on_that_date() -> None:
    text = "في عام 2013 حاصر الجيش السوري المدينة. واليوم يدخل الجيش السوري المدينة."
    got = _with_times(text, [("2013", "2013")], D2025)
    assert [m.actor_id for m in got] == ["syria_government_assad", "syria_government_transitional"]


def test_undated_text_uses_latest_absolute_date() -> None:
    text = "صدر البيان في 12 آذار 2025. وانتشر الجيش السوري في المنطقة."
    got = _with_times(text, [("12 آذار 2025", "2025-03-12")], None)
    assert [m.actor_id for m in got] == ["syria_government_transitional"]
    got = _with_times(text.replace("2025", "2016"), [("12 آذار 2016", "2016-03-12")], None)
    assert [m.actor_id for m in got] == ["syria_government_assad"]
    # without any date or cue: Assad era
    assert ids("انتشر الجيش السوري في المنطقة.") == ["syria_government_assad"]


def test_foreign_adjective_specifies_a_generic_noun() -> None:
    got = run("قالت قوات الاحتلال الأمريكي إنها قصفت مواقع.", D2017)
    assert [(m.actor_id, m.surface) for m in got] == [("united_states", "قوات الاحتلال الأمريكي")]
    assert ids("توغلت قوات الاحتلال في ريف القنيطرة.", D2025) == ["israel"]


def test_regime_wording_names_the_faction_last_named() -> None:
    text = "ونقلت سانا أن وحدات الجيش قضت على إرهابيي تنظيم داعش في البادية. وقال المصدر إن الإرهابيين فروا."
    got = ids(text, D2017)
    assert got == ["syria_government_assad", "islamic_state", "islamic_state"]


def test_bare_factions_follow_the_factions_last_named() -> None:
    text = "سيطرت فصائل الجيش الوطني السوري على البلدة، وتواصل الفصائل تقدمها نحو القرى المجاورة."
    assert ids(text, dt.date(2019, 10, 15)) == ["syrian_national_army", "syrian_national_army"]
    assert ids("هاجمت الفصائل مواقع النظام.", D2017) == ["syrian_opposition", "syria_government_assad"]
    # after the factions dissolved (2025-01-29) a bare «الفصائل» is no longer the opposition
    assert ids("اشتبكت قوات الأمن مع الفصائل المحلية.", D2025) == [
        "syria_government_transitional", "generic:armed_groups"]


def test_led_by_joins_the_name() -> None:
    got = run("قصف طيران التحالف الدولي بقيادة الولايات المتحدة مواقع التنظيم.", D2017)
    assert [(m.actor_id, m.surface) for m in got] == [
        ("us_led_coalition", "طيران التحالف الدولي بقيادة الولايات المتحدة"), ("islamic_state", "التنظيم")]


def test_a_date_after_the_mention_does_not_rescope_it() -> None:
    text = "قال قائد الجيش السوري إن الخطة وضعت في تشرين الأول 2022."
    got = _with_times(text, [("تشرين الأول 2022", "2022-10")], D2025)
    assert [m.actor_id for m in got] == ["syria_government_transitional"]


def test_tribal_notables_are_not_fighters() -> None:
    assert ids("جرى الاتفاق برعاية وجهاء العشائر.", D2017) == []
    assert ids("هاجم مقاتلو العشائر حاجزاً.", D2025) == ["bedouin_tribal_fighters"]


def test_sources_get_low_confidence_and_are_left_out_of_the_actor_list() -> None:
    from marsad.recognize.actors import reported_actor_ids

    text = "وبحسب الأمم المتحدة نزح آلاف المدنيين بعد أن قصفت قوات النظام البلدة، وقال مصدر في المعارضة إن …"
    doc = Document(id="t", text=text, published=D2017)
    analysis = _recognizer()(Analysis(document=doc, folded=fold(text), sentences=Segmenter()(text),
                                      reference_date=D2017))
    conf = {m.actor_id: m.confidence for m in analysis.actors}
    assert conf["un"] < 0.45 and conf["syrian_opposition"] < 0.45 and conf["syria_government_assad"] == 1.0
    assert reported_actor_ids(analysis, ActorRegistry.load()) == ("civilians", "syria_government_assad")


def test_bare_forces_follow_the_state_forces_last_named() -> None:
    text = "أعلن الجيش السوري السيطرة على المطار. وكانت القوات قد تقدمت من الجنوب."
    assert ids(text, D2025) == ["syria_government_transitional", "syria_government_transitional"]
    assert ids("وكانت القوات قد تقدمت من الجنوب.", D2025) == []


@pytest.mark.parametrize("text", ["", "   ", "Reuters / AFP 2019", "؟!…«»", "🙂 قوات النظام 🙂", "ـــ" * 50,
                                  "قوات", "ال", "و", "قسد" * 3, "بـ\"ميليشيات بي كيه كيه\" الإرهابية"])
def test_odd_inputs_do_not_break_the_stage(text: str) -> None:
    got = run(text, D2025)  # spans are checked against the original inside run()
    assert all(m.span.end > m.span.start for m in got)


def test_glued_quote_and_tatweel_clitic() -> None:
    got = run("طرد ما وصفها بـ\"ميليشيات بي كيه كيه\" الإرهابية.", dt.date(2026, 1, 17))
    assert [(m.actor_id, m.surface) for m in got] == [("sdf", "ميليشيات بي كيه كيه")]


def test_hedges_do_not_count_between_trigger_and_adjective() -> None:
    assert ids("قصفت طائرات حربية يعتقد أنها روسية المدينة.", D2017) == ["russia"]
    assert ids("قال المتحدث باسم هيئة تحرير الشام إن …", D2017) == ["hts"]
    assert run("قال المتحدث باسم هيئة تحرير الشام إن …", D2017)[0].confidence < 0.45
    assert run("اندمجت الفصائل في كيان باسم هيئة تحرير الشام.", D2017)[-1].confidence == 1.0
