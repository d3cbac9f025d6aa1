"""The four buttons on real xlwings objects (remote engine): what the clerk would see, as Excel actions."""

from __future__ import annotations

import json

import openpyxl
import pytest

from wennuan_xl.core.flags import RECORD_HEADERS, RECORD_SHEET
from wennuan_xl.excel import buttons
from wennuan_xl.files.campaign_files import load_rules
from wennuan_xl.jobs import Settings, consolidate_folder

from .conftest import (
    actions,
    alerts,
    book_payload,
    open_book,
    open_master,
    payload_for,
    sheet_payload,
    write_unit_return,
)

RED, YELLOW = "#ffc7ce", "#ffeb9c"


def _validate(tmp_path, campaign, bad: int, notes=None, extra_sheets=()):
    """The clerk opens a return, comes back to the master (the active workbook) and clicks."""
    path = write_unit_return(campaign, tmp_path / f"市中区-{bad}.xlsx", bad_fields=bad)
    book = open_book(payload_for(path, notes=notes, extra_sheets=extra_sheets))
    master = open_master(tmp_path, {"WN_FOLDER": str(tmp_path)})
    buttons.validate()
    return book, master


def _coloured_cells(book, sheet_position: int, colour: str) -> set[tuple[int, int]]:
    out = set()
    for a in actions(book, "setRangeColors"):
        if a["sheet_position"] != sheet_position:
            continue
        for i, row in enumerate(a["args"][0]):
            for j, c in enumerate(row):
                if c == colour:
                    out.add((a["start_row"] + i + 1, a["start_column"] + j + 1))
    return out


def test_validate_fills_and_notes_problem_cells_and_says_how_many(tmp_path, campaign):
    book, master = _validate(tmp_path, campaign, bad=2)
    notes = {a["args"][0]: a["args"][1] for a in actions(book, "addNote")}
    assert set(notes) == {"$E$7", "$E$8"}
    assert "约30" in notes["$E$7"] and "不是数字" in notes["$E$7"] and notes["$E$7"].startswith("【错误】")
    assert _coloured_cells(book, 0, RED) == {(7, 5), (8, 5)}  # 附件1 is the first sheet
    assert alerts(master) == ["市中区-2.xlsx：发现 2 个错误，已在表中标出，详见该工作簿的“审核结果”表"]
    assert not alerts(book)


def test_validate_writes_a_results_sheet_with_a_link_per_finding_in_one_write(tmp_path, campaign):
    book, _ = _validate(tmp_path, campaign, bad=3)
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert "审核结果" in added and RECORD_SHEET in added
    position = added.index("审核结果")
    result = book.sheets["审核结果"].index - 1
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == result]
    assert len(writes) == 1
    text = json.dumps(writes[0]["values"], ensure_ascii=False)
    assert "发现 3 个错误" in text
    links = [c for row in writes[0]["values"] for c in row if isinstance(c, str) and c.startswith("=HYPERLINK(")]
    assert links == [f'=HYPERLINK("#\'附件1\'!E{r}","附件1!E{r}")' for r in (7, 8, 9)]
    assert position >= 0


def test_the_results_sheet_is_the_findings_table_with_numbers_as_numbers(tmp_path, campaign):
    from wennuan_xl.core.tables import CHECK_HEADERS

    path = write_unit_return(campaign, tmp_path / "市中区.xlsx", changes={"A1.02B": 5000, "A1.07K": "—"})
    book = open_book(payload_for(path))
    open_master(tmp_path, {"WN_FOLDER": str(tmp_path)})
    buttons.validate()
    result = book.sheets["审核结果"].index - 1
    (write,) = [a for a in actions(book, "setValues") if a["sheet_position"] == result]
    values = write["values"]
    assert values[3][:len(CHECK_HEADERS)] == list(CHECK_HEADERS)  # as the flagged copy and the CLI show them
    def shown(v):  # a text with digits goes with Excel's text prefix, which Excel does not show
        return v.removeprefix("'") if isinstance(v, str) else v

    rows = [{h: shown(v) for h, v in zip(CHECK_HEADERS, row)} for row in values[4:] if row[0]]
    wrong = next(r for r in rows if r["规则"] == "A1-02")
    assert (wrong["级别"], wrong["填写值"], wrong["指标"]) == ("错误", 5000, "02(B) 其中困难农民工")
    assert wrong["处理要求"] == "改正后重新报送"
    note = next(r for r in rows if r["规则"] == "F-PLACEHOLDER")
    assert (note["级别"], note["填写值"]) == ("注意", "—")


def test_record_sheet_is_hidden_and_not_left_active(tmp_path, campaign):
    book, _ = _validate(tmp_path, campaign, bad=2)
    record = book.sheets[RECORD_SHEET]
    assert not record.visible
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == record.index - 1]
    assert writes[0]["values"][0] == list(RECORD_HEADERS)


def test_excel_calls_do_not_grow_with_the_number_of_problem_cells(tmp_path, campaign):
    (tmp_path / "few").mkdir()
    (tmp_path / "many").mkdir()
    few, master = _validate(tmp_path / "few", campaign, bad=2)
    few.close()
    master.close()
    many, _ = _validate(tmp_path / "many", campaign, bad=20)
    assert len(actions(many, "addNote")) == 20 and len(actions(few, "addNote")) == 2  # notes: per cell by nature
    others = lambda b: [a["func"] for a in actions(b) if a["func"] != "addNote"]  # noqa: E731
    assert others(few) == others(many)
    assert len(actions(many, "setRangeColors")) == len(actions(few, "setRangeColors"))
    assert len(_coloured_cells(many, 0, RED)) + len(_coloured_cells(many, 1, RED)) == 20


def test_a_clean_return_says_no_problem_and_colours_nothing_on_the_form(tmp_path, campaign):
    book, master = _validate(tmp_path, campaign, bad=0)
    assert alerts(master) == ["市中区-0.xlsx：未发现问题"]
    assert not actions(book, "addNote")
    assert not _coloured_cells(book, 0, RED) and not _coloured_cells(book, 0, YELLOW)


def test_validate_on_a_book_without_annexes_explains_in_chinese(tmp_path, campaign):
    other = open_book(book_payload("随便.xlsx", [sheet_payload("Sheet1", [["2017年预算", 1200]])], []))
    master = open_master(tmp_path, {"WN_FOLDER": str(tmp_path)})
    buttons.validate()
    (message,) = alerts(master)
    assert message.startswith("随便.xlsx：没有找到附件1或附件2，未审核\n没有打开的退回表，也没有选择文件，未审核。")
    assert "请先在 Excel 中打开要审核的退回表" in message and "Traceback" not in message
    assert not actions(other)


def _record_sheet(rows):
    return sheet_payload(RECORD_SHEET, [list(RECORD_HEADERS)] + rows, visibility="VeryHidden")


def test_clear_after_reopen_restores_own_fill_and_note(tmp_path, campaign):
    path = write_unit_return(campaign, tmp_path / "r.xlsx", bad_fields=2)
    record = _record_sheet([
        ["附件1", "E7", "00B0F0", "是", "经办人：此数待核", "FFC7CE", "【错误】……"],
        ["附件1", "E8", "", "否", "", "FFC7CE", "【错误】……"],
    ])
    book = open_book(payload_for(path, notes={"附件1": ["E7", "E8"]}, extra_sheets=[record]))
    master = open_master(tmp_path, {})
    buttons.clear_flags()
    assert _coloured_cells(book, 0, "#00b0f0") == {(7, 5)}
    assert _coloured_cells(book, 0, None) == {(8, 5)}  # no fill of its own: the fill is removed
    assert [a["args"][0] for a in actions(book, "deleteNote")] == ["$E$7", "$E$8"]
    assert [a["args"] for a in actions(book, "addNote")] == [["$E$7", "经办人：此数待核"]]
    assert alerts(master) == ["r.xlsx：已清除 2 个单元格的标记，恢复了原来的颜色和批注"]
    cleared = [a for a in actions(book, "rangeClearContents") if a["sheet_position"] == book.sheets[RECORD_SHEET].index - 1]
    assert cleared, "the record is emptied, so a second 清除标记 does nothing"


def test_clear_touches_no_cell_the_tool_did_not_flag(tmp_path, campaign):
    path = write_unit_return(campaign, tmp_path / "r.xlsx")
    book = open_book(payload_for(path, notes={"附件1": ["E9"]}))
    master = open_master(tmp_path, {})
    buttons.clear_flags()
    assert actions(book) == []
    assert alerts(master) == ["已打开的工作簿中没有需要清除的标记。"]


def test_validate_twice_records_the_cells_own_colour_not_ours(tmp_path, campaign):
    path = write_unit_return(campaign, tmp_path / "r.xlsx", bad_fields=1)
    record = _record_sheet([["附件1", "E7", "00B0F0", "否", "", "FFC7CE", "【错误】旧"]])
    book = open_book(payload_for(path, notes={"附件1": ["E7"]}, extra_sheets=[record]))
    open_master(tmp_path, {})
    buttons.validate()
    rec = book.sheets[RECORD_SHEET]
    written = [a["values"] for a in actions(book, "setValues") if a["sheet_position"] == rec.index - 1]
    assert written[-1][1][:3] == ["'附件1", "'E7", "'00B0F0"]  # the original survives the second run


def test_consolidate_writes_the_cli_content_into_the_master(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    write_unit_return(campaign, folder / "市中区-送温暖统计表.xlsx", bad_fields=1)
    roster = [[u.name, "是" if u.included else "否"] for u in campaign.roster]
    master = open_master(tmp_path, {"WN_FOLDER": str(folder), "WN_EXCLUDE_ERRORS": "否"}, roster)
    buttons.consolidate()
    _, out = consolidate_folder(folder, tmp_path / "cli.xlsx", Settings(campaign, load_rules(campaign), workers=1))
    cli = openpyxl.load_workbook(out)
    for name in ("汇总-附件1", "汇总-附件2", "上报情况", "审核结果", "明细"):
        position = master.sheets[name].index - 1
        assert [a for a in actions(master, "rangeClear") if a["sheet_position"] == position], name  # the last run goes
        (write,) = [a for a in actions(master, "setValues") if a["sheet_position"] == position]
        ours = [[_shown(v) for v in row] for row in write["values"]]
        theirs = [[_shown(c.value) for c in row] for row in cli[name].iter_rows(max_col=len(ours[0]))]
        assert _trim(ours) == _trim(theirs), name
    (message,) = alerts(master)
    assert message.startswith("汇总完成") and "错误" in message


def _shown(value):
    """What the clerk sees: the apostrophe prefix is no part of the value; a link shows its text."""
    if isinstance(value, str) and value.startswith("=HYPERLINK("):
        return value.rsplit(',"', 1)[1][:-2]
    if isinstance(value, str):
        return value[1:] if value.startswith("'") else (value or None)
    return value


def _trim(rows):
    rows = [list(r) for r in rows]
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    return rows


def test_consolidate_without_a_folder_asks_for_one(tmp_path):
    master = open_master(tmp_path, {"WN_FOLDER": None})
    buttons.consolidate()
    assert alerts(master) == ["请先在“设置”工作表中填写各单位退回表所在的文件夹，然后再点“汇总”。"]
    assert not actions(master, "setValues")


def test_consolidate_with_a_missing_folder_names_it(tmp_path):
    master = open_master(tmp_path, {"WN_FOLDER": str(tmp_path / "没有")})
    buttons.consolidate()
    (message,) = alerts(master)
    assert message.startswith("找不到文件夹") and "没有" in message


def test_make_templates_writes_next_to_the_master(tmp_path):
    master = open_master(tmp_path, {})
    buttons.make_templates()
    written = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert len(written) == 2
    (message,) = alerts(master)
    assert message.startswith("已生成空白表") and all(name in message for name in written)


def test_an_unexpected_error_is_an_apology_and_a_log_not_a_traceback(tmp_path, monkeypatch):
    from wennuan_xl.excel import errors

    monkeypatch.setattr(errors.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(buttons, "settings", lambda *a, **k: 1 / 0)
    master = open_master(tmp_path, {})
    buttons.make_templates()
    (message,) = alerts(master)
    assert message.startswith("很抱歉") and str(tmp_path) in message and "Traceback" not in message
    assert "ZeroDivisionError" in (tmp_path / errors.LOG_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", ["validate", "clear_flags", "consolidate", "make_templates"])
def test_the_four_entry_points_vba_calls_exist(entry):
    assert callable(getattr(buttons, entry))


def test_clicked_in_the_master_checks_the_return_open_beside_it(tmp_path, campaign):
    # The tab lives in the master, so the master is the active window when the clerk clicks.
    path = write_unit_return(campaign, tmp_path / "市中区.xlsx", bad_fields=2)
    book = open_book(payload_for(path))
    master = open_master(tmp_path, {"WN_FOLDER": str(tmp_path)})
    assert master.app.books.active.name == master.name
    buttons.validate()
    assert _coloured_cells(book, 0, RED)  # the return is flagged, not the master
    assert not actions(master, "setRangeColors")
    assert alerts(master) == ["市中区.xlsx：发现 2 个错误，已在表中标出，详见该工作簿的“审核结果”表"]
