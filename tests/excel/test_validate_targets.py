"""Which workbooks 审核退回表 looks at, as Excel really calls it: the master is the active workbook (its
ribbon is only shown then) and the caller; the returns are the other open workbooks. The master's own
sheets are never read nor written; with nothing open, a file dialog; Protected View named; one
workbook's failure is that workbook's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from wennuan_xl.excel import book as read
from wennuan_xl.excel import buttons, errors, host
from wennuan_xl.excel.host import (
    FILE_FILTER,
    FORCE_DISABLE_MACROS,
    DesktopHost,
    chosen_files,
    protected_view_names,
)

from .com_fakes import FakeApplication
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
from .replay import as_saved, book_model


class ClerkAtExcel(host.Host):
    """Excel's Protected View and file dialog as the clerk meets them, on the remote engine."""

    def __init__(self, app, protected=(), choose=None):
        super().__init__(app)
        self.protected, self.choose, self.asked = list(protected), choose, 0

    def protected_view(self):
        return self.protected

    def ask_for_files(self):
        self.asked += 1
        return self.choose

    def open(self, path: Path):
        return open_book(payload_for(path))


@pytest.fixture
def clerk(monkeypatch):
    made = ClerkAtExcel(None)

    def host_for(book):
        made.app = book.app
        return made

    monkeypatch.setattr(buttons, "host_for", host_for)
    return made


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The workbooks whose sheets were read for annexes."""
    seen: list[str] = []
    real = read.workbook_data

    def recording(book, skip=()):
        seen.append(book.name)
        return real(book, skip)

    monkeypatch.setattr(read, "workbook_data", recording)
    return seen


def _master_after_a_consolidation(tmp_path, campaign):
    """The master as it is after a 汇总: its 汇总-附件1/2 sheets filled in the annexes' layout."""
    folder = tmp_path / "returns"
    folder.mkdir()
    write_unit_return(campaign, folder / "市中区.xlsx", bad_fields=1)
    master = open_master(tmp_path, {"WN_FOLDER": str(folder)})
    buttons.consolidate()
    saved = as_saved(master)
    master.close()
    master = open_book(saved)
    master.set_mock_caller()
    assert any("附件1" in str(v) for v in book_model(master).sheet("汇总-附件1").values.values())
    return master


def test_every_other_workbook_is_looked_at_and_named_the_master_never(tmp_path, campaign, reads, clerk):
    a = open_book(payload_for(write_unit_return(campaign, tmp_path / "市中区.xlsx", bad_fields=2)))
    b = open_book(payload_for(write_unit_return(campaign, tmp_path / "沙湾区.xlsx", bad_fields=0)))
    open_book(book_payload("随便.xlsx", [sheet_payload("Sheet1", [["预算", 1]])], []))
    open_book(book_payload("PERSONAL.XLSB", [sheet_payload("Sheet1", [[None]])], []))
    master = open_master(tmp_path, {})
    buttons.validate()
    assert reads == ["市中区.xlsx", "沙湾区.xlsx", "随便.xlsx"]
    (message,) = alerts(master)
    assert message.splitlines() == [
        "审核了 2 个退回表，1 个不是退回表：",
        "· 市中区.xlsx：发现 2 个错误，已在表中标出，详见该工作簿的“审核结果”表",
        "· 沙湾区.xlsx：未发现问题",
        "· 随便.xlsx：没有找到附件1或附件2，未审核",
    ]
    assert actions(a, "addNote") and not actions(b, "addNote")
    assert [x["func"] for x in actions(master)] == ["setScreenUpdating", "setScreenUpdating", "alert"]
    assert clerk.asked == 0


def test_after_a_consolidation_with_no_return_open_the_master_is_not_checked(tmp_path, campaign, reads, clerk):
    master = _master_after_a_consolidation(tmp_path, campaign)
    buttons.validate()
    assert reads == [] and clerk.asked == 1
    assert [x["func"] for x in actions(master)] == ["alert"]  # no note, no fill, no sheet added or cleared
    (message,) = alerts(master)
    assert message.startswith("没有打开的退回表，也没有选择文件，未审核。") and "对话框中选择文件" in message


def test_a_copy_of_the_master_or_a_consolidated_workbook_is_no_return(tmp_path, campaign, reads, clerk):
    copy = _master_after_a_consolidation(tmp_path, campaign)
    saved = as_saved(copy)
    copy.close()
    other = open_book({**saved, "book": {**saved["book"], "name": "wennuan_master - 副本.xlsm"}})
    master = open_master(tmp_path, {})
    buttons.validate()
    assert reads == [] and actions(other) == [] and clerk.asked == 1
    assert alerts(master) == ["wennuan_master - 副本.xlsm：这是送温暖主工作簿，不是退回表，未审核\n"
                              "没有打开的退回表，也没有选择文件，未审核。\n" + buttons.OPEN_FIRST]


def test_with_only_other_workbooks_open_the_dialog_still_asks(tmp_path, campaign, clerk):
    open_book(book_payload("预算.xlsx", [sheet_payload("Sheet1", [["预算", 1]])], []))
    clerk.choose = [write_unit_return(campaign, tmp_path / "马边.xlsx", bad_fields=1)]
    master = open_master(tmp_path, {})
    buttons.validate()
    assert clerk.asked == 1
    lines = (alerts(master) or alerts(master.app.books.active))[0].splitlines()
    assert lines == ["审核了 1 个退回表，1 个不是退回表：", "· 预算.xlsx：没有找到附件1或附件2，未审核",
                     "· 马边.xlsx：发现 1 个错误，已在表中标出，详见该工作簿的“审核结果”表"]


def test_with_nothing_open_the_chosen_files_are_opened_and_checked(tmp_path, campaign, clerk):
    paths = [write_unit_return(campaign, tmp_path / f"{n}.xlsx", bad_fields=k) for n, k in (("马边", 1), ("沐川", 0))]
    clerk.choose = paths
    master = open_master(tmp_path, {})
    buttons.validate()
    opened = [b for b in master.app.books if b.name != master.name]
    assert [b.name for b in opened] == ["马边.xlsx", "沐川.xlsx"]
    assert actions(opened[0], "addNote")
    assert "审核结果" in [a["args"][1] for a in actions(opened[1], "addSheet")]
    message = alerts(master) or alerts(opened[-1])  # the clerk's active workbook shows the box
    assert message[0].splitlines()[1:] == ["· 马边.xlsx：发现 1 个错误，已在表中标出，详见该工作簿的“审核结果”表", "· 沐川.xlsx：未发现问题"]


def test_a_file_excel_cannot_open_is_its_line_and_the_others_are_checked(tmp_path, campaign, clerk, monkeypatch):
    good = write_unit_return(campaign, tmp_path / "马边.xlsx", bad_fields=1)
    clerk.choose = [tmp_path / "坏的.xlsx", good]
    real_open = clerk.open

    def open_or_fail(path):
        if path.name == "坏的.xlsx":
            raise OSError("Excel 无法打开文件“坏的.xlsx”，因为文件格式或文件扩展名无效")
        return real_open(path)

    monkeypatch.setattr(clerk, "open", open_or_fail)
    monkeypatch.setattr(errors.tempfile, "gettempdir", lambda: str(tmp_path))
    master = open_master(tmp_path, {})
    buttons.validate()
    lines = (alerts(master) or alerts(master.app.books.active))[0].splitlines()
    assert lines[0] == "审核了 1 个退回表，1 个出错未完成："
    assert lines[1].startswith("· 坏的.xlsx：无法在 Excel 中打开（OSError: Excel 无法打开文件")
    assert lines[2].startswith("· 马边.xlsx：发现 1 个错误")
    assert "坏的.xlsx" in (tmp_path / errors.LOG_NAME).read_text(encoding="utf-8")


def test_protected_view_is_named_with_what_to_click_and_no_dialog(tmp_path, clerk):
    clerk.protected = ["犍为县-附件1.xlsx"]
    master = open_master(tmp_path, {})
    buttons.validate()
    assert clerk.asked == 0
    assert alerts(master) == [("1 个文件在“受保护的视图”中打开，不能审核：犍为县-附件1.xlsx。请切换到该窗口，点顶部黄条上的“启用编辑”，"
                              "再回到本工作簿点“审核退回表”。")]


def test_protected_view_beside_open_returns(tmp_path, campaign, clerk):
    open_book(payload_for(write_unit_return(campaign, tmp_path / "市中区.xlsx", bad_fields=1)))
    clerk.protected = ["犍为县-附件1.xlsx", "沐川县-附件2.xlsx"]
    master = open_master(tmp_path, {})
    buttons.validate()
    (message,) = alerts(master)
    first, second = message.splitlines()
    assert first == "市中区.xlsx：发现 1 个错误，已在表中标出，详见该工作簿的“审核结果”表"
    assert second.startswith("2 个文件在“受保护的视图”中打开，不能审核：犍为县-附件1.xlsx、沐川县-附件2.xlsx。")


def test_a_failing_second_workbook_is_reported_logged_and_the_first_stays_done(tmp_path, campaign, monkeypatch, clerk):
    first = open_book(payload_for(write_unit_return(campaign, tmp_path / "市中区.xlsx", bad_fields=2)))
    open_book(payload_for(write_unit_return(campaign, tmp_path / "沙湾区.xlsx", bad_fields=2)))
    real = buttons.locate

    def locate(data, campaign):
        if data.source.endswith("沙湾区.xlsx"):
            raise KeyError("附件1!E7")
        return real(data, campaign)

    monkeypatch.setattr(buttons, "locate", locate)
    monkeypatch.setattr(errors.tempfile, "gettempdir", lambda: str(tmp_path))
    master = open_master(tmp_path, {})
    buttons.validate()
    (message,) = alerts(master)
    lines = message.splitlines()
    assert lines[0] == "审核了 1 个退回表，1 个出错未完成："
    assert lines[1] == "· 市中区.xlsx：发现 2 个错误，已在表中标出，详见该工作簿的“审核结果”表"
    assert lines[2].startswith("· 沙湾区.xlsx：审核时出错，未完成（KeyError: '附件1!E7'）；详情已记录在：")
    assert "本次操作未完成" not in message
    log = (tmp_path / errors.LOG_NAME).read_text(encoding="utf-8")
    assert "审核 沙湾区.xlsx 时出错" in log and "KeyError" in log
    assert len(actions(first, "addNote")) == 2


def test_the_status_bar_says_what_is_being_checked_and_is_given_back(tmp_path, campaign, monkeypatch, clerk):
    for name in ("市中区.xlsx", "沙湾区.xlsx"):
        open_book(payload_for(write_unit_return(campaign, tmp_path / name, bad_fields=1)))
    shown: list[object] = []
    monkeypatch.setattr(buttons, "status", lambda book, text: shown.append(text))
    open_master(tmp_path, {})
    buttons.validate()
    assert shown == ["正在审核 市中区.xlsx（1/2）……", "正在审核 沙湾区.xlsx（2/2）……", None]


# --- the COM side of the host, against models of Excel's objects ------------------------------------------

def test_protected_view_windows_are_read_as_file_names():
    assert protected_view_names(FakeApplication(["a.xlsx", "犍为县-附件1.xlsx"])) == ["a.xlsx", "犍为县-附件1.xlsx"]
    assert protected_view_names(FakeApplication([])) == []


@pytest.mark.parametrize(("answer", "expected"), [
    (False, None),
    (("C:\\退回\\a.xlsx", "C:\\退回\\b.xls"), [Path("C:\\退回\\a.xlsx"), Path("C:\\退回\\b.xls")]),
    ("C:\\退回\\a.xlsx", [Path("C:\\退回\\a.xlsx")]),
])
def test_the_file_dialogs_answer(answer, expected):
    assert chosen_files(answer) == expected


class _Books:
    def __init__(self, app):
        self.app, self.opened = app, []

    def open(self, path, **options):
        self.opened.append((path, options, self.app.api.AutomationSecurity))
        return path


class _App:
    def __init__(self, api):
        self.api = api
        self.books = _Books(self)


def test_the_dialog_asks_for_several_spreadsheets_and_opens_them_with_macros_disabled():
    app = _App(FakeApplication(answer=("D:\\退回表\\a.xlsm",)))
    desktop = DesktopHost(app)
    (path,) = desktop.ask_for_files()
    (call,) = app.api.calls
    assert call[0] == "GetOpenFilename"
    file_filter, index, title, _, multi = call[1]
    assert all(ext in file_filter for ext in ("*.xlsx", "*.xlsm", "*.xls", "*.ods")) and file_filter == FILE_FILTER
    assert (index, multi) == (1, True) and "可多选" in title
    desktop.open(path)
    ((_opened, options, security),) = app.books.opened
    assert security == FORCE_DISABLE_MACROS and options["update_links"] is False
    assert app.api.AutomationSecurity == 1, "put back as it was"


def test_a_com_error_is_said_in_excels_own_words():
    class com_error(Exception):  # pywintypes' name
        excepinfo = (0, "Microsoft Excel", "不能设置类 Interior 的 Color 属性", None, 0, -2146827284)

    error = com_error(-2147352567, "发生意外。", com_error.excepinfo, None)
    assert buttons._short(error) == "com_error: 不能设置类 Interior 的 Color 属性"
    assert buttons._short(KeyError("附件1!E7")) == "KeyError: '附件1!E7'"
