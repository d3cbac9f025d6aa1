"""The Windows smoke test's scenario and checks (wennuan_xl/excel/smoke.py), run here on the remote engine.

``scripts/windows_smoke.py`` drives real Excel with them; here a ``RemoteDriver`` plays Excel: the
buttons run the Python command each VBA Sub of vba_shims/WennuanButtons.bas gives RunPython, protection
is modelled from each file's own ``<sheetProtection>`` (com_fakes), Protected View and the file dialog by
a host, and what Excel shows is the replay of the engine's actions (replay.py). Every check of the
scenario must pass; and the checks must be able to fail (a broken button gives failed checks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlwings as xw

from wennuan_xl.excel import buttons, host, jobs, protection, smoke, unseen
from wennuan_xl.excel.protection import SheetProtection

from .com_fakes import sheets_of
from .conftest import clock, open_book, payload_for
from .replay import as_saved, book_model, link_target, shown

REPO = Path(__file__).resolve().parents[2]
SHIM = REPO / "vba_shims" / "WennuanButtons.bas"
MASTER = REPO / "workbooks" / "wennuan_master.xlsm"
SAMPLES = REPO / "workbooks" / "samples" / "returns"


def shim_commands() -> dict[str, str]:
    """Sub name -> the Python command it hands RunPython."""
    text = SHIM.read_text(encoding="ascii")
    return dict(re.findall(r'^Sub (\w+)\(Optional control As IRibbonControl\)\s*\n\s*If PythonReady\(\) Then RunPython "([^"]+)"',
                           text, re.M))


class ReplayView:
    def __init__(self, driver: RemoteDriver):
        self.driver = driver

    def sheet_names(self, book):
        return [s.name for s in book_model(book).sheets]

    def values(self, book, sheet):
        model = book_model(book).sheet(sheet)
        if not model.values:
            return []
        height, width = max(r for r, _ in model.values), max(c for _, c in model.values)
        return [[shown(model.values.get((r, c))) for c in range(1, width + 1)] for r in range(1, height + 1)]

    def _cell(self, book, sheet, a1):
        from wennuan_xl.core.workbook import parse_a1

        return book_model(book).sheet(sheet), parse_a1(a1)

    def fill(self, book, sheet, a1):
        model, rc = self._cell(book, sheet, a1)
        return model.fills.get(rc, "")

    def note(self, book, sheet, a1):
        model, rc = self._cell(book, sheet, a1)
        return model.notes.get(rc)

    def link(self, book, sheet, a1):
        model, rc = self._cell(book, sheet, a1)
        return link_target(model.values.get(rc))

    def charts(self, book, sheet):
        out = []
        for c in book_model(book).sheet(sheet).charts:
            first, last = c["source"][1].replace("$", "").split(":")
            columns = ord(re.match(r"[A-Z]+", last).group()) - ord(re.match(r"[A-Z]+", first).group()) + 1
            out.append((c["chart_type"], columns - 1))  # plot by columns: the first column holds the categories
        return out

    def protection(self, book, sheet):
        fake = self.driver.fakes.get(book.name, {}).get(sheet)
        return SheetProtection(fake).read() if fake is not None else None

    def status_bar(self):
        return self.driver.status[-1] if self.driver.status else None


class RemoteDriver:
    def __init__(self, monkeypatch):
        self.view = ReplayView(self)
        self.fakes: dict[str, dict] = {}
        self.protected: list[str] = []
        self.answer: list[Path] | None = None
        self.status: list[str | None] = []
        self.commands = shim_commands()
        driver = self

        class Clerk(host.Host):
            def protected_view(self):
                return list(driver.protected)

            def ask_for_files(self):
                answer, driver.answer = driver.answer, None
                return answer

            def open(self, path):
                return driver.open_return(path)

        previous = protection.protection_for

        def protection_for(sheet):
            fake = self.fakes.get(sheet.book.name, {}).get(sheet.name)
            return SheetProtection(fake) if fake is not None else previous(sheet)

        def status(book, text):
            self.status.append(text)

        monkeypatch.setattr(protection, "protection_for", protection_for)
        # Excel's SaveCopyAs of an open, unmodified return: the file itself.
        self.paths: dict[str, Path] = {}
        monkeypatch.setattr(unseen, "saved_copy", lambda book: self.paths[book.name].read_bytes() if book.name in self.paths else None)
        monkeypatch.setattr(buttons, "host_for", lambda book: Clerk(book.app))
        monkeypatch.setattr(buttons, "status", status)
        monkeypatch.setattr(jobs, "status", status)

    def open_master(self, path):
        self.master_path = path
        return open_book(payload_for(path, name=str(path)))  # the full name: the remote engine has no folder

    def open_return(self, path):
        book = open_book(payload_for(path))
        self.fakes[book.name] = sheets_of(path, clock(book))
        self.paths[book.name] = path
        return book

    def open_protected_view(self, path):
        self.protected.append(path.name)
        return True

    def close_protected_view(self):
        self.protected.clear()

    def close(self, book):
        book.close()
        books = xw.engines["remote"].apps.active.books.impl
        books._active = books.books[-1] if books.books else None  # Excel activates the window left open

    def find_book(self, name):
        return next((b for b in xw.engines["remote"].apps.active.books if b.name == name), None)

    def set_setting(self, master, name, value):
        for api in (master.impl.api, master.impl._original_payload):  # typed in before the scenario starts
            entry = next(n for n in api["names"] if n["name"] == name)
            values = api["sheets"][entry["sheet_index"]]["values"]
            r, c = (int(re.search(r"\d+", entry["address"]).group()) - 1, ord(entry["address"].lstrip("$")[0]) - 65)
            while len(values) <= r:
                values.append([])
            values[r] += [None] * (c + 1 - len(values[r]))
            values[r][c] = value

    def select(self, book, sheet, a1):
        xw.engines["remote"].apps.active.books.impl._active = book.impl  # its window in front, as the clerk clicks in it
        names = [s["name"] for s in book.impl.api["sheets"]]
        book.impl.api["book"]["active_sheet_index"] = names.index(sheet)
        book.impl.api["book"]["selection"] = a1

    def answer_file_dialog(self, paths):
        self.answer = paths

    def run(self, master, macro):
        books = list(xw.engines["remote"].apps.active.books)
        seen = {id(b.impl): len(b.json()["actions"]) for b in books}
        master.set_mock_caller()
        exec(self.commands[macro], {})  # what RunPython runs for this Sub
        out = []
        for b in xw.engines["remote"].apps.active.books:
            out += [a["args"][0] for a in b.json()["actions"][seen.get(id(b.impl), 0):] if a["func"] == "alert"]
            self._hold(b)
        return out

    @staticmethod
    def _hold(book):
        """What Excel now holds becomes what the next macro reads: the engine keeps no values of its own."""
        saved = as_saved(book)
        for api, held in zip(book.impl.api["sheets"], saved["sheets"]):
            api["values"], api["notes"] = held["values"], held["notes"]


def test_the_shim_gives_each_button_its_command():
    assert set(shim_commands()) == {"OnValidate", "OnClearFlags", "OnConsolidate", "OnTrace", "OnMakeTemplates"}


def test_every_check_of_the_smoke_scenario_passes_on_the_remote_engine(tmp_path, monkeypatch, campaign, rules):
    checks = smoke.run_smoke(RemoteDriver(monkeypatch), campaign, rules, tmp_path / "smoke", MASTER, SAMPLES)
    failed = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
    assert failed == [], "\n".join(failed)
    names = [c.name for c in checks]
    assert len(checks) >= 30
    for expected in ("审核：主工作簿未被改动", "审核：密码保护的工作表写明无法标记", smoke.CHARTS_CHECK, "汇总：“催报清单”与命令行的汇总一致",
                     "对话框：选中的文件被打开并审核", "清除标记：犍为县-附件1.xlsx 的单元格恢复原来的颜色和批注",
                     "溯源：“溯源”表与核心一致", "溯源：列到夹江县总工会汇总表中的基层文件",
                     f"审核：{smoke.UNSEEN_RETURN} 的百分比格式单元格被指出（F-LOCATE-SHOWN），与命令行一致"):
        assert expected in names
    report = smoke.report_text(checks)
    assert f"共 {len(checks)} 项：通过 {len(checks)} 项，未通过 0 项" in report


@pytest.mark.parametrize(("broken", "fails"), [
    ("flags", "审核：犍为县-附件1.xlsx 的 2 个问题单元格有颜色和批注"),
    ("protect", "审核：犍为县-附件1.xlsx 的“附件1”保护原样恢复"),
    ("chart", smoke.CHARTS_CHECK),
    ("trace", "溯源：列到夹江县总工会汇总表中的基层文件"),
    ("unseen", f"审核：{smoke.UNSEEN_RETURN} 的百分比格式单元格被指出（F-LOCATE-SHOWN），与命令行一致"),
])
def test_a_broken_button_fails_its_checks(tmp_path, monkeypatch, campaign, rules, broken, fails):
    from wennuan_xl.excel import chart, flags
    from wennuan_xl.excel import trace as tracing

    if broken == "trace":  # only the returns read directly, as if the roll-ups' records were lost
        real = tracing.trace
        monkeypatch.setattr(tracing, "trace", lambda origins, code, c: real([o for o in origins if o.level == 1], code, c))
    elif broken == "flags":
        monkeypatch.setattr(flags, "set_note", lambda cell, text: None)
    elif broken == "unseen":  # the copy Excel saves not looked into: the values alone
        monkeypatch.setattr(unseen, "with_unseen", lambda sheets, copy, skip: sheets)
    elif broken == "protect":
        monkeypatch.setattr(SheetProtection, "restore", lambda self, lock: self.api.Protect("", True, True, True))
    else:
        monkeypatch.setattr(jobs, "write_charts", lambda book, specs, detail: chart.fresh_sheet(book, "图表"))
    checks = smoke.run_smoke(RemoteDriver(monkeypatch), campaign, rules, tmp_path / "smoke", MASTER, SAMPLES)
    assert fails in [c.name for c in checks if not c.passed]


def test_the_windows_script_runs_here_and_says_it_needs_windows_and_excel():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "windows_smoke.py")], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "需要 Windows 和 Excel" in proc.stdout and "Traceback" not in proc.stderr


def test_the_windows_script_reads_excel_with_the_products_own_readers():
    # What the script reads from real Excel goes through the same functions the buttons use, and its view
    # offers every method the shared scenario calls.
    import importlib.util

    spec = importlib.util.spec_from_file_location("windows_smoke", REPO / "scripts" / "windows_smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("sheet_names", "values", "fill", "note", "link", "charts", "protection", "status_bar"):
        assert callable(getattr(module.ComView, name)) and callable(getattr(ReplayView, name)), name
    for name in ("open_master", "open_return", "open_protected_view", "close_protected_view", "close", "find_book",
                 "set_setting", "select", "answer_file_dialog", "run"):
        assert callable(getattr(module.ComDriver, name)) and callable(getattr(RemoteDriver, name)), name


def test_the_smoke_test_says_when_the_clicks_python_carries_numpy_or_pandas():
    lean = smoke.lean_interpreter(lambda name: None)
    assert lean.passed and lean.detail == "未安装 numpy、pandas"
    heavy = smoke.lean_interpreter(lambda name: object() if name == "pandas" else None)
    assert not heavy.passed
    assert heavy.detail.startswith("已安装 pandas：") and "wennuan-xl[excel]" in heavy.detail
