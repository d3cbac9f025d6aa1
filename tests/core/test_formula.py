"""The 审核公式 language: parsing (Excel precedence, IME full-width input, safety) and Excel-like evaluation."""

from __future__ import annotations

import builtins

import pytest

from wennuan_xl.core.formula import (
    BLANK,
    Binary,
    BoolLit,
    Call,
    FormulaError,
    FormulaSyntaxError,
    Num,
    Ref,
    Str,
    Unary,
    evaluate,
    parse,
    refs,
    unparse,
)

# Values of the cells a formula refers to; a name missing here is a bug in the test.
CELLS = {
    "BLANK": BLANK,
    "EMPTY_TEXT": "",
    "YES": "是",
    "TEXT": "abc",
    "FIVE": 5,
    "THREE": 3,
    "ZERO": 0,
    "HALF": 0.5,
    "T": True,
    "F": False,
    "A1_02A": 100,
    "A1_02B": 40,
}


def lookup(cells: dict):
    def get(name: str):
        return cells[name]

    return get


def ev(text: str, cells: dict | None = None):
    return evaluate(parse(text), lookup(CELLS if cells is None else cells))


# --- parsing: structure and precedence ------------------------------------------------------------


def test_multiplication_binds_tighter_than_addition():
    assert parse("1+2*3") == Binary("+", Num(1), Binary("*", Num(2), Num(3)))
    assert ev("1+2*3") == 7
    assert ev("(1+2)*3") == 9


def test_unary_minus_binds_tighter_than_power_as_in_excel():
    assert parse("-2^2") == Binary("^", Unary("-", Num(2)), Num(2))
    assert ev("-2^2") == 4
    assert ev("2-2^2") == -2
    assert ev("2^-1") == 0.5


def test_power_is_left_associative_as_in_excel():
    assert ev("2^3^2") == 64


def test_comparison_has_the_lowest_precedence():
    assert parse("1+2=3") == Binary("=", Binary("+", Num(1), Num(2)), Num(3))
    assert parse("A1_02B<=A1_02A+1") == Binary("<=", Ref("A1_02B"), Binary("+", Ref("A1_02A"), Num(1)))
    assert ev('"a"&"b"="ab"') is True  # & binds tighter than =
    assert ev("1+2=3") is True


def test_concatenation_binds_looser_than_addition():
    assert parse('1+2&"x"') == Binary("&", Binary("+", Num(1), Num(2)), Str("x"))
    assert ev('1+2&"x"') == "3x"


def test_full_width_input_from_a_chinese_ime_parses_like_ascii():
    assert parse("Ａ1_02Ｂ＜＝A1_02A") == parse("A1_02B<=A1_02A")
    assert parse("SUM（A1_05A，A1_05B）") == Call("SUM", (Ref("A1_05A"), Ref("A1_05B")))
    assert parse("ＡＢＳ（A1_05－１）＞＝０") == parse("ABS(A1_05-1)>=0")


def test_full_width_text_inside_a_string_literal_is_kept():
    assert parse('A2_06B="ＡＢ，是"') == Binary("=", Ref("A2_06B"), Str("ＡＢ，是"))


@pytest.mark.parametrize("text", ["=A1_02B<=A1_02A", "＝A1_02B<=A1_02A", "  =A1_02B<=A1_02A  "])
def test_a_leading_equals_sign_is_accepted(text):
    assert parse(text) == parse("A1_02B<=A1_02A")


def test_strings_with_doubled_quote_escapes():
    assert parse('"say ""hi"""') == Str('say "hi"')
    assert parse('""') == Str("")
    assert ev('"a""b"&"c"') == 'a"bc'


def test_names_and_functions_are_case_insensitive():
    assert parse("sum(a1_05a,A1_05B)") == Call("SUM", (Ref("A1_05A"), Ref("A1_05B")))
    assert parse("a1_02b<=A1_02a") == parse("A1_02B<=A1_02A")
    assert parse("true") == BoolLit(True)
    assert parse("False") == BoolLit(False)


def test_unknown_function_is_a_syntax_error_naming_it():
    with pytest.raises(FormulaSyntaxError) as exc:
        parse("VLOOKUP(A1_02B,1)")
    assert "VLOOKUP" in str(exc.value)


@pytest.mark.parametrize(
    "text",
    [
        "(1+2",
        "1+2)",
        "SUM(A1_05A,A1_05B",
        "((A1_02B)",
        "A1_02B<=A1_02A A1_01A",
        "1 2",
        "1+",
        "*1",
        "A1_02B<=",
        "1.2.3",
        "SUM(1,)",
        "",
        "   ",
        "=",
        "A1_02B # 1",
        "A1_02B<=A1_02A;",
    ],
)
def test_malformed_formulas_are_syntax_errors(text):
    with pytest.raises(FormulaSyntaxError):
        parse(text)


@pytest.mark.parametrize(
    "text",
    ["ABS(1,2)", "ABS()", "NOT(1,2)", "ISBLANK()", "IF(1)", "IF(1,2,3,4)", "ROUND(1)", "ROUND(1,2,3)", "SUM()", "MAX()"],
)
def test_wrong_number_of_arguments_is_a_syntax_error(text):
    with pytest.raises(FormulaSyntaxError):
        parse(text)


def test_syntax_error_is_a_value_error_with_chinese_text():
    with pytest.raises(ValueError) as exc:
        parse("(1+2")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os")',
        '__import__("os").system("echo hacked")',
        "().__class__",
        "[1,2]",
        "lambda: 1",
        "A1_02B if 1 else 2",
        "open('x')",
        "exec(\"1\")",
        "EVAL(1)",
    ],
)
def test_python_is_never_evaluated(text, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec must never be called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    with pytest.raises(FormulaSyntaxError):
        parse(text)


def test_evaluation_does_not_use_eval(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec must never be called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert ev("ABS(A1_02A-SUM(A1_02B,60))<=0.01") is True


def test_refs_in_order_of_first_appearance_without_duplicates():
    node = parse("ABS(A1_05-SUM(a1_05b,A1_05A,A1_05B))<=TOLERANCE+A1_05")
    assert refs(node) == ["A1_05", "A1_05B", "A1_05A", "TOLERANCE"]
    assert refs(parse("1+2")) == []


@pytest.mark.parametrize(
    "text",
    [
        "A1_02B<=A1_02A",
        "ABS(A1_05-SUM(A1_05A,A1_05B,A1_05C,A1_05D,A1_05E))<=TOLERANCE",
        "(A1_07I>0)=(A1_07J>0)",
        "AND(A1_07J*10000/A1_07I>=100,A1_07J*10000/A1_07I<=10000)",
        'NOT(AND(A2_06B="是",A2_06A=0))',
        '"say ""hi"""&A1_02B',
        "-2^2",
        "-(-1)",
        "2^3^2",
        "2^(3^2)",
        "1-(2-3)",
        "1-2-3",
        "8/(4/2)",
        "IF(ISBLANK(A1_02B),0,ROUND(A1_02B/3,2))",
        "MIN(1,2)<>MAX(3,4)",
        "0.1+1e-07+1e+20+12.5",
        "TRUE=NOT(FALSE)",
        "1<2=TRUE",
        "A1_02B&\"人\"",
    ],
)
def test_unparse_reparses_to_the_same_ast(text):
    node = parse(text)
    assert parse(unparse(node)) == node
    assert parse("=" + unparse(node)) == node


# --- evaluation: blanks, text, errors ---------------------------------------------------------------


def test_blank_is_zero_in_arithmetic():
    assert ev("BLANK+1") == 1
    assert ev("BLANK*5") == 0
    assert ev("-BLANK") == 0


def test_blank_is_empty_text_beside_text():
    assert ev('BLANK="是"') is False
    assert ev('BLANK=""') is True
    assert ev('BLANK&"x"') == "x"


def test_blank_equals_zero_and_false():
    assert ev("BLANK=0") is True
    assert ev("BLANK=FALSE") is True
    assert ev("BLANK=BLANK") is True
    assert ev("BLANK<1") is True


def test_text_cell_equality():
    assert ev('YES="是"') is True
    assert ev('TEXT="ABC"') is True  # Excel compares text case-insensitively
    assert ev('YES="否"') is False


def test_sum_min_max_skip_blanks_and_text_given_by_reference():
    assert ev("SUM(BLANK,TEXT,FIVE,THREE,YES,T)") == 8
    assert ev("MIN(BLANK,TEXT,FIVE,THREE)") == 3
    assert ev("MAX(BLANK,TEXT,FIVE,THREE)") == 5
    assert ev("MIN(BLANK,TEXT)") == 0
    assert ev("SUM(BLANK)") == 0


def test_sum_of_literal_values_converts_them():
    assert ev('SUM("3",1)') == 4
    with pytest.raises(FormulaError) as exc:
        ev('SUM("abc",1)')
    assert exc.value.code == "#VALUE!"


def test_arithmetic_on_text_is_a_value_error():
    with pytest.raises(FormulaError) as exc:
        ev("TEXT+1")
    assert exc.value.code == "#VALUE!"


def test_and_or_skip_blank_and_text_refs():
    assert ev("AND(BLANK,T,FIVE)") is True
    assert ev("AND(BLANK,TEXT,F)") is False
    assert ev("OR(BLANK,ZERO)") is False
    assert ev("OR(BLANK,TEXT,FIVE)") is True


@pytest.mark.parametrize("text", ["AND(BLANK)", "OR(BLANK)", "AND(BLANK,TEXT)", "OR(TEXT,EMPTY_TEXT)", 'AND("x")'])
def test_and_or_with_nothing_logical_left_is_a_value_error(text):
    with pytest.raises(FormulaError) as exc:
        ev(text)
    assert exc.value.code == "#VALUE!"


@pytest.mark.parametrize("text", ["1/0", "FIVE/BLANK", "FIVE/ZERO", "1/(HALF-0.5)", "A1_02A/(A1_02B-40)"])
def test_division_by_zero(text):
    with pytest.raises(FormulaError) as exc:
        ev(text)
    assert exc.value.code == "#DIV/0!"


def test_formula_error_is_not_a_syntax_error():
    with pytest.raises(FormulaError) as exc:
        ev("1/0")
    assert not isinstance(exc.value, FormulaSyntaxError)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('1<"a"', True),
        ('99999<"0"', True),  # any number < any text
        ('"z"<TRUE', True),  # any text < any logical
        ("1000<FALSE", True),  # any number < any logical
        ('TRUE>"zzz"', True),
        ('"a"<"b"', True),
        ('"B">"a"', True),
        ("FALSE<TRUE", True),
        ('1="1"', False),
        ("1=TRUE", False),
        ('FIVE>"4"', False),
    ],
)
def test_mixed_type_comparison_order_number_text_bool(text, expected):
    assert ev(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.1+0.2=0.3", True),
        ("0.1+0.2<>0.3", False),
        ("0.1+0.2<=0.3", True),
        ("0.1+0.2>0.3", False),
        ("12.5-12.49<=0.01", True),
        ("1/3*3=1", True),
        ("0.3=0.3000001", False),
        ("100=100.01", False),
    ],
)
def test_approximate_equality_as_in_excel(text, expected):
    assert ev(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ROUND(2.675,2)", 2.68),
        ("ROUND(1.005,2)", 1.01),
        ("ROUND(0.285,2)", 0.29),
        ("ROUND(2.5,0)", 3),
        ("ROUND(-2.5,0)", -3),
        ("ROUND(-1.005,2)", -1.01),
        ("ROUND(0.4,0)", 0),
        ("ROUND(1234.5,-2)", 1200),
        ("ROUND(1.23456,3)", 1.235),
        ("ROUND(FIVE/3,2)", 1.67),
        ("ROUND(BLANK,2)", 0),
    ],
)
def test_round_half_away_from_zero(text, expected):
    assert ev(text) == expected


def test_if_with_three_arguments():
    assert ev("IF(FIVE>3,1,2)") == 1
    assert ev("IF(FIVE<3,1,2)") == 2
    assert ev("IF(BLANK,1,2)") == 2  # a blank condition is false
    assert ev('IF(TRUE,"是","否")') == "是"


def test_if_with_two_arguments_is_false_when_condition_fails():
    assert ev("IF(ZERO,1)") is False
    assert ev("IF(THREE,1)") == 1


def test_if_evaluates_only_the_chosen_branch():
    assert ev("IF(ZERO=0,1,1/0)") == 1
    assert ev("IF(ZERO<>0,1/0,2)") == 2


def test_if_with_text_condition_is_a_value_error():
    with pytest.raises(FormulaError) as exc:
        ev("IF(TEXT,1,2)")
    assert exc.value.code == "#VALUE!"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ISBLANK(BLANK)", True),
        ("ISBLANK(EMPTY_TEXT)", False),  # a cell holding "" is not empty
        ("ISBLANK(ZERO)", False),
        ("ISBLANK(TEXT)", False),
        ('ISBLANK("")', False),
        ("ISBLANK(0)", False),
        ("ISBLANK(BLANK+0)", False),  # only a reference can be blank
    ],
)
def test_isblank_only_true_for_blank_refs(text, expected):
    assert ev(text) is expected


def test_not_abs_and_unary():
    assert ev("NOT(BLANK)") is True
    assert ev("NOT(FIVE)") is False
    assert ev("ABS(-FIVE)") == 5
    assert ev("ABS(BLANK)") == 0
    assert ev("--THREE") == 3


def test_a_shipped_style_rule_evaluates_with_a_dict_lookup():
    cells = {"A1_05": 12.5, "A1_05A": 10, "A1_05B": BLANK, "A1_05C": 2.49, "TOLERANCE": 0.01}
    rule = parse("ABS(A1_05-SUM(A1_05A,A1_05B,A1_05C))<=TOLERANCE")
    assert evaluate(rule, lookup(cells)) is True
    cells["A1_05C"] = 2.4
    assert evaluate(rule, lookup(cells)) is False


# --- PREV: last year's figure of a field ----------------------------------------------------------------


def test_prev_is_a_reference_to_last_years_figure():
    node = parse("ABS(A1_01A-prev（a1_01a）)>0.3*PREV(A1_01A)")
    assert node.left.args[0].right == Ref("A1_01A", previous=True)
    assert unparse(node) == "ABS(A1_01A-PREV(A1_01A))>(0.3*PREV(A1_01A))"
    assert refs(node) == ["A1_01A"]
    from wennuan_xl.core.formula import all_refs, previous_refs

    assert previous_refs(node) == ["A1_01A"] and all_refs(parse("PREV(A1_02A)<A1_01A")) == ["A1_01A", "A1_02A"]
    assert evaluate(node, {"A1_01A": 182000, "PREV(A1_01A)": 121500}.__getitem__) is True
    assert evaluate(node, {"A1_01A": 130000, "PREV(A1_01A)": 121500}.__getitem__) is False


def test_prev_given_by_reference_is_skipped_by_sum_as_a_blank_cell():
    # In a personalised template PREV(x) is the locked 上年数 cell: SUM and ISBLANK treat it as a cell.
    env = {"A1_01A": 5, "PREV(A1_01A)": BLANK}.__getitem__
    assert evaluate(parse("ISBLANK(PREV(A1_01A))"), env) is True
    assert evaluate(parse("SUM(PREV(A1_01A),A1_01A)"), env) == 5


@pytest.mark.parametrize("text", ["PREV(1)", "PREV(A1_01A+1)", "PREV()", "PREV(PREV(A1_01A))", "PREV(A1_01A,A1_01B)",
                                  "PREV(TRUE)"])
def test_prev_takes_one_field_name(text):
    with pytest.raises(FormulaSyntaxError, match="PREV"):
        parse(text)
