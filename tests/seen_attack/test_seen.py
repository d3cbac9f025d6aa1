"""The seen-versus-stored corpus: every field of every file is read as a careful person reads it, or refused loudly.

The 50 files (``returns/``) and what a person reads in each (``expected.json``) were made by a tester beside the
team, from a sample return and a retyped table, with openpyxl, XML edits and LibreOffice; see README.md. A
field passes when it reads what the person reads, or an 错误 names it (F-LOCATE…, or another 错误 such as
F-NUMBER); it fails when it is wrong or blank with no finding, or with a 提示 only. The few kinds still open are
listed in ``KNOWN_OPEN`` and expected to fail: when one is mended, its test passes and says to take it off.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_fields import field_cases, same

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable, Severity
from wennuan_xl.files.source import load_return

HERE = Path(__file__).resolve().parent
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))["files"]

# (file, field) -> why it is still read wrong without a finding (none since an .xls's formulas are computed again)
KNOWN_OPEN: dict[tuple[str, str], str] = {}


_REPORTS: dict[str, object] = {}


def _report(name: str, campaign, rules):
    if name not in _REPORTS:
        try:
            _REPORTS[name] = check_return(load_return(HERE / "returns" / name, campaign), campaign, rules)
        except ReturnUnusable as exc:
            _REPORTS[name] = exc
    return _REPORTS[name]


def verdict(report, code: str, want) -> str:
    """right, refused, loud (another 错误 names it), or wrong (a 提示 at most): as the module says."""
    if isinstance(report, ReturnUnusable):
        return "refused"
    alternatives = want if isinstance(want, list) else [want]
    got = report.values.get(code)
    naming = [f for f in report.findings if code in f.codes]
    errors = [f for f in naming if f.severity is Severity.ERROR]
    if any(f.rule.startswith("F-LOCATE") for f in errors):
        return "refused"
    if any(a != "REFUSE" and same(got, a) for a in alternatives):
        return "right"
    return "loud" if errors else "wrong"


@pytest.mark.parametrize(("name", "code", "want"), list(field_cases(EXPECTED, KNOWN_OPEN)))
def test_a_field_reads_as_seen_or_is_refused(campaign, rules, name, code, want):
    report = _report(name, campaign, rules)
    got = None if isinstance(report, ReturnUnusable) else report.values.get(code)
    assert verdict(report, code, want) != "wrong", f"{name} {code}: read {got!r}, a person reads {want!r}"


def test_every_known_open_case_is_in_the_corpus():
    for name, code in KNOWN_OPEN:
        assert code in EXPECTED[name]["truth"], (name, code)
