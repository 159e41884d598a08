"""Fresh wordings of the long-message trap classes still answered with a neighbour's fact (tunetraps):
each asks what the data does not give and must be "not registered"; a control beside it asks what
the data does give. Real faq/, lexical."""
from __future__ import annotations

import pytest


def outcome(real, question):
    m = real.match(question)
    return m.outcome, [e.id for e in m.candidates]


@pytest.mark.parametrize("question", [
    "我爸坐轮椅 想问下社区服务中心有没有电梯",  # 有没有 + a noun starting with 电: not 没有电 (停电)
    "青少年服务中心有没有电脑给娃儿用嘛",
])
def test_asking_whether_a_place_has_a_thing_starting_with_dian_is_no_outage(real, question):
    assert outcome(real, question) == ("unregistered", [])


def test_a_thing_starting_with_dian_the_data_gives_is_answered(real):
    assert outcome(real, "我妈天天去照料中心 那里有没有电视看") == ("answer", ["daycare.activities"])


def test_the_price_of_a_night_is_asked_of_the_place_asked_about_not_the_storys(real):
    # 文笔村's grid entries say 住 (the groups people live in): no price of a night at the day-care centre
    question = "我住文笔村一组 娃儿都在外头 想问下在照料中心住一晚上要好多钱"
    assert outcome(real, question) == ("unregistered", [])
    assert outcome(real, "我住文笔村一组 想问下照料中心吃一顿饭要好多钱") == ("answer", ["daycare.meals"])


@pytest.mark.parametrize("question", [
    "图书室的书借回家最长能看好久",  # how long a book may be kept: the hours are no answer
    "我娃在幼儿园 想问暑假放好久",  # how long a holiday lasts: the school day's hours are no answer
    "幼儿园暑假要放好多天",
])
def test_how_long_something_lasts_is_not_answered_by_opening_hours(real, question):
    assert outcome(real, question) == ("unregistered", [])


@pytest.mark.parametrize(("question", "entry"), [
    ("残疾人证办下来要多久", "disability.cert"),  # N个工作日
    ("大党委的联席会多长时间开一回", "dadangwei.meeting"),  # how often: 每季度
    ("我老汉儿住了院 想问医药费报销要等多久才到账", "medins.reimburse"),
])
def test_how_long_it_takes_is_answered_where_the_data_gives_it(real, question, entry):
    assert outcome(real, question) == ("answer", [entry])


def test_a_second_part_finding_the_time_the_whole_message_asks_is_answered(real):
    # the whole message is too diluted to be known, but its second part asks how long and finds it
    question = ("你好，我舅舅在外地摔断了腿住了一个月院，现在回来了。他医保是在羊木交的。"
                "我想问问这个医药费在社区能不能报，要准备些啥子单子，多久能报下来？")
    m = real.match(question)
    assert (m.outcome, [e.id for e in m.candidates]) == ("answer", ["medins.reimburse"])


@pytest.mark.parametrize("question", [
    "我爸在照料中心吃饭噎到了 照料中心负不负责嘛",  # the deed is 负责: no entry about the place says it
    "娃儿在青少年服务中心耍的时候摔伤了 那边负不负责赔",
])
def test_a_verb_split_by_its_negation_is_the_deed_asked_of_the_place(real, question):
    assert outcome(real, question) == ("unregistered", [])


def test_a_deed_split_by_its_negation_that_the_place_does_is_answered(real):
    assert outcome(real, "照料中心收不收外地户口的老人") == ("answer", ["daycare.eligibility"])


@pytest.mark.parametrize("question", [
    "能不能把我家的猫抱到照料中心去",  # a thing brought to the place, which no entry about it mentions
    "可不可以牵着狗去青少年服务中心耍",
])
def test_a_thing_asked_to_be_brought_to_a_place_is_not_registered(real, question):
    assert outcome(real, question) == ("unregistered", [])


def test_a_thing_brought_to_a_desk_that_takes_it_is_answered(real):
    assert outcome(real, "能不能把身份证复印件交到服务中心")[0] == "answer"


@pytest.mark.parametrize("question", [
    "我孙娃儿黏人得很，我走哪里他就跟到哪里，想问下照料中心晚上几点关门",  # 走哪里…跟到哪里: wherever
    "我们家的狗儿我走哪点它跟哪点，想问一哈照料中心几点关门嘛",
])
def test_a_question_word_said_twice_tells_and_does_not_ask(real, question):
    assert outcome(real, question) == ("answer", ["daycare.hours"])


@pytest.mark.parametrize(("question", "entry"), [
    ("我刚搬到羊木没多久，想学太极拳，咋个报名嘛", "taiji.signup"),  # 没多久: not long ago, no duration asked
    ("我搬来没多久 想问秧歌班在哪里跳", "yangge.place"),
])
def test_not_long_ago_tells_and_asks_no_duration(real, question, entry):
    assert outcome(real, question) == ("answer", [entry])


@pytest.mark.parametrize("question", [
    "残疾人证要不要交工本费",  # a fee named (工本费, 手续费) asks an amount the certificate's entry does not give
    "我在帮屋头老人办居住证 想问问有没有手续费",
])
def test_a_named_fee_the_data_does_not_give_is_not_registered(real, question):
    assert outcome(real, question) == ("unregistered", [])


def test_a_named_fee_the_data_gives_is_answered(real):
    assert outcome(real, "学太极拳要不要交学费") == ("answer", ["taiji.fee"])


@pytest.mark.parametrize("question", [
    "屋头老人有事想当面说，我们文笔村三组的网格员一般好久来走访一回",  # the grid's groups are no answer
    "第2网格的网格员下次是哪天来走访",
])
def test_when_someone_comes_is_not_answered_without_a_day(real, question):
    assert outcome(real, question) == ("unregistered", [])


@pytest.mark.parametrize(("question", "entry"), [
    ("党代表啥子时候来社区值班", "partyrep.when"),  # every Wednesday morning
    ("卫生站好久来照料中心量血压", "daycare.bloodpressure"),
])
def test_when_someone_comes_is_answered_where_the_data_gives_the_day(real, question, entry):
    assert outcome(real, question) == ("answer", [entry])


def test_an_entry_about_another_place_does_not_vouch_for_a_deed_asked_of_this_one(real):
    # the service centre's lunch hour says nothing of whether the youth centre gives children lunch
    assert outcome(real, "请问青少年服务中心管不管午饭") == ("unregistered", [])
    assert outcome(real, "照料中心管不管饭") == ("answer", ["daycare.meals"])


def test_a_second_part_asking_nothing_of_its_own_goes_on_with_an_unregistered_first(real):
    # the agenda of the next meeting is not registered; 定了没有 asks on about it, not what the council is
    question = "我是居民代表，下回议事会开会之前想准备一下，这回都要讨论些啥子，已经定好了没有嘛"
    assert outcome(real, question) == ("unregistered", [])


def test_a_verb_split_by_its_negation_leading_on_to_a_person_is_the_verb_alone(real):
    # 借不借给我: the deed is 借, which the library's entries say
    question = "我户口在外省，想去社区图书室借书给娃儿看，那边借不借给我嘛，要办啥子手续不"
    assert outcome(real, question) == ("answer", ["library.borrow"])


def test_parts_that_borrowed_a_place_do_not_answer_a_fact_asked_of_its_people(real):
    # the names of the 委员 are not registered; the parts asked of 大党委 find its meeting, not them
    question = "听说社区大党委请了几个兼职委员，我想晓得这几个委员都是哪些人，叫啥子名字，在哪些单位上班嘛"
    assert outcome(real, question) == ("unregistered", [])


def test_a_fact_asked_of_a_class_and_the_square_it_is_taught_on_is_the_classs(real):
    question = "我老汉儿天天在广场上转 听说广场上有人教太极拳 一期要学多久"
    assert outcome(real, question) == ("answer", ["classes.term"])
