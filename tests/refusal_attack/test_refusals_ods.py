"""The refusals corpus saved as .ods by LibreOffice: legitimate returns still read, tricks read right or refused.

Each .xlsx of the corpus is saved as .ods here by LibreOffice (as a unit working in LibreOffice or WPS sends it) and
held to the same truth (``expected.json``) by the same rule as ``test_refusals.py``: a legitimate return's field must
read (its formulas, LibreOffice's own results, are computed again from OpenFormula: none may be refused), a trick's
read right or refused. Where LibreOffice's save changes what a person sees, ``SEEN_OTHERWISE`` says how.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fields import field_cases, same
from system_tools import saved_by_libreoffice_as

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable, Severity
from wennuan_xl.files.namelist_source import load_any
from wennuan_xl.files.source import load_return

from .test_refusals import EXPECTED, HERE, LIST_REFUSALS

# LibreOffice does not apply a workbook's default cell style to cells written without a style: the .ods shows
# 0.8755 (and the list's amounts) as stored, not as the percent Excel showed.
SEEN_OTHERWISE = {("M24-默认样式百分比.xlsx", "A1.08D"): 0.8755, ("M31-名单默认样式百分比.xlsx", "L_AMOUNT"): 2608}
KNOWN_OPEN = {
    ("R5-M18-xw文本比较默认0.ods", "A1.04G"): 'IF("~"<"a";26;0): LibreOffice computes 0, Excel 26 (text collation, '
    "which the program does not compute): the .ods keeps LibreOffice's 0",
}


def _ods_name(name: str) -> str:
    return name.removesuffix(".xlsx") + ".ods"


CASES = {_ods_name(name): case for name, case in EXPECTED.items() if name.endswith(".xlsx")}
for (_name, _code), _shown in SEEN_OTHERWISE.items():
    _case = CASES[_ods_name(_name)]
    CASES[_ods_name(_name)] = dict(_case, truth=dict(_case["truth"], **{_code: _shown}))


@pytest.fixture(scope="module")
def as_ods(tmp_path_factory) -> Path:
    """Every .xlsx of the corpus saved as .ods by LibreOffice, in one run of it."""
    return saved_by_libreoffice_as(sorted((HERE / "returns").glob("*.xlsx")), tmp_path_factory.mktemp("refusal_ods"))


_READ: dict[str, object] = {}


def _read(path: Path, campaign, rules):
    if path.name not in _READ:
        assert path.is_file(), f"LibreOffice did not save {path.name}"
        if CASES[path.name].get("kind") == "namelist":
            _, lst = load_any(path, campaign)
            assert lst is not None, path.name
            refused = {"L_AMOUNT"} if any(f.rule in LIST_REFUSALS and f.severity is Severity.ERROR for f in lst.findings) else set()
            _READ[path.name] = ({"L_AMOUNT": lst.totals.get("L_AMOUNT")}, refused)
        else:
            try:
                report = check_return(load_return(path, campaign), campaign, rules)
            except ReturnUnusable as exc:
                _READ[path.name] = exc
            else:
                refused = {c for f in report.findings if f.rule.startswith("F-LOCATE") and f.severity is Severity.ERROR
                           for c in f.codes}
                _READ[path.name] = (report.values, refused)
    return _READ[path.name]


@pytest.mark.parametrize(("name", "code", "want"), list(field_cases(CASES, KNOWN_OPEN)))
def test_a_field_of_the_ods_reads_as_seen_or_is_refused_only_where_nobody_can_know(as_ods, campaign, rules, name, code,
                                                                                  want):
    read = _read(as_ods / name, campaign, rules)
    assert not isinstance(read, ReturnUnusable), f"{name}: refused whole: {read}"
    values, refused = read
    wants = want if isinstance(want, list) else [want]
    if code in refused:
        assert "REFUSE" in wants, f"{name} {code}: refused, a person reads {want!r} without doubt"
    else:
        assert any(a != "REFUSE" and same(values.get(code), a) for a in wants), f"{name} {code}: read {values.get(code)!r}, a person reads {want!r}"
