"""Classes of miss of issue 14's tune set 8, in wordings of their own (each failed before): whether
a thing may be reported (这个能报不) is asked of its report entry, not of a deed at a place; a
situation told by its signs (喝酒闹事, 吃饭穿衣都要人喂); a county of Guangyuan is where the
户口 is (剑阁, 青川); 社区头 = 社区里; 上学 at the kindergarten asks whether one may; a service and
the 代办 desk named together; an entry about another place than the one named; and traps: a thing
or a bonus no entry mentions (有没有车接, 有没有奖金). Real faq/, lexical."""
from __future__ import annotations

import pytest

from .conftest import outcome_and_entries


@pytest.mark.parametrize(("question", "entry"), [
    ("楼道的灯坏了好几天了，黑黢黢的，这个能报不", "report.streetlight"),
    ("小区垃圾堆起没人收，臭得很，这个可以报不", "report.sanitation"),
])
def test_whether_a_thing_may_be_reported_is_its_report_entry(real, question, entry):
    # 报 is what the 上报 desk does with the thing, not a deed no entry of the place mentions.
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize(("question", "entry"), [
    ("最近小区门口有一伙人天天喝酒闹事，我家老人晚上都不敢下楼，这种事该咋个反映", "report.security"),
    ("我们楼下那个麻将馆半夜还有人耍酒疯，感觉不大安全，该找哪个", "report.security"),
    ("我婆婆今年八十多了，脑壳不清醒，老年痴呆，吃饭穿衣都要人喂，照料中心能收不", "daycare.nursing"),
])
def test_a_situation_told_by_its_signs(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", [
    "我妈户口在剑阁，领高龄津贴要不要回剑阁去办",
    "我户口在青川县，在这边吃低保是不是要回青川申请",
])
def test_a_county_of_guangyuan_is_where_the_hukou_is(real, question):
    # Not a word no entry knows asked of the 低保 (which would be "not registered").
    assert outcome_and_entries(real, question) == ("answer", ["hukou.subsidies"])


def test_shequ_tou_is_inside_the_community(real):
    assert outcome_and_entries(real, "社区头有些啥子地方可以去耍") == ("answer", ["facilities.list"])


def test_going_to_school_at_the_kindergarten_asks_whether_one_may(real):
    question = "我们是外地来打工的，户口不在这边，房子是租的，想问一下娃儿能不能在社区幼儿园上学"
    assert outcome_and_entries(real, question) == ("answer", ["kindergarten.hukou"])


@pytest.mark.parametrize("question", [
    "异地就医这个能交给社区帮忙代办吗",
    "我岳父住我们这边，他要回老家那边的医院看病，听说要办异地就医备案，我们白天都上班，这个社区可以帮忙代办吗？要准备啥子？",
])
def test_a_service_and_the_desk_named_together_is_the_services_entry(real, question):
    # Both parts go to the 异地就医 entry; the desk's general list of documents does not win the whole.
    assert outcome_and_entries(real, question) == ("answer", ["medins.remote"])


def test_an_entry_about_another_place_gives_way(real):
    question = "我外孙在羊木小学读三年级，放学没人管，想送他去青少年宫，不是本地户口的娃儿收不收"
    assert outcome_and_entries(real, question) == ("answer", ["youth.eligibility"])


@pytest.mark.parametrize("question", [
    "照料中心有没有车来接老人",
    "青少年中心有没有游泳池",
    "二胎登记有没有奖金",
])
def test_a_thing_or_a_bonus_no_entry_mentions_is_not_registered(real, question):
    assert outcome_and_entries(real, question) == ("unregistered", [])


@pytest.mark.parametrize(("question", "entry"), [
    ("照料中心有没有午饭", "daycare.meals"),
    ("当志愿者有没有年龄限制", "volunteer.eligibility"),
    ("社区有心理关爱志愿者吗", "volunteer.teams"),
])
def test_what_the_entries_do_mention_is_still_answered(real, question, entry):
    assert outcome_and_entries(real, question) == ("answer", [entry])
