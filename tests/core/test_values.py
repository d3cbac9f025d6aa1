"""Normalising what clerks type into number cells: a case-by-case table over real campaign fields."""

from __future__ import annotations

import datetime as dt

import pytest

from wennuan_xl.core.forms import Kind
from wennuan_xl.core.formula import BLANK
from wennuan_xl.core.values import Status, as_number, clean, parse_date
from wennuan_xl.files.campaign_files import load_campaign

CAMPAIGN = load_campaign()
PLACEHOLDERS = CAMPAIGN.placeholders
UNITS = tuple(CAMPAIGN.units)

PERSONS = "A1.02B"  # 其中困难农民工, 人
MONEY = "A1.05"  # 筹集款物总额, 万元
YESNO = "A2.06B"  # 资金是否纳入财政预算, 是/否


def run(raw, code):
    return clean(raw, CAMPAIGN.field(code), PLACEHOLDERS, UNITS)


def test_the_fields_used_here_are_what_the_table_assumes():
    assert CAMPAIGN.field(PERSONS).unit == "人"
    assert CAMPAIGN.field(PERSONS).kind is Kind.COUNT
    assert CAMPAIGN.field(MONEY).unit == "万元"
    assert CAMPAIGN.field(MONEY).kind is Kind.MONEY
    assert CAMPAIGN.field(YESNO).kind is Kind.YESNO
    for p in ("—", "-", "/", "无", "－"):
        assert p in PLACEHOLDERS
    assert "人" in UNITS and "万元" in UNITS


OK, PH, NN, WU, NY, BL = (
    Status.OK,
    Status.PLACEHOLDER,
    Status.NOT_NUMBER,
    Status.WRONG_UNIT,
    Status.NOT_YESNO,
    Status.BLANK,
)

# raw, field, expected value, expected status, unit_found
NUMBER_TABLE = [
    # plain and full-width digits, separators, spaces
    ("123", PERSONS, 123, OK, ""),
    ("１２３", PERSONS, 123, OK, ""),
    ("１２.５", MONEY, 12.5, OK, ""),
    ("1,234", PERSONS, 1234, OK, ""),
    ("1，234", PERSONS, 1234, OK, ""),
    ("1,234,567", PERSONS, 1234567, OK, ""),
    ("1,234.5", MONEY, 1234.5, OK, ""),
    (" 12 ", PERSONS, 12, OK, ""),
    ("\u300012\u3000", PERSONS, 12, OK, ""),
    ("0", PERSONS, 0, OK, ""),
    (".5", MONEY, 0.5, OK, ""),
    # the field's own unit typed after the number
    ("123人", PERSONS, 123, OK, ""),
    ("１２３人", PERSONS, 123, OK, ""),
    ("12 人", PERSONS, 12, OK, ""),
    ("12.5万元", MONEY, 12.5, OK, ""),
    ("12.5 万元", MONEY, 12.5, OK, ""),
    ("6.95万", MONEY, 6.95, OK, ""),  # 万 in a 万元 column is 万元
    ("人 286", PERSONS, 286, OK, ""),  # the unit typed first
    ("零", PERSONS, 0, OK, ""),
    # placeholders read as 0, with a note
    ("—", PERSONS, 0, PH, ""),
    ("-", PERSONS, 0, PH, ""),
    ("/", PERSONS, 0, PH, ""),
    ("无", PERSONS, 0, PH, ""),
    ("－", PERSONS, 0, PH, ""),
    (" 无 ", MONEY, 0, PH, ""),
    ("——", MONEY, 0, PH, ""),
    # not numbers: quoted back, never silently 0
    ("约30", PERSONS, "约30", NN, ""),
    ("30左右", PERSONS, "30左右", NN, ""),
    ("12,34", PERSONS, "12,34", NN, ""),
    ("1,23,456", PERSONS, "1,23,456", NN, ""),
    ("abc", MONEY, "abc", NN, ""),
    ("1e3", PERSONS, "1e3", NN, ""),
    ("人", PERSONS, "人", NN, ""),
    ("万元", MONEY, "万元", NN, ""),
    # a unit that is not the field's
    ("2000万", PERSONS, "2000万", WU, "万"),
    ("12.5万元", PERSONS, "12.5万元", WU, "万元"),
    ("12.5元", MONEY, "12.5元", WU, "元"),
    ("12.5千元", MONEY, "12.5千元", WU, "千元"),
    ("30户", PERSONS, "30户", WU, "户"),
    ("50%", PERSONS, "50%", WU, "%"),
    # values from a reader, not typed text
    (3752.0, PERSONS, 3752, OK, ""),
    (12.5, MONEY, 12.5, OK, ""),
    (123, PERSONS, 123, OK, ""),
    (-5, PERSONS, -5, OK, ""),  # a negative number is a number; the min check reports it
    (0.0, MONEY, 0, OK, ""),
    (float("nan"), PERSONS, None, NN, ""),
    (float("inf"), MONEY, None, NN, ""),
    (float("-inf"), MONEY, None, NN, ""),
    (dt.datetime(2017, 1, 15, 0, 0), PERSONS, None, NN, ""),
    (dt.date(2017, 1, 15), MONEY, None, NN, ""),
    (True, PERSONS, None, NN, ""),
    (False, MONEY, None, NN, ""),
    # blanks
    (None, PERSONS, BLANK, BL, ""),
    ("", PERSONS, BLANK, BL, ""),
    ("   ", MONEY, BLANK, BL, ""),
    (BLANK, MONEY, BLANK, BL, ""),
]


@pytest.mark.parametrize("raw, code, expected, status, unit_found", NUMBER_TABLE)
def test_clean_number_fields(raw, code, expected, status, unit_found):
    result = run(raw, code)
    assert result.status is status
    assert result.unit_found == unit_found
    if status is BL:
        assert result.value is BLANK
    elif status in (NN, WU):
        # the cell is unusable: the value is the text as typed, and the text is quoted for the message
        assert isinstance(result.value, str)
        assert result.text == result.value
        if expected is not None:
            assert result.value == expected
        assert not result.usable
    else:
        assert result.value == expected
        assert type(result.value) is type(expected)  # 3752.0 -> int 3752; 12.5 stays float
        assert result.usable


@pytest.mark.parametrize("raw", ["约30", "2000万", "12,34", "１２３", " 无 "])
def test_the_typed_text_is_kept_for_messages(raw):
    assert run(raw, PERSONS).text == raw


def test_a_datetime_in_a_number_field_is_quoted_as_a_date():
    result = run(dt.datetime(2017, 1, 15), PERSONS)
    assert result.status is NN
    assert "2017" in result.text


@pytest.mark.parametrize(
    "raw, expected, status",
    [
        ("是", "是", OK),
        ("否", "否", OK),
        (" 否 ", "否", OK),
        ("\u3000是\u3000", "是", OK),
        ("☑是\u3000□否", "是", OK),  # the ticked box
        ("□是 ☑否", "否", OK),
        ("是√", "是", OK),
        ("☑是☑否", "☑是☑否", NY),  # both ticked: no answer
        ("对", "对", NY),
        ("是的", "是的", NY),
        ("Y", "Y", NY),
        (1, "1", NY),
        (0, "0", NY),
        (True, None, NY),
        (None, BLANK, BL),
        ("", BLANK, BL),
        ("  ", BLANK, BL),
    ],
)
def test_clean_yes_no_field(raw, expected, status):
    result = run(raw, YESNO)
    assert result.status is status
    if status is BL:
        assert result.value is BLANK
    elif expected is not None:
        assert result.value == expected
    assert result.usable is (status in (OK, BL))


def test_placeholder_is_usable_but_marked():
    result = run("—", MONEY)
    assert result.usable
    assert result.status is PH
    assert result.value == 0 and type(result.value) is int


@pytest.mark.parametrize(
    "value, expected",
    [(3752.0, 3752), (12.5, 12.5), (-0.0, 0), (7, 7), (True, 1), (2.0**60, 2.0**60)],
)
def test_as_number(value, expected):
    result = as_number(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2017年1月15日", dt.date(2017, 1, 15)),
        ("２０１７年１月１５日", dt.date(2017, 1, 15)),
        ("2017 年 1 月 15 日", dt.date(2017, 1, 15)),
        ("2017-01-15", dt.date(2017, 1, 15)),
        ("2017/1/15", dt.date(2017, 1, 15)),
        ("2017.1.15", dt.date(2017, 1, 15)),
        ("20170115", dt.date(2017, 1, 15)),
        (20170115, dt.date(2017, 1, 15)),
        (dt.date(2017, 1, 15), dt.date(2017, 1, 15)),
        (dt.datetime(2017, 1, 15, 9, 30), dt.date(2017, 1, 15)),
        (42750, dt.date(2017, 1, 15)),
        (42750.0, dt.date(2017, 1, 15)),
        ("下周", None),
        ("2017-02-30", None),
        ("2017-13-01", None),
        ("", None),
        (None, None),
        (True, None),
        ("2017年1月", None),
    ],
)
def test_parse_date(raw, expected):
    result = parse_date(raw)
    assert result == expected
    if expected is not None:
        assert type(result) is dt.date


def test_a_whole_number_too_large_for_a_double_is_refused_as_text_not_a_crash():
    # 10**400 (a reader's int, or 400 digits typed): float() of it overflows, so it cannot be summed or compared.
    from wennuan_xl.core.check import check_values
    from wennuan_xl.files.campaign_files import load_campaign, load_rules

    campaign = load_campaign()
    rules = load_rules(campaign)
    for huge in (10**400, "1" + "0" * 400):
        report = check_values({"A1.01A": huge, "A1.02A": 5}, campaign, rules, ("A1",))
        (finding,) = [f for f in report.findings if f.codes and f.codes[0] == "A1.01A"]
        assert finding.rule == "F-NUMBER" and "01(A) 当地职工总数 填写的“1000" in finding.message


@pytest.mark.parametrize("typed", ["67930¹", "91²", "28.76①", "13666³", "4.69⑴", "52₂", "⒈5", "1½", "𝟏𝟐𝟑"])
def test_a_figure_with_a_footnote_mark_or_a_digit_not_typed_as_one_is_no_number(typed):
    """NFKC turns ¹ ② ⑴ into digits: 67930¹ (a figure and its footnote mark) would read 679301."""
    assert run(typed, PERSONS).status is NN
    assert run(typed, MONEY).status is NN


@pytest.mark.parametrize(("typed", "value"), [("１２３", 123), ("１２，３４５", 12345), ("３．５", 3.5)])
def test_full_width_digits_are_digits(typed, value):
    assert run(typed, MONEY).value == value
