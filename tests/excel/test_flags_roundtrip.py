"""Flag then clear gives back a styled return's own fills and notes exactly (openpyxl path, saved and reopened
in between), and the clerk's later changes stay."""

from __future__ import annotations

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from wennuan_xl.core.check import check_return
from wennuan_xl.core.flags import RECORD_SHEET
from wennuan_xl.files.campaign_files import load_rules
from wennuan_xl.files.flags_openpyxl import clear_workbook_flags, flag_workbook
from wennuan_xl.files.source import load_return

from .conftest import write_unit_return

OWN_CELLS = {"E7": "00B0F0", "E9": "92D050"}  # E7 will be flagged, E9 not


def _looks(book):
    out = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.fill.fill_type or c.comment:
                    out[(ws.title, c.coordinate)] = (
                        c.fill.fill_type, c.fill.fgColor.type, c.fill.fgColor.value, c.fill.fgColor.tint,
                        c.comment.text if c.comment else None,
                    )
    return out


def _styled_return(tmp_path, campaign, bad=3):
    path = write_unit_return(campaign, tmp_path / "r.xlsx", bad_fields=bad)
    book = openpyxl.load_workbook(path)
    ws = book["附件1"]
    for a1, colour in OWN_CELLS.items():
        ws[a1].fill = PatternFill("solid", fgColor=colour)
    ws["E7"].comment = Comment("经办人：此数待核", "张三")
    ws["E9"].comment = Comment("已电话确认", "张三")
    ws["E8"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.6))
    book.save(path)
    report = check_return(load_return(path, campaign), campaign, load_rules(campaign))
    return path, report


def test_flag_save_reopen_clear_restores_fills_and_notes_exactly(tmp_path, campaign):
    path, report = _styled_return(tmp_path, campaign)
    before = _looks(openpyxl.load_workbook(path))
    book = openpyxl.load_workbook(path)
    assert flag_workbook(book, report) == 3
    assert book[RECORD_SHEET].sheet_state == "veryHidden"
    flagged = book["附件1"]
    assert flagged["E7"].fill.fgColor.rgb == "00FFC7CE" and "约30" in flagged["E7"].comment.text
    book.save(tmp_path / "flagged.xlsx")
    reopened = openpyxl.load_workbook(tmp_path / "flagged.xlsx")
    assert clear_workbook_flags(reopened) == 3
    assert RECORD_SHEET not in reopened.sheetnames
    reopened.save(tmp_path / "cleared.xlsx")
    assert _looks(openpyxl.load_workbook(tmp_path / "cleared.xlsx")) == before


def test_flagging_twice_before_clearing_keeps_the_real_originals(tmp_path, campaign):
    path, report = _styled_return(tmp_path, campaign)
    before = _looks(openpyxl.load_workbook(path))
    book = openpyxl.load_workbook(path)
    flag_workbook(book, report)
    flag_workbook(book, report)
    clear_workbook_flags(book)
    assert _looks(book) == before


def test_a_fill_or_note_the_clerk_changed_after_flagging_stays(tmp_path, campaign):
    path, report = _styled_return(tmp_path, campaign)
    book = openpyxl.load_workbook(path)
    flag_workbook(book, report)
    ws = book["附件1"]
    ws["E8"].fill = PatternFill("solid", fgColor="FFFF00")  # the clerk marks it herself
    ws["E7"].comment = Comment("已改正", "李四")
    clear_workbook_flags(book)
    assert ws["E8"].fill.fgColor.rgb == "00FFFF00"
    assert ws["E7"].comment.text == "已改正"
    assert ws["E7"].fill.fgColor.rgb == "0000B0F0"  # its fill was still ours: the original is back
    assert ws["E9"].comment.text == "已电话确认" and ws["E9"].fill.fgColor.rgb == "0092D050"


def test_the_flagged_copy_writer_uses_the_same_record(tmp_path, campaign):
    from wennuan_xl.files.flagged import write_flagged_copy

    path, report = _styled_return(tmp_path, campaign)
    out = write_flagged_copy(path, report, tmp_path / "copy.xlsx", campaign)
    copy = openpyxl.load_workbook(out)
    assert copy[RECORD_SHEET].sheet_state == "veryHidden"
    clear_workbook_flags(copy)
    assert {k: v for k, v in _looks(copy).items() if k[0] != "审核结果"} == _looks(openpyxl.load_workbook(path))
