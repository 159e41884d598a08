"""What a resident notices when a question asks for a fact the FAQ lacks, asks two things at
once, or asks about the community's history (issue 14), with the real faq/ and the lexical
channel (the semantic one is tested in test_semantic.py)."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import FaqGap
from tests.conftest import converse


def test_an_amount_the_faq_lacks_is_not_answered_with_a_neighbouring_entry(app, resident):
    # Seen in the field: the 低保 amount answered with the day-care centre's meal price.
    answer = resident.says("低保一个月发好多钱")
    assert "没有登记" in answer and "人工" in answer
    assert "5元" not in answer and "每餐" not in answer
    with app.extensions["community"].db.transaction() as session:
        gap = session.scalars(select(FaqGap)).one()
    assert gap.outcome == "unregistered"  # staff see it among the questions to add


def test_hours_names_and_amounts_not_in_the_data_get_a_person(resident):
    converse(resident, [
        ("社区超市几点关门", ["没有登记", "人工"]),  # the service centre's hours are not the shop's
        ("社区书记叫什么名字", ["没有登记", "人工"]),
        ("高龄津贴一个月有好多钱", ["没有登记", "人工"]),
        ("医保一年要交好多钱", ["没有登记", "人工"]),
    ])


def test_a_fact_the_faq_has_is_still_answered(resident):
    converse(resident, [
        ("照料中心吃顿饭好多钱", "5元"),
        ("学太极拳要不要钱", "免费"),
        ("图书室几点开门", "9:00"),
        ("网格员的电话是多少", "暂时没有登记"),  # the entry itself says it has no number
    ])


def test_a_two_part_question_gets_both_answers_each_headed(resident):
    answer = resident.says("太极和秧歌各是星期几")
    assert "周二、周四" in answer and "周一、周三、周五" in answer
    assert answer.count("【") == 2
    answer = resident.says("照料中心几点开门，吃饭好多钱")
    assert "8:00" in answer and "每餐5元" in answer


def test_the_second_part_borrows_what_the_first_names(resident):
    answer = resident.says("在哪里报名太极拳 要不要钱")
    assert "报名太极拳" in answer and "免费" in answer


def test_a_known_part_is_answered_and_the_other_is_named_for_a_person(resident):
    answer = resident.says("太极拳在哪里上课 老师叫什么名字")
    assert "文化广场" in answer
    assert "老师叫什么名字】这个我这里没有登记" in answer and "人工" in answer


def test_the_seed_facts_residents_ask_about(resident):
    converse(resident, [
        ("硬化了多少公里的路", "50余千米"),
        ("献一片情是什么意思", "评先选优"),
        ("融合以后有多少村民受益", "683户1243名"),
        ("党代表工作室接待了多少群众", "1100余人次"),
    ])
