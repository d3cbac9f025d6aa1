"""Loading the shipped rule files, ``each`` expansion, and RuleError for malformed rule files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wennuan_xl.core.findings import Severity
from wennuan_xl.core.formula import parse, refs
from wennuan_xl.core.rules import RuleError
from wennuan_xl.files.campaign_files import load_campaign, load_rules

CAMPAIGN = load_campaign()
RULES = load_rules(CAMPAIGN)
CJK = re.compile(r"[\u4e00-\u9fff]")
E, W = Severity.ERROR, Severity.WARNING


# --- the shipped rules -------------------------------------------------------------------------------


def test_shipped_rule_ids_are_unique():
    ids = RULES.ids
    assert len(ids) == len(set(ids))
    assert len(RULES.rules) > 50


def test_every_shipped_check_has_a_chinese_message():
    templates = (
        [(c.id, c.message) for c in RULES.field_checks]
        + [(c.id, c.message) for c in RULES.cover_checks]
        + [(r.id, r.message) for r in RULES.rules]
    )
    missing = [rid for rid, t in templates if not CJK.search(t.source)]
    assert missing == []
    assert CJK.search(RULES.placeholder_note.source)


def test_every_shipped_rule_names_only_campaign_fields():
    for rule in RULES.rules:
        assert rule.names, rule.id
        for name in rule.names:
            assert CAMPAIGN.has_field(name), (rule.id, name)
        assert rule.node == parse(rule.text)
        assert "[" not in rule.id and "[" not in rule.text, rule.id  # every each variable substituted


# One id per check family of FORMS.md, with the severity it gives there.
FAMILIES = {
    # annex 1
    "A1-01": E,
    "A1-02": E,
    "A1-02-01A": E,
    "A1-02-01B": E,
    "A1-03-B": E,
    "A1-03-F": E,
    "A1-03-SUM": W,
    "A1-03-02A": W,
    "A1-03-02B": W,
    "A1-04-B": E,
    "A1-04-E": E,
    "A1-04-G": E,
    "A1-04-F": E,
    "A1-05-SUM": E,
    "A1-06-A": E,
    "A1-06-B": E,
    "A1-06-AB": W,
    "A1-06-05": W,
    "A1-07J-06": W,
    "A1-07-IJ": E,
    "A1-07-PER": W,
    "A1-09-SUM": W,
    "A1-09-PARTS": E,
    "A1-10-SUM": E,
    "A1-10-PAIR-A": E,
    "A1-10-PER-A": W,
    # annex 2
    "A2-01-SUM": E,
    "A2-02-SUM": E,
    "A2-02-NOCENTRE-A": E,
    "A2-02-NOSTAFF-A": W,
    "A2-04-E": E,
    "A2-04-F": E,
    "A2-05-SUM": E,
    "A2-06-YES": W,
    "A2-07-C": E,
    "A2-08-C": E,
    "A2-07-AB": E,
    "A2-08-AB": E,
    "A2-09-COUNT": E,
    "A2-09-MONEY": E,
    "A2-10-COUNT": E,
    "A2-10-MONEY": E,
    "A2-09-NOBODY-D": E,
    "A2-09-PER-D": W,
    "A2-10-09-A": W,
    "A2-11-SUM": W,
    "A2-11-PARTS": E,
    "A2-12-CASES": W,
    # cross-form
    "X-10L": W,
}


@pytest.mark.parametrize("rule_id, severity", sorted(FAMILIES.items()))
def test_every_forms_md_check_family_is_present(rule_id, severity):
    assert RULES.rule(rule_id).severity is severity


def test_cell_and_cover_checks_of_forms_md_are_present():
    checks = {c.id: c.check for c in RULES.field_checks}
    assert {"number", "unit", "min", "integer", "yesno", "max"} <= set(checks.values())
    cover = {(c.key, c.check) for c in RULES.cover_checks}
    assert {("UNIT", "required"), ("UNIT", "roster"), ("PERSON", "required"), ("PHONE", "phone"), ("DATE", "date")} <= cover


def test_cross_form_rules_are_warnings_spanning_both_annexes():
    cross = [r for r in RULES.rules if len(r.forms) > 1]
    assert [r.id for r in cross] == ["X-10L"]
    assert all(r.severity is W for r in cross)
    assert RULES.rule("X-10L").forms == {"A1", "A2"}


def test_sum_rules_reference_the_right_fields():
    assert refs(RULES.rule("A1-05-SUM").node) == ["A1_05", "A1_05A", "A1_05B", "A1_05C", "A1_05D", "A1_05E", "TOLERANCE"]
    assert RULES.rule("A2-09-COUNT").names == tuple(f"A2_09{x}" for x in "ACEGIKMOQS")
    assert RULES.rule("A2-10-MONEY").names == tuple(f"A2_10{x}" for x in "BDFHJLNPRT")
    assert RULES.rule("A1-02").names == ("A1_02B", "A1_02A")  # the offending field first


def test_each_expansion_produces_the_expected_ids():
    ids = [r.id for r in RULES.rules]
    assert [i for i in ids if re.fullmatch(r"A1-03-[A-Z]", i)] == [f"A1-03-{x}" for x in "BCDEF"]
    assert [i for i in ids if i.startswith("A1-10-PAIR-")] == [f"A1-10-PAIR-{x}" for x in "ACEGI"]
    assert [i for i in ids if i.startswith("A2-10-09-")] == [f"A2-10-09-{x}" for x in "ABCDEFGHIJKLMNOPQRST"]
    nobody = [i for i in ids if "-NOBODY-" in i]
    assert len(nobody) == 20 and nobody[0] == "A2-09-NOBODY-B" and nobody[-1] == "A2-10-NOBODY-T"


def test_each_expansion_substitutes_every_variable_row_by_row():
    c = RULES.rule("A1-03-C")
    assert c.text == "A1_03C<=A1_03A"
    assert c.names == ("A1_03C", "A1_03A")
    pair = RULES.rule("A1-10-PAIR-G")
    assert pair.text == "(A1_10G>0)=(A1_10H>0)"
    per = RULES.rule("A1-10-PER-C")
    assert per.text == "A1_10D/A1_10C<=130"
    assert per.when_text == "AND(A1_10C>0,A1_10D>0)"
    assert "节车厢" in per.message.source and "[" not in per.message.source


# --- malformed rule files --------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "rules_test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(RuleError) as exc:
        load_rules(CAMPAIGN, [path])
    return str(exc.value)


def test_a_well_formed_rule_file_loads(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - {id: T-OK, severity: 提示, rule: "a1_02b<=A1_02A", when: "A1_02A>0", message: "{A1_02B} 大于 {A1_02A}"}
""",
    )
    ruleset = load_rules(CAMPAIGN, [path])
    rule = ruleset.rule("T-OK")
    assert rule.severity is W
    assert rule.names == ("A1_02B", "A1_02A")
    assert rule.forms == {"A1"}
    assert rule.source == str(path)


MALFORMED = {
    "bad formula syntax": ("T-SYNTAX", '{id: T-SYNTAX, severity: 错误, rule: "A1_02B<=(A1_02A", message: "有误"}'),
    "bad when syntax": (
        "T-WHEN",
        '{id: T-WHEN, severity: 错误, rule: "A1_02B<=A1_02A", when: "A1_02A>", message: "有误"}',
    ),
    "unknown field": ("T-FIELD", '{id: T-FIELD, severity: 错误, rule: "A1_99Z<=A1_02A", message: "有误"}'),
    "unknown field in when": (
        "T-WHENFIELD",
        '{id: T-WHENFIELD, severity: 错误, rule: "A1_02B<=A1_02A", when: "A1_99Z>0", message: "有误"}',
    ),
    "unknown function": ("T-FUNC", '{id: T-FUNC, severity: 错误, rule: "FOO(A1_02B)<=A1_02A", message: "有误"}'),
    "unknown placeholder": ("T-PH", '{id: T-PH, severity: 错误, rule: "A1_02B<=A1_02A", message: "{foo} 有误"}'),
    "unknown field in message": (
        "T-MSGFIELD",
        '{id: T-MSGFIELD, severity: 错误, rule: "A1_02B<=A1_02A", message: "{=A1_99Z+1} 有误"}',
    ),
    "bad expression in message": (
        "T-MSGEXPR",
        '{id: T-MSGEXPR, severity: 错误, rule: "A1_02B<=A1_02A", message: "{=FOO(A1_02B)} 有误"}',
    ),
    "bad severity": ("T-SEV", '{id: T-SEV, severity: 严重, rule: "A1_02B<=A1_02A", message: "有误"}'),
    "missing severity": ("T-NOSEV", '{id: T-NOSEV, rule: "A1_02B<=A1_02A", message: "有误"}'),
    "missing message": ("T-NOMSG", '{id: T-NOMSG, severity: 错误, rule: "A1_02B<=A1_02A"}'),
    "no field referenced": ("T-NOFIELD", '{id: T-NOFIELD, severity: 错误, rule: "1<=TOLERANCE", message: "有误"}'),
    "constant only": ("T-CONST", '{id: T-CONST, severity: 错误, rule: "1+1=2", message: "有误"}'),
    "PREV of an unknown field": ("T-PREV1", '{id: T-PREV1, severity: 提示, rule: "A1_01A<PREV(A1_99Z)", message: "有误"}'),
    "PREV of a constant": ("T-PREV2", '{id: T-PREV2, severity: 提示, rule: "A1_01A<PREV(TOLERANCE)", message: "有误"}'),
    "PREV of an expression": ("T-PREV3", '{id: T-PREV3, severity: 提示, rule: "A1_01A<PREV(A1_01A+1)", message: "有误"}'),
    "PREV only": ("T-PREV4", '{id: T-PREV4, severity: 提示, rule: "PREV(A1_01A)>0", message: "有误"}'),
    "PREV in the message, not in the rule": (
        "T-PREV5", '{id: T-PREV5, severity: 提示, rule: "A1_01A>0", message: "{A1_01A} 上年 {PREV(A1_01A)}"}'),
    "PREV of another field in the message": (
        "T-PREV6",
        '{id: T-PREV6, severity: 提示, rule: "A1_01A<PREV(A1_01A)*2", message: "{=PREV(A1_02A)} 有误"}'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_rule_is_a_rule_error_naming_file_and_rule(tmp_path, case):
    rule_id, entry = MALFORMED[case]
    path = write(tmp_path, f"rules:\n  - {entry}\n")
    message = load_error(path)
    assert str(path) in message
    assert rule_id in message


def test_unknown_function_error_names_the_function(tmp_path):
    path = write(tmp_path, 'rules:\n  - {id: T-F, severity: 错误, rule: "VLOOKUP(A1_02B,1)<=A1_02A", message: "有误"}\n')
    assert "VLOOKUP" in load_error(path)


def test_unknown_field_error_names_the_field(tmp_path):
    path = write(tmp_path, 'rules:\n  - {id: T-F, severity: 错误, rule: "A1_99Z<=A1_02A", message: "有误"}\n')
    assert "A1_99Z" in load_error(path)


def test_duplicate_id_in_one_file(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - {id: T-DUP, severity: 错误, rule: A1_02B<=A1_02A, message: "有误"}
  - {id: T-DUP, severity: 错误, rule: A1_01B<=A1_01A, message: "有误"}
""",
    )
    message = load_error(path)
    assert str(path) in message and "T-DUP" in message


def test_duplicate_id_across_files_names_the_second_file(tmp_path):
    first = write(tmp_path, 'rules:\n  - {id: T-DUP, severity: 错误, rule: A1_02B<=A1_02A, message: "有误"}\n', "a.yaml")
    second = write(tmp_path, 'rules:\n  - {id: T-DUP, severity: 提示, rule: A1_01B<=A1_01A, message: "有误"}\n', "b.yaml")
    with pytest.raises(RuleError) as exc:
        load_rules(CAMPAIGN, [first, second])
    assert str(second) in str(exc.value) and "T-DUP" in str(exc.value)


def test_duplicate_id_with_a_shipped_rule(tmp_path):
    extra = write(tmp_path, 'rules:\n  - {id: A1-02, severity: 错误, rule: A1_01B<=A1_01A, message: "有误"}\n')
    with pytest.raises(RuleError) as exc:
        load_rules(CAMPAIGN, list(CAMPAIGN.rule_files) + [extra])
    assert str(extra) in str(exc.value) and "A1-02" in str(exc.value)


def test_each_expansion_to_a_duplicate_id(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - id: T-SAME
    each: {X: [B, C]}
    severity: 错误
    rule: A1_03[X]<=A1_03A
    message: "有误"
""",
    )
    message = load_error(path)
    assert str(path) in message and "T-SAME" in message


def test_each_with_lists_of_different_lengths(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - id: T-EACH-[X]
    each: {X: [B, C, D], Y: [A, A]}
    severity: 错误
    rule: A1_03[X]<=A1_03[Y]
    message: "有误"
""",
    )
    message = load_error(path)
    assert str(path) in message and "T-EACH-[X]" in message


def test_each_expanding_to_an_unknown_field_names_the_expanded_rule(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - id: T-EACH-[X]
    each: {X: [B, Z]}
    severity: 错误
    rule: A1_03[X]<=A1_03A
    message: "有误"
""",
    )
    message = load_error(path)
    assert str(path) in message and "T-EACH-Z" in message and "A1_03Z" in message


def test_each_expansion_in_a_file_of_our_own(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - id: T-[N]-[X]
    each: {N: ["09", "10"], X: [C, E]}
    severity: 提示
    rule: A2_[N][X]<=A2_[N]A
    message: "{A2_[N][X]} 大于 {A2_[N]A}"
""",
    )
    ruleset = load_rules(CAMPAIGN, [path])
    assert [r.id for r in ruleset.rules] == ["T-09-C", "T-10-E"]
    assert [r.names for r in ruleset.rules] == [("A2_09C", "A2_09A"), ("A2_10E", "A2_10A")]


def test_rule_without_id(tmp_path):
    path = write(tmp_path, 'rules:\n  - {severity: 错误, rule: A1_02B<=A1_02A, message: "有误"}\n')
    assert str(path) in load_error(path)


def test_field_check_errors_name_file_and_id(tmp_path):
    path = write(
        tmp_path,
        'field_checks:\n  - {id: F-T, check: min, kinds: [count], severity: 错误, message: "{caption} {bogus}"}\n',
    )
    message = load_error(path)
    assert str(path) in message and "F-T" in message


def test_cover_check_with_unknown_field(tmp_path):
    path = write(tmp_path, 'cover_checks:\n  - {id: H-T, field: FAX, check: required, severity: 提示, message: "缺少"}\n')
    message = load_error(path)
    assert str(path) in message and "H-T" in message


@pytest.mark.parametrize("text", ["rules: [\n", "- just\n- a list\n", "rules:\n  - {id: T, rule: : :}\n"])
def test_unreadable_yaml_names_the_file(tmp_path, text):
    path = write(tmp_path, text)
    assert str(path) in load_error(path)


def test_missing_rule_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    assert str(path) in load_error(path)


# --- a rule that loads but cannot be computed on a particular return ---------------------------------


def test_a_message_quoting_an_unreadable_field_is_an_e_rule_notice_not_a_crash(tmp_path):
    # The rule file is valid: every name is a campaign field. On a return whose A1_03A is text, the message
    # cannot be rendered; the clerk gets a 提示 saying the rule, not the return, is at fault.
    from wennuan_xl.core.check import CANNOT_EVALUATE, check_values

    path = write(
        tmp_path,
        """
rules:
  - {id: T-MSG, severity: 错误, rule: "A1_02B<=A1_02A", message: "{A1_02B} 大于 {A1_02A}，另 {=A1_03A+1}"}
""",
    )
    ruleset = load_rules(CAMPAIGN, [path])
    report = check_values({"A1.02A": 10, "A1.02B": 20, "A1.03A": "见附件"}, CAMPAIGN, ruleset, ("A1",))
    notices = [f for f in report.findings if f.rule == CANNOT_EVALUATE]
    assert len(notices) == 1
    assert notices[0].severity is Severity.WARNING
    assert "审核规则 T-MSG 无法计算" in notices[0].message
    assert "A1.03A（03(A)" in notices[0].message and "转交技术人员" in notices[0].message
    assert not [f for f in report.findings if f.rule == "T-MSG"]
    # The same rule on a readable return is an ordinary 错误 with its message.
    report = check_values({"A1.02A": 10, "A1.02B": 20, "A1.03A": 4}, CAMPAIGN, ruleset, ("A1",))
    (fired,) = [f for f in report.findings if f.rule == "T-MSG"]
    assert fired.severity is Severity.ERROR and "另 5" in fired.message


def test_a_rule_reading_last_year_knows_which_fields(tmp_path):
    path = write(tmp_path, """
rules:
  - {id: T-PY, severity: 提示, when: "prev(A1_02A)>0", rule: "A1_02B<=PREV(A1_02B)*2",
     message: "{A1_02B}，上年 {PREV(A1_02B)}，{prev(a1_02a)}"}
""")
    rule = load_rules(CAMPAIGN, [path]).rule("T-PY")
    assert rule.names == ("A1_02B",) and rule.codes == ("A1.02B",)
    assert rule.previous == ("A1.02B", "A1.02A")
    assert load_rules(CAMPAIGN, [path]).previous_codes == ("A1.02B", "A1.02A")


def test_only_a_formula_rule_may_print_last_years_figure(tmp_path):
    path = write(tmp_path, """
field_checks:
  - {id: T-FC, check: number, severity: 错误, message: "{caption} 上年 {PREV(A1_01A)}"}
""")
    assert "T-FC" in load_error(path) and "PREV(A1_01A)" in load_error(path)
