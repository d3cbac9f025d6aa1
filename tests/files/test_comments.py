"""A figure written only in a cell's comment (批注) is refused (F-LOCATE-COMMENT), never read as 未填.

The workbooks are a retyped table built here with openpyxl (its comments in ``xl/comments/comment1.xml``), the
same saved by LibreOffice as .xlsx (``xl/comments1.xml``, Excel's naming), as .xls (NOTE and TXO records) and as
.ods (``<office:annotation>`` in the cell).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl.comments import Comment

from wennuan_xl.core.findings import Severity

from .test_display_formats import report_of, retyped
from .test_uncached_formulas import saved_by_libreoffice


def _figure_in_comment(ws):
    ws["D6"] = None
    ws["D6"].comment = Comment("12000人（名单另附）", "李霞")


def _explained(ws):
    ws["D5"].comment = Comment("含外来务工人员 3000 人", "李霞")  # on a filled cell: an explanation
    ws["D8"] = None
    ws["D8"].comment = Comment("2016年起未开展，见附件2（1月5日说明）", "李霞")  # a year, an annex, a date: no figure


def _saved(tmp_path: Path, dress, how: str) -> Path:
    path = retyped(tmp_path / "noted.xlsx", dress)
    return path if how == "openpyxl" else saved_by_libreoffice(path, tmp_path / "lo", how)


@pytest.mark.parametrize("how", ["openpyxl", "xlsx", "xls", "ods"])
def test_an_empty_cell_with_its_figure_in_the_comment_is_refused(tmp_path, campaign, rules, how):
    path = _saved(tmp_path, _figure_in_comment, how)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            assert any("comment" in n for n in zf.namelist())
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-COMMENT"]
    assert refusal.severity is Severity.ERROR and refusal.codes == ("A1.01B",)
    assert "D6" in refusal.message and "12000人（名单另附）" in refusal.message and "批注" in refusal.message
    assert report.values.get("A1.01B") is None and report.values["A1.01A"] == 52340
    assert not [f for f in report.findings if f.rule == "F-BLANKS" and "A1.01B" in f.codes]


@pytest.mark.parametrize("how", ["openpyxl", "xls", "ods"])
def test_a_comment_explaining_a_filled_cell_or_holding_no_figure_is_left_alone(tmp_path, campaign, rules, how):
    report = report_of(_saved(tmp_path, _explained, how), campaign, rules)
    assert not [f for f in report.findings if f.rule == "F-LOCATE-COMMENT"]
    assert report.values["A1.01A"] == 52340 and report.values.get("A1.11") is None
    assert [f for f in report.findings if f.rule == "F-BLANKS" and "A1.11" in f.codes]


THREADED = ("[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any edits to "
            "it will get removed if the file is opened in a newer version of Excel. Learn more: "
            "https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    {}")


@pytest.mark.parametrize(("text", "figure"), [
    ("user01:\n本单位未开展此项工作", False),  # the author's name Excel and WPS put first
    ("user01:\n26户", True),
    (THREADED.format("本单位未开展此项工作"), False),  # what Excel 365 keeps of a threaded comment
    (THREADED.format("26户"), True),
    ("联系人电话 0833-2133419，13912345678", False), ("金额单位万元，保留2位小数；本期无", False),
    ("慰问困难劳模二十六户", True), ("见劳模慰问登记表26户", True), ("追讨欠薪2019.60元，未折成万元", True),
    ("一次性补助已发放", False),
])
def test_a_comment_holds_a_figure_only_in_what_the_unit_wrote(tmp_path, campaign, rules, text, figure):
    def dress(ws):
        ws["D6"] = None
        ws["D6"].comment = Comment(text, "user01")

    report = report_of(retyped(tmp_path / "noted.xlsx", dress), campaign, rules)
    refused = [f for f in report.findings if f.rule == "F-LOCATE-COMMENT"]
    assert bool(refused) is figure
    if figure:
        assert "Threaded" not in refused[0].message and "user01" not in refused[0].message


def test_a_comments_part_renamed_by_hand_is_still_read(tmp_path, campaign, rules):
    """A script that renamed xl/comments/comment1.xml to xl/notes/n1.xml and the note's drawing (their relationships
    and content type follow them, or Excel would not show the comment): the comment is found by what the workbook declares, not its name."""
    path = retyped(tmp_path / "noted.xlsx", _figure_in_comment)
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(renamed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info).replace(b"comments/comment1.xml", b"notes/n1.xml").replace(b"commentsDrawing1", b"vml1")
            name = info.filename.replace("comments/comment1.xml", "notes/n1.xml").replace("commentsDrawing1", "vml1")
            dst.writestr(name, data)
    with zipfile.ZipFile(renamed) as zf:
        assert not [n for n in zf.namelist() if "comment" in n.lower()] and "xl/notes/n1.xml" in zf.namelist()
    report = report_of(renamed, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-COMMENT"]
    assert refusal.codes == ("A1.01B",) and "12000人（名单另附）" in refusal.message
