"""Protected sheets: flagging and clearing lift a protection without password around the writes and put it
back with exactly its options; a sheet with a password is named and left alone; 审核结果 is still written.

Excel's protection is modelled by com_fakes.FakeWorksheet, started from the returns' own
``<sheetProtection>`` (our templates: formatting cells not allowed), behind the product's seam
(protection.protection_for -> SheetProtection over the sheet's COM object)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wennuan_xl.excel import buttons, flags, protection
from wennuan_xl.excel.protection import ALLOW, SheetLock, SheetProtection, StructureProtection

from .com_fakes import ComError, FakeWorkbook, FakeWorksheet
from .conftest import (
    actions,
    alerts,
    clock,
    open_book,
    open_master,
    payload_for,
    protect_like_excel,
    write_unit_return,
)
from .replay import as_saved, book_model

# The template's options (files/template.py), in Worksheet.Protect's argument order after UserInterfaceOnly.
TEMPLATE_ALLOW = {name: name in ("AllowFormattingColumns", "AllowFormattingRows") for name in ALLOW}
TEMPLATE_PROTECT = ("", False, True, False, False, *(TEMPLATE_ALLOW[n] for n in ALLOW))


def _sheet_writes(book, position: int) -> list[int]:
    """Indices (in the book's action list) of the fills and notes written on the sheet at ``position``."""
    return [i for i, a in enumerate(actions(book))
            if a["func"] in ("setRangeColors", "setRangeColor", "addNote", "deleteNote") and a["sheet_position"] == position]


@pytest.fixture
def protected_return(tmp_path, campaign, monkeypatch):
    path = write_unit_return(campaign, tmp_path / "市中区-附件.xlsx", bad_fields=3)
    book = open_book(payload_for(path))
    fakes = protect_like_excel(monkeypatch, book, path)
    master = open_master(tmp_path, {})
    return book, master, fakes


def test_our_templates_protect_the_annex_sheets_as_the_fake_reads_them(protected_return):
    _, _, fakes = protected_return
    lock = SheetProtection(fakes["附件1"]).read()
    assert lock == SheetLock(True, False, False, False, TEMPLATE_ALLOW, 0)


def test_validate_unprotects_writes_then_protects_with_the_original_options(protected_return):
    book, master, fakes = protected_return
    buttons.validate()
    sheet = fakes["附件1"]
    calls = [c for c, _, _ in sheet.log]
    assert calls == ["Unprotect", "Protect", "EnableSelection"]
    (unprotect, protect, selection) = sheet.log
    assert unprotect[1] == ("",)  # no password: Unprotect("") never opens Excel's prompt
    assert protect[1] == TEMPLATE_PROTECT
    assert selection[1] == (0,)
    writes = _sheet_writes(book, 0)
    assert writes and all(unprotect[2] <= i < protect[2] for i in writes), "every fill and note inside the pair"
    assert SheetProtection(sheet).read() == SheetLock(True, False, False, False, TEMPLATE_ALLOW, 0)
    (message,) = alerts(master)
    assert message == "市中区-附件.xlsx：发现 3 个错误，已在表中标出，详见该工作簿的“审核结果”表"


def test_a_sheet_with_nothing_to_flag_is_not_unprotected(protected_return, tmp_path, campaign, monkeypatch):
    _book, _master, fakes = protected_return
    buttons.validate()
    assert fakes["附件2"].log == []  # all three problems are on 附件1


def test_clear_after_save_and_reopen_restores_inside_the_pair_too(protected_return):
    book, master, fakes = protected_return
    buttons.validate()
    saved = as_saved(book)  # the record sheet as Excel holds it, which the remote engine does not replay itself
    folder = Path(master.fullname).parent
    book.close()
    master.close()
    book = open_book(saved)
    master = open_master(folder, {})
    fakes["附件1"].log.clear()
    fakes["附件1"].clock = clock(book)
    buttons.clear_flags()
    (unprotect, protect, _) = fakes["附件1"].log
    writes = _sheet_writes(book, 0)
    assert len(writes) >= 3 and all(unprotect[2] <= i < protect[2] for i in writes)
    assert protect[1] == TEMPLATE_PROTECT
    assert alerts(master)[-1] == "市中区-附件.xlsx：已清除 3 个单元格的标记，恢复了原来的颜色和批注"


def test_a_failure_while_writing_still_protects_the_sheet_again(protected_return, monkeypatch):
    _book, master, fakes = protected_return

    def broken(cell, text):
        raise ComError("Excel 忙")

    monkeypatch.setattr(flags, "set_note", broken)
    buttons.validate()
    assert [c for c, _, _ in fakes["附件1"].log] == ["Unprotect", "Protect", "EnableSelection"]
    assert SheetProtection(fakes["附件1"]).read() is not None
    (message,) = alerts(master)
    assert message.startswith("市中区-附件.xlsx：审核时出错，未完成（ComError: Excel 忙）")


def test_a_password_protected_sheet_is_named_and_left_alone_and_results_still_written(tmp_path, campaign, monkeypatch):
    path = write_unit_return(campaign, tmp_path / "犍为县.xlsx", bad_fields=3)
    book = open_book(payload_for(path))
    locked = FakeWorksheet("附件1", clock(book), ProtectContents=True, password="unit's secret")
    protect_like_excel(monkeypatch, book, path, 附件1=locked)
    master = open_master(tmp_path, {})
    buttons.validate()
    assert [c for c, _, _ in locked.log] == ["Unprotect"]  # tried without password, once, nothing else
    assert _sheet_writes(book, 0) == []
    shown = book_model(book)
    results = shown.sheet("审核结果")
    assert any("发现 3 个错误" in str(v) for v in results.values.values())
    (message,) = alerts(master)
    assert message == ("犍为县.xlsx：发现 3 个错误，详见该工作簿的“审核结果”表；"
                       "工作表“附件1”设有密码保护，无法标记；请单位去掉密码后重发，或用“审核结果”表逐条核对")


def test_a_workbook_structure_with_a_password_is_said_and_the_flags_still_set(tmp_path, campaign, monkeypatch):
    path = write_unit_return(campaign, tmp_path / "峨边.xlsx", bad_fields=2)
    book = open_book(payload_for(path))
    protect_like_excel(monkeypatch, book, path)
    structure = FakeWorkbook(clock(book), ProtectStructure=True, password="x")
    monkeypatch.setattr(protection, "structure_protection_for",
                        lambda b: StructureProtection(structure) if b.name == book.name else None)
    master = open_master(tmp_path, {})
    buttons.validate()
    assert [a["args"][1] for a in actions(book, "addSheet")] == []  # neither 审核结果 nor the record sheet
    (message,) = alerts(master)
    assert "发现 2 个错误" in message and "工作簿“峨边.xlsx”的结构设有密码保护，无法添加“审核结果”表" in message


def test_a_workbook_structure_without_password_is_lifted_for_the_new_sheets(tmp_path, campaign, monkeypatch):
    path = write_unit_return(campaign, tmp_path / "峨边.xlsx", bad_fields=2)
    book = open_book(payload_for(path))
    protect_like_excel(monkeypatch, book, path)
    structure = FakeWorkbook(clock(book), ProtectStructure=True)
    monkeypatch.setattr(protection, "structure_protection_for",
                        lambda b: StructureProtection(structure) if b.name == book.name else None)
    open_master(tmp_path, {})
    buttons.validate()
    added = [i for i, a in enumerate(actions(book)) if a["func"] == "addSheet"]
    pairs = list(zip(structure.log[::2], structure.log[1::2]))
    assert len(added) == 2 and len(pairs) == 2  # the record sheet, then 审核结果: each inside its own pair
    for i, ((lift, _, start), (put_back, args, end)) in zip(added, pairs):
        assert (lift, put_back) == ("Unprotect", "Protect") and start <= i < end
        assert args == ("", True, False)
    assert structure.ProtectStructure


def test_an_unprotected_sheet_gets_no_protection_calls(tmp_path, campaign, monkeypatch):
    path = write_unit_return(campaign, tmp_path / "r.xlsx", bad_fields=1)
    book = open_book(payload_for(path))
    plain = FakeWorksheet("附件1", clock(book))
    protect_like_excel(monkeypatch, book, path, 附件1=plain)
    open_master(tmp_path, {})
    buttons.validate()
    assert plain.log == []
    assert _sheet_writes(book, 0)


def test_the_remote_engine_has_no_protection_to_lift(tmp_path, campaign):
    book = open_book(payload_for(write_unit_return(campaign, tmp_path / "r.xlsx")))
    assert protection.protection_for(book.sheets[0]) is None
    assert protection.structure_protection_for(book) is None
