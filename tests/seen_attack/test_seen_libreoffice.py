"""The seen-versus-stored corpus saved as .ods and as .xls by LibreOffice: every field read as a person reads it there.

A unit that works in LibreOffice or WPS sends its return as .ods, or as .xls ("97-2003"): each .xlsx of the corpus is
saved so here by LibreOffice (its own content.xml or BIFF records, styles, named ranges and displayed texts: nothing
of our writers), and held to the same truth as the .xlsx (``expected.json``), by the same verdict
(``test_seen.verdict``). Where LibreOffice's save changes what a person sees, ``SEEN_OTHERWISE`` says how.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from corpus_fields import field_cases
from system_tools import saved_by_libreoffice_as

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files.source import load_return

from .test_seen import EXPECTED, HERE, verdict

FORMATS = ("ods", "xls")
# LibreOffice opens a column of width 0 or a row of height 0 (no hidden flag) at its default size, so its .ods shows
# last year's column (or the old draft) beside this year's, both headed alike: a person cannot tell which is meant
# where the two figures differ (this year's figure, or a refusal).
SEEN_OTHERWISE = {
    ("ods", "17-T-旧值列宽0.xlsx"): "the old value column shown beside this year's, both headed 数值 (named: the old one)",
    ("ods", "21-S-旧稿行高0.xlsx"): "the old draft's rows shown above this year's table",
}
KNOWN_OPEN: dict[tuple[str, str], str] = {}


def _saved_name(fmt: str, name: str) -> str:
    """The case's id: the format's folder and the file LibreOffice writes (``ods/17-T-旧值列宽0.ods``)."""
    return f"{fmt}/{name.removesuffix('.xlsx')}.{fmt}"


CASES = {_saved_name(fmt, name): case for fmt in FORMATS for name, case in EXPECTED.items() if name.endswith(".xlsx")}
for (_fmt, _name) in SEEN_OTHERWISE:
    _case = CASES[_saved_name(_fmt, _name)]
    CASES[_saved_name(_fmt, _name)] = dict(_case, truth={c: [*(w if isinstance(w, list) else [w]), "REFUSE"]
                                                         for c, w in _case["truth"].items()})
_SAVED: dict[str, Path] = {}


def _saved(tmp_path_factory, fmt: str) -> Path:
    """Every .xlsx of the corpus saved in ``fmt`` by LibreOffice, in one run of it, once."""
    if fmt not in _SAVED:
        _SAVED[fmt] = saved_by_libreoffice_as(sorted((HERE / "returns").glob("*.xlsx")), tmp_path_factory.mktemp(fmt), fmt)
    return _SAVED[fmt]


_REPORTS: dict[str, object] = {}


def _report(tmp_path_factory, name: str, campaign, rules):
    if name not in _REPORTS:
        fmt, _, file = name.partition("/")
        path = _saved(tmp_path_factory, fmt) / file
        assert path.is_file(), f"LibreOffice did not save {name}"
        try:
            _REPORTS[name] = check_return(load_return(path, campaign), campaign, rules)
        except ReturnUnusable as exc:
            _REPORTS[name] = exc
    return _REPORTS[name]


@pytest.mark.parametrize(("name", "code", "want"), list(field_cases(CASES, KNOWN_OPEN)))
def test_a_field_reads_as_seen_or_is_refused(tmp_path_factory, campaign, rules, name, code, want):
    report = _report(tmp_path_factory, name, campaign, rules)
    got = None if isinstance(report, ReturnUnusable) else report.values.get(code)
    assert verdict(report, code, want) != "wrong", f"{name} {code}: read {got!r}, a person reads {want!r}"


def test_what_libreoffice_shows_otherwise_is_what_the_ods_holds(tmp_path_factory):
    """The cases said to be seen otherwise in the .ods are: no column or row of the .ods has no size or is hidden."""
    for fmt, name in SEEN_OTHERWISE:
        with zipfile.ZipFile(_saved(tmp_path_factory, fmt) / _saved_name(fmt, name).partition("/")[2]) as zf:
            content = zf.read("content.xml")
        assert b'table:visibility="collapse"' not in content and b'column-width="0in"' not in content, name
