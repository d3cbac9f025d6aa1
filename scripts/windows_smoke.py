"""The Excel buttons' smoke test on a real Windows PC with Excel — one command for a technician:

    py -3.11 scripts\\windows_smoke.py                 (from the project folder; wennuan-xl and xlwings installed)
    py -3.11 scripts\\windows_smoke.py --keep-open     (leave Excel open afterwards, to look around)

It starts its own Excel (xlwings' COM engine), opens a copy of workbooks\\wennuan_master.xlsm in a work
folder, sets its Interpreter_Win to this Python, opens copies of sample returns — made from our templates,
so their sheets are protected; one copy with a sheet password; one in Protected View — and runs each
button's own VBA Sub (``Book.macro``: the same RunPython line the ribbon runs). A helper thread reads every
message box the buttons show (title 送温暖) and clicks OK, and answers the file dialog (cancel, then a
file). Then it checks what Excel shows — fills, notes, 审核结果 links, protection put back with its
options, the master untouched by 审核, 汇总's sheets equal to the CLI's tables, the chart, the feedback
copies, the status bar given back, the Chinese message for a missing Python — and writes a report
(每项 通过 / 未通过) into the work folder. Exit code 0: everything passed.

The scenario and its checks live in wennuan_xl/excel/smoke.py, shared with tests/excel/test_smoke.py, which
runs them on xlwings' remote engine on every test run; what only real Excel can show (the COM calls of
protection, Protected View, dialogs, message boxes, VBA, the chart's series) is read here. What no script
sees — the ribbon drawn, its icons and tooltips — is the README's short manual checklist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.excel import smoke
from wennuan_xl.excel.host import DIALOG_TITLE

TITLE = "送温暖"  # the message boxes' title (excel/write.py TITLE and the hidden sheet's WN_MSG_TITLE)
MISSING_PYTHON = r"C:\wennuan-smoke\没有这个\pythonw.exe"
IDOK, IDCANCEL = 1, 2
FILE_NAME_BOX = 0x47C  # the file dialog's "文件名" combo box (cmb13)


class Watcher(threading.Thread):
    """Reads and closes the dialogs Excel's window owns while a macro runs: the message boxes titled 送温暖
    (pythonw's and the VBA's), the file dialog (answered), and any other (recorded as unexpected, closed),
    so a macro never waits on a box nobody is there to click."""

    def __init__(self, excel_hwnd: int, answer: list[Path] | None):
        super().__init__(daemon=True)
        self.excel, self.answer = excel_hwnd, answer
        self.messages: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        import win32con
        import win32gui

        while not self.done.is_set():
            for hwnd in _windows(0, "#32770"):
                if not win32gui.IsWindowVisible(hwnd) or win32gui.GetWindow(hwnd, win32con.GW_OWNER) != self.excel:
                    continue
                title = win32gui.GetWindowText(hwnd)
                if title == TITLE:
                    self.messages.append(_dialog_text(hwnd))
                    _press(hwnd, IDOK)
                elif title == DIALOG_TITLE:
                    self._answer(hwnd)
                else:
                    self.messages.append(f"[意外的对话框“{title}”] {_dialog_text(hwnd)}")
                    _press(hwnd, IDCANCEL)
                    win32gui.PostMessage(hwnd, win32con.WM_CLOSE, 0, 0)
            time.sleep(0.1)

    def _answer(self, hwnd: int) -> None:
        import win32con
        import win32gui

        if not self.answer:
            _press(hwnd, IDCANCEL)
            return
        names = [str(p) for p in self.answer]
        text = names[0] if len(names) == 1 else " ".join(f'"{p}"' for p in names)
        box = win32gui.GetDlgItem(hwnd, FILE_NAME_BOX)
        edits = _windows(box or hwnd, "Edit")
        if not edits:
            _press(hwnd, IDCANCEL)
            return
        win32gui.SendMessage(edits[0], win32con.WM_SETTEXT, 0, text)
        _press(hwnd, IDOK)
        self.answer = None


def _windows(parent: int, cls: str) -> list[int]:
    """Top-level windows (parent 0) or descendants of ``parent`` of window class ``cls``."""
    import win32gui

    found: list[int] = []

    def visit(hwnd: int, _: object) -> bool:
        if win32gui.GetClassName(hwnd) == cls:
            found.append(hwnd)
        return True

    try:
        if parent:
            win32gui.EnumChildWindows(parent, visit, None)
        else:
            win32gui.EnumWindows(visit, None)
    except Exception:  # noqa: BLE001 - a window without children, or closing meanwhile
        pass
    return found


def _dialog_text(hwnd: int) -> str:
    import win32gui

    texts = [win32gui.GetWindowText(h) for h in _windows(hwnd, "Static")]
    return max(texts, key=len) if texts else ""


def _press(hwnd: int, button: int) -> None:
    import win32con
    import win32gui

    win32gui.PostMessage(hwnd, win32con.WM_COMMAND, button, 0)


class ComView:
    """What Excel shows, through xlwings' COM engine."""

    def __init__(self, app):
        self.app = app

    def sheet_names(self, book):
        return [s.name for s in book.sheets]

    def values(self, book, sheet):
        from wennuan_xl.excel.book import sheet_rows

        return sheet_rows(book.sheets[sheet])

    def fill(self, book, sheet, a1):
        from wennuan_xl.excel.flags import read_fill

        return read_fill(book.sheets[sheet].range(a1)) or ""

    def note(self, book, sheet, a1):
        from wennuan_xl.excel.flags import read_note

        return read_note(book.sheets[sheet].range(a1))

    def link(self, book, sheet, a1):
        return smoke.link_of(book.sheets[sheet].range(a1).formula)

    def charts(self, book, sheet):
        return [(c.chart_type, len(c.series)) for c in book.sheets[sheet].charts]

    def protection(self, book, sheet):
        from wennuan_xl.excel.protection import SheetProtection

        return SheetProtection(book.sheets[sheet].api).read()

    def status_bar(self):
        text = self.app.status_bar
        return None if text is False or text in ("", "就绪", "Ready") else str(text)


class ComDriver:
    def __init__(self, app):
        self.app = app
        self.view = ComView(app)
        self.answer: list[Path] | None = None
        self.timings: dict[str, float] = {}

    def open_master(self, path):
        book = self.app.books.open(str(path))
        pythonw = Path(sys.executable).with_name("pythonw.exe")
        config = book.sheets["xlwings.conf"]
        keys = [str(v or "").upper() for v in config.range("A1:A20").value]
        config.range(f"B{keys.index('INTERPRETER_WIN') + 1}").value = str(pythonw if pythonw.is_file() else sys.executable)
        package = Path(__import__("wennuan_xl").__file__).resolve().parent.parent
        if "site-packages" not in str(package):  # run from a checkout: RunPython's Python must find it too
            config.range(f"B{keys.index('PYTHONPATH') + 1}").value = str(package)
        return book

    def set_setting(self, master, name, value):
        master.names[name].refers_to_range.value = value

    def select(self, book, sheet, a1):
        book.activate()
        book.sheets[sheet].activate()
        book.sheets[sheet].range(a1).select()

    def open_return(self, path):
        return self.app.books.open(str(path))

    def open_protected_view(self, path):
        try:
            self.app.api.ProtectedViewWindows.Open(str(path))
        except Exception:  # noqa: BLE001 - an Excel without Protected View (or with it turned off)
            return False
        return True

    def close_protected_view(self):
        windows = self.app.api.ProtectedViewWindows
        for i in range(int(windows.Count), 0, -1):
            windows.Item(i).Close()

    def close(self, book):
        book.close()

    def find_book(self, name):
        return next((b for b in self.app.books if b.name == name), None)

    def answer_file_dialog(self, paths):
        self.answer = paths

    def run(self, master, macro):
        watcher = Watcher(self.app.hwnd, self.answer)
        self.answer = None
        watcher.start()
        start = time.perf_counter()
        try:
            master.macro(f"WennuanButtons.{macro}")()
        finally:
            self.timings.setdefault(macro, time.perf_counter() - start)
            time.sleep(0.5)  # a message box shown just as the macro returned
            watcher.done.set()
            watcher.join(5)
        return watcher.messages


def windows_only_checks(driver: ComDriver, master, checks: list[smoke.Check]) -> None:
    """What only Excel itself can show: the VBA's own check of the interpreter, the time a click takes."""
    config = master.sheets["xlwings.conf"]
    keys = [str(v or "").upper() for v in config.range("A1:A20").value]
    cell = config.range(f"B{keys.index('INTERPRETER_WIN') + 1}")
    kept = cell.value
    cell.value = MISSING_PYTHON
    try:
        messages = driver.run(master, "OnConsolidate")
    finally:
        cell.value = kept
    checks.append(smoke.Check("VBA：Python 不存在时弹出中文说明（不是 xlwings 的英文提示）",
                              len(messages) == 1 and "找不到 Python" in messages[0] and MISSING_PYTHON in messages[0],
                              " | ".join(messages)))
    took = driver.timings.get("OnValidate")
    checks.append(smoke.Check("审核退回表：一次点击（Excel 等待的时间）少于 1.5 秒", took is not None and took < 1.5,
                              f"{took:.2f} 秒" if took is not None else "未运行"))
    checks.append(smoke.lean_interpreter(importlib.util.find_spec))
    compiled = list((Path(__import__("wennuan_xl").__file__).parent / "excel" / "__pycache__").glob("buttons.*.pyc"))
    checks.append(smoke.Check("已编译字节码（RunPython 用 -B 启动，不会自己写）", bool(compiled),
                              "请运行 py -3.11 -m compileall <wennuan_xl 所在文件夹>"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="送温暖 Excel 按钮冒烟测试（需要 Windows 和 Excel）")
    parser.add_argument("--master", type=Path, default=ROOT / "workbooks" / "wennuan_master.xlsm")
    parser.add_argument("--samples", type=Path, default=ROOT / "workbooks" / "samples" / "returns")
    parser.add_argument("--work", type=Path, help="work folder (default: a new folder in %%TEMP%%)")
    parser.add_argument("--keep-open", action="store_true", help="leave Excel open at the end")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        print(f"windows_smoke.py 需要 Windows 和 Excel（它通过 xlwings 驱动真正的 Excel）；本机是 {sys.platform}，未运行。\n"
              "本机能做的部分由 python3 -m pytest tests/excel/test_smoke.py 在 xlwings 的 remote 引擎上运行。")
        return 2
    try:
        import win32gui  # noqa: F401 - pywin32, installed with xlwings on Windows
        import xlwings as xw
    except ImportError as exc:
        print(f"缺少 {exc.name}：请先运行 py -3.11 -m pip install wennuan-xl \"xlwings==0.37.8\"")
        return 2
    from wennuan_xl.files.campaign_files import load_campaign, load_rules

    work = args.work or Path(tempfile.gettempdir()) / f"wennuan-smoke-{dt.datetime.now():%Y%m%d-%H%M%S}"
    campaign = load_campaign()
    rules = load_rules(campaign)
    app = xw.App(visible=True, add_book=False)
    checks: list[smoke.Check] = []
    try:
        driver = ComDriver(app)
        checks = smoke.run_smoke(driver, campaign, rules, work, args.master, args.samples)
        master = driver.find_book(args.master.name)
        if master is not None:
            windows_only_checks(driver, master, checks)
    finally:
        if not args.keep_open:
            for book in list(app.books):
                book.close()
            app.quit()
    header = f"Excel {os.environ.get('COMPUTERNAME', '')}  工作文件夹：{work}"
    report = smoke.report_text(checks, header)
    path = work / "冒烟测试报告.txt"
    path.write_text(report, encoding="utf-8-sig")
    print(report)
    print(f"报告已写入：{path}")
    return 0 if checks and all(c.passed for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
