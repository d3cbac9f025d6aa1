"""The refusals corpus: the new refusals fire where a person cannot be sure, and only there.

115 files made by a tester beside the team (attack rounds 4 and 5, 2 December 2026; see README.md). Round 4's 60:
27 legitimate returns a
unit could send ("F": xlsxwriter exports with right results, comments that hold no figure, dates with dots, rich
text that hides nothing…) in which every field must READ as the person reads it — a refusal there is a failure —
and 33 tricks ("M": stale formula results in every spelling, figures in comments, hidden runs, a percent default
style…) in which every field must read right or be refused with an 错误; round 5's 55 (``R5-…``) the same against
the mended refusals. ``expected.json`` holds what a careful
person reads ("REFUSE" where nobody can know). The kinds still open are in ``KNOWN_OPEN``, strict expected failures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_fields import field_cases, same

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable, Severity
from wennuan_xl.files.namelist_source import load_any
from wennuan_xl.files.source import load_return

HERE = Path(__file__).resolve().parent
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))["files"]
LIST_REFUSALS = ("L-FORMULA", "L-ERROR", "L-SHOWN", "L-RECALC", "L-COMMENT")

KNOWN_OPEN: dict[tuple[str, str], str] = {}


def _alternatives(want) -> list:
    return want if isinstance(want, list) else [want]


_READ: dict[str, object] = {}


def _read(name: str, campaign, rules):
    """(values by code or L_AMOUNT, the codes refused by an 错误 of the locator), read once per file."""
    if name not in _READ:
        path = HERE / "returns" / name
        if EXPECTED[name].get("kind") == "namelist":
            _, lst = load_any(path, campaign)
            assert lst is not None, name
            refused = {"L_AMOUNT"} if any(f.rule in LIST_REFUSALS and f.severity is Severity.ERROR for f in lst.findings) else set()
            _READ[name] = ({"L_AMOUNT": lst.totals.get("L_AMOUNT")}, refused)
        else:
            try:
                report = check_return(load_return(path, campaign), campaign, rules)
            except ReturnUnusable as exc:
                _READ[name] = exc
            else:
                refused = {c for f in report.findings if f.rule.startswith("F-LOCATE") and f.severity is Severity.ERROR
                           for c in f.codes}
                _READ[name] = (report.values, refused)
    return _READ[name]


@pytest.mark.parametrize(("name", "code", "want"), list(field_cases(EXPECTED, KNOWN_OPEN)))
def test_a_field_reads_as_seen_or_is_refused_only_where_nobody_can_know(campaign, rules, name, code, want):
    read = _read(name, campaign, rules)
    assert not isinstance(read, ReturnUnusable), f"{name}: refused whole: {read}"
    values, refused = read
    if code in refused:
        assert "REFUSE" in _alternatives(want), f"{name} {code}: refused, a person reads {want!r} without doubt"
    else:
        got = values.get(code)
        assert any(a != "REFUSE" and same(got, a) for a in _alternatives(want)), f"{name} {code}: read {got!r}, a person reads {want!r}"


def test_every_known_open_case_is_in_the_corpus():
    for name, code in KNOWN_OPEN:
        assert code in EXPECTED[name]["truth"], (name, code)
