"""Reading what a form prints: item numbers, letters, codes and labels as units type them."""

from __future__ import annotations

import pytest

from wennuan_xl.core import columns
from wennuan_xl.core.printed import code_of, inline_numbers, item_number, marks, similarity, words


@pytest.mark.parametrize(
    "text, item, letter, rest",
    [
        ("01（A）当地职工总数", 1, "A", "当地职工总数"),
        ("01 （A） 当地职工总数", 1, "A", "当地职工总数"),
        ("(B)其中农民工总数", None, "B", "农民工总数"),
        ("其中：（B）其中困难农民工", None, "B", "困难农民工"),
        ("A.中央财政", None, "A", "中央财政"),
        ("a. 中央财政", None, "", "a. 中央财政"),  # lower case is not read as a letter at the start
        ("一、职工情况", 1, "", "职工情况"),
        ("（三）困难职工建档情况", 3, "", "困难职工建档情况"),
        ("10  送温暖活动期间共帮助农民工平安返乡", 10, "", "送温暖活动期间共帮助农民工平安返乡"),
        ("15  件，（B）涉及农民工", None, "", "15  件,(B)涉及农民工"),  # a figure with its unit, no item (text in NFKC)
        ("2017年度经过工会帮扶实现脱贫的困难职工家庭", None, "", "2017年度经过工会帮扶实现脱贫的困难职工家庭"),
        ("①省级", None, "", "省级"),  # circled numbers count rows; they are not letters
    ],
)
def test_marks(text, item, letter, rest):
    m = marks(text)
    assert (m.item, m.letter, m.rest) == (item, letter, rest)


def test_an_item_with_a_point_is_flagged_for_forms_numbered_in_chinese():
    assert marks("1.当地职工总数").arabic and not marks("01 当地职工总数").arabic


@pytest.mark.parametrize("value, expected", [("01", 1), ("1", 1), (3.0, 3), ("一", 1), ("十一", 11), ("（二）", 2),
                                             ("一、", 1), ("A", None), ("2017", None), (True, None)])
def test_item_number(value, expected):
    assert item_number(value) == expected


@pytest.mark.parametrize("value, expected", [("A1.01A", "A1.01A"), ("a1．01a", "A1.01A"), ("A1.05", "A1.05"),
                                             ("A1.1A", ""), ("附件1", ""), (7, "")])
def test_code_of(value, expected):
    assert code_of(value) == expected


def test_label_similarity_orders_what_a_reader_would():
    total = words("当地职工总数")
    assert similarity(total, words("当地职工总数")) == 1.0
    assert similarity(words("职工总数"), total) > 0.8  # the clerk's short form
    assert similarity(words("当地困难职工总数"), total) < similarity(words("职工总数"), total)
    assert similarity(words("中央财政"), words("走访企业")) < 0.2


def test_numbers_inside_text_keep_their_units_and_skip_years():
    found = [(n.number, n.unit) for n in inline_numbers("2017年度共 219977人，其中 61,038 人")]
    assert found == [("219977", "人"), ("61,038", "人")]


@pytest.mark.parametrize(
    "header, kind",
    [("数值", columns.VALUE), ("本年", columns.CURRENT), ("2017年1-12月", columns.CURRENT), ("2016年同期", columns.COMPARE),
     ("上年同期", columns.COMPARE), ("数值 上年同期", columns.COMPARE), ("备注", columns.REMARK), ("计划数", columns.COMPARE),
     ("完成数", columns.CURRENT), ("计量单位", columns.UNIT), ("系统本级", columns.PART), ("合计", columns.VALUE),
     ("说明", columns.NOTE), ("审核", columns.CHECK)],
)
def test_column_kinds_for_a_2017_form(header, kind):
    assert columns.classify(header, 2017) == kind


def test_a_2016_column_is_this_years_for_annex_2():
    assert columns.classify("2016年", 2016) == columns.CURRENT and columns.classify("2015年", 2016) == columns.COMPARE
