"""The 审核 button sees what the command line sees, though Excel hands it only values: hidden columns and rows,
merges, percent formats, struck figures, comments, error values come from the copy Excel saves (``unseen``).

The returns are the seen-versus-stored corpus (``tests/seen_attack``, made by a tester beside the team). Excel's
``SaveCopyAs`` of an unmodified return is modelled by the file itself; on Excel it is a real save (the Windows
smoke test runs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from system_tools import saved_by_libreoffice_as

from wennuan_xl.core.check import check_return
from wennuan_xl.core.locate import locate
from wennuan_xl.excel import book as read
from wennuan_xl.excel import buttons, unseen
from wennuan_xl.files.source import load_return

from .conftest import alerts, open_book, open_master, payload_for

SEEN = Path(__file__).resolve().parents[1] / "seen_attack" / "returns"
CASES = [  # file, a field it is about, the rule the command line gives it (None: read right)
    ("17-T-旧值列宽0.xlsx", "A1.01A", None), ("17b-T-旧值列隐藏.xlsx", "A1.01A", None),
    ("21-S-旧稿行高0.xlsx", "A1.01A", None), ("03-T-百分比格式.xlsx", "A1.08D", "F-LOCATE-SHOWN"),
    ("12-T-删除线改数.xlsx", "A1.04C", "F-LOCATE-SHOWN"), ("13-T-数字在批注.xlsx", "A1.04G", "F-LOCATE-COMMENT"),
    ("19-T-合并单元格藏值.xlsx", None, "F-LOCATE-MERGED"), ("18c-T-公式错误值.xlsx", None, "F-LOCATE-ERROR"),
    ("17b-T-旧值列隐藏.xls", "A1.01A", None), ("03-T-百分比格式.xls", "A1.08D", "F-LOCATE-SHOWN"),
    # saved as .ods by LibreOffice (``seen_as_ods``): Excel's copy of an open .ods is an .ods
    ("17b-T-旧值列隐藏.ods", "A1.01A", None), ("03-T-百分比格式.ods", None, "F-LOCATE-SHOWN"),
    ("19-T-合并单元格藏值.ods", None, "F-LOCATE-MERGED"), ("18c-T-公式错误值.ods", None, "F-LOCATE-ERROR"),
]


def _saved_by_excel(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(unseen, "saved_copy", lambda book: path.read_bytes() if book.name == path.name else None)


def _excel_report(book, campaign, rules):
    return check_return(locate(read.workbook_data(book), campaign), campaign, rules)


@pytest.mark.parametrize(("name", "code", "rule"), CASES)
def test_an_open_return_reads_as_the_command_line_reads_its_file(request, monkeypatch, campaign, rules, name, code, rule):
    path = (request.getfixturevalue("seen_as_ods") if name.endswith(".ods") else SEEN) / name
    cli = check_return(load_return(path, campaign), campaign, rules)
    book = open_book(payload_for(path))
    _saved_by_excel(monkeypatch, path)
    excel = _excel_report(book, campaign, rules)
    assert excel.values == cli.values
    assert sorted((f.rule, f.cells) for f in excel.findings) == sorted((f.rule, f.cells) for f in cli.findings)
    if rule is not None:
        assert any(f.rule == rule for f in excel.findings)
    if code is not None and rule is None:
        assert excel.values[code] is not None


@pytest.fixture(scope="module")
def seen_as_ods(tmp_path_factory) -> Path:
    """Four of the corpus's returns saved as .ods by LibreOffice (a unit working in WPS or LibreOffice sends that;
    Excel opens it and SaveCopyAs saves it as .ods again)."""
    names = ("17b-T-旧值列隐藏", "03-T-百分比格式", "19-T-合并单元格藏值", "18c-T-公式错误值")
    return saved_by_libreoffice_as([SEEN / f"{n}.xlsx" for n in names], tmp_path_factory.mktemp("ods"))


def test_without_a_copy_only_the_values_are_known(campaign, rules):
    """Another engine than Excel (here the remote one) cannot save a copy: the values alone, as before."""
    path = SEEN / "03-T-百分比格式.xlsx"
    book = open_book(payload_for(path))
    assert unseen.saved_copy(book) is None
    assert not [f for f in _excel_report(book, campaign, rules).findings if f.rule == "F-LOCATE-SHOWN"]


def test_the_button_clicked_in_the_master_refuses_the_percent_cell_of_the_return_beside_it(tmp_path, monkeypatch, campaign,
                                                                                          rules):
    path = SEEN / "03-T-百分比格式.xlsx"
    cli = check_return(load_return(path, campaign), campaign, rules)
    book = open_book(payload_for(path))
    _saved_by_excel(monkeypatch, path)
    master = open_master(tmp_path, {"WN_FOLDER": str(tmp_path)})
    buttons.validate()
    errors = sum(1 for f in cli.findings if f.severity.value == "error")
    assert alerts(master)[0].startswith(f"{book.name}：发现 {errors} 个错误")


class _Api:
    def __init__(self, source: Path | None):
        self.source, self.saved_to = source, None

    def SaveCopyAs(self, target: str) -> None:
        if self.source is None:
            raise OSError("无法保存")
        self.saved_to = Path(target)
        self.saved_to.write_bytes(self.source.read_bytes())


class _Book:
    def __init__(self, fullname: str, api: _Api):
        self.fullname, self.api = fullname, api


def test_the_copy_is_saved_in_a_folder_of_its_own_and_deleted(monkeypatch):
    monkeypatch.setattr(unseen, "com", lambda book: True)
    source = SEEN / "17b-T-旧值列隐藏.xls"
    api = _Api(source)
    assert unseen.saved_copy(_Book(r"C:\退回\17b.xls", api)) == source.read_bytes()
    assert api.saved_to is not None and api.saved_to.suffix == ".xls" and not api.saved_to.parent.exists()
    assert unseen.saved_copy(_Book("工作簿1", _Api(None))) is None  # Excel could not save it: the values alone
