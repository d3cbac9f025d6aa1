"""The buttons' smoke test: one scenario, its checks and its report, for any Excel that can be driven.

``scripts/windows_smoke.py`` runs it against real Excel on Windows (xlwings' COM engine: the master's
own VBA, ``Book.macro``, real message boxes and dialogs); ``tests/excel/test_smoke.py`` runs the same
scenario and the same checks against xlwings' remote engine here. What differs sits behind two small
interfaces: a ``Driver`` (open workbooks, run a button's macro and say which message boxes it showed,
answer the next file dialog) and a ``View`` (what Excel shows: values, fills, notes, links, charts,
protection, the status bar). The expectations come from the core, computed from the same files.

The scenario, in a work folder with copies of the master and of sample returns:

1. 审核退回表 with three returns open beside the master — two sample returns, made from our template (their
   sheets protected without password) and with 错误, and a copy whose sheet has a password — and one more
   in Protected View: every problem cell filled and noted as the core says, a 审核结果 sheet with a link per
   finding, each sheet protected again with its own options, the password sheet named and left alone,
   the Protected View file named with 启用编辑, the master untouched, the status bar given back;
2. 清除标记: the flagged cells show their own fill and note again;
3. 汇总 (with feedback copies on) of a folder that also holds a county union's roll-up (层层汇总, made by
   this program from two sample returns): the master's 汇总-附件1/2, 上报情况, 催报清单, 审核结果, 明细, 来源,
   下级明细 equal the CLI's tables, 审核结果's file names link to the files, 图表 holds the 上报进度 bar chart and
   two stacked column charts, the feedback copies are written;
4. 溯源 with a total of 汇总-附件1 selected: the 溯源 sheet lists what the core traces, down to the base
   files inside the roll-up, and the message box says so;
5. 审核退回表 with no return open: the file dialog, cancelled (a message), then answered with a file
   (a return with both annexes: it is opened and checked);
6. 生成空白表: two templates beside the master;
7. 审核退回表 on a return whose figure is shown as a percent: only the copy Excel saves of the open book says so
   (``excel/unseen.py``); the message and the flagged cell are the command line's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from ..core.check import check_return
from ..core.consolidate import Consolidation, consolidate
from ..core.flags import flag_plan, summary
from ..core.forms import Campaign, RosterUnit
from ..core.layout import layout_for
from ..core.provenance import LOWER_SHEET, TRACE_SHEET, chain, trace, trace_message, trace_table
from ..core.rules import RuleSet
from ..core.tables import (
    FINDINGS_HEADERS,
    FINDINGS_SHEET,
    check_result_table,
    consolidation_tables,
    grid,
    total_sheet_name,
)
from ..files.bulk import read_folder
from ..files.feedback import feedback_items
from ..files.source import load_return
from ..files.style import FLAG_FILLS
from ..files.template import template_filename

RESULT_SHEET = "审核结果"
CONSOLIDATED = ("汇总-附件1", "汇总-附件2", "上报情况", "催报清单", "审核结果", "明细", "来源", LOWER_SHEET)
CHARTS_CHECK = "汇总：“图表”表有上报进度的堆积条形图（4 个系列）和附件1、附件2 第05项的堆积柱形图（各 5 个系列）"
# 层层汇总: a county union's roll-up of two sample returns, made by this program into the returns folder
ROLLUP_UNIT, ROLLUP_FILE = "夹江县总工会", "夹江县-汇总.xlsx"
ROLLUP_BASE = {"沙湾区总工会": ("沙湾区-附件1.xlsx", "沙湾区-附件2.xlsx"), "五通桥区总工会": ("五通桥区-附件1.xlsx", "五通桥区-附件2.xlsx")}
TRACE_CODE = "A1.01A"  # the total 溯源 is tried on
# Sample returns (workbooks/samples/returns), all made from our templates: their sheets arrive protected.
PROTECTED_RETURN = "犍为县-附件1.xlsx"  # 1 错误 over 2 cells
SECOND_RETURN = "沐川县-附件2.xlsx"  # 1 错误 over 10 cells
PASSWORD_SOURCE, PASSWORD_RETURN = "沐川县-附件1.xlsx", "密码保护-沐川县-附件1.xlsx"  # a copy whose sheet has a password
PASSWORD = "wennuan-smoke"
PROTECTED_VIEW_RETURN = "峨眉山市-附件1.xlsx"
DIALOG_RETURN = "市中区-送温暖统计表.xlsx"  # both annexes in one workbook
# A sample return whose figure in A1_08D is shown as a percent: only the copy Excel saves says so (excel/unseen.py).
UNSEEN_SOURCE, UNSEEN_RETURN, UNSEEN_FIELD = "井研县-附件1.xlsx", "井研县-附件1（百分比格式）.xlsx", "A1_08D"
HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)"\s*,\s*"((?:[^"]|"")*)"\)$', re.I)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


class View(Protocol):
    """What Excel shows, read back."""

    def sheet_names(self, book: Any) -> list[str]: ...
    def values(self, book: Any, sheet: str) -> list[list[object]]: ...  # displayed values, rows from A1
    def fill(self, book: Any, sheet: str, a1: str) -> str: ...  # "RRGGBB", "" for none
    def note(self, book: Any, sheet: str, a1: str) -> str | None: ...
    def link(self, book: Any, sheet: str, a1: str) -> str | None: ...  # where a cell's link points
    def charts(self, book: Any, sheet: str) -> list[tuple[str, int]]: ...  # (chart type, series count)
    def protection(self, book: Any, sheet: str) -> object: ...  # None when not protected; comparable
    def status_bar(self) -> str | None: ...  # None: Excel's own


class Driver(Protocol):
    view: View

    def open_master(self, path: Path) -> Any: ...
    def open_return(self, path: Path) -> Any: ...
    def open_protected_view(self, path: Path) -> bool: ...  # False where this Excel cannot
    def close_protected_view(self) -> None: ...
    def close(self, book: Any) -> None: ...
    def find_book(self, name: str) -> Any: ...
    def set_setting(self, master: Any, name: str, value: object) -> None: ...
    def select(self, book: Any, sheet: str, a1: str) -> None: ...  # the clerk clicks a cell (its sheet shown)
    def answer_file_dialog(self, paths: list[Path] | None) -> None: ...  # the next dialog: choose these, or cancel
    def run(self, master: Any, macro: str) -> list[str]: ...  # texts of the message boxes it showed


# --- comparing what Excel shows with what the core says -----------------------------------------------

def same_value(shown: object, expected: object) -> bool:
    if expected in (None, "") or shown in (None, ""):
        return expected in (None, "") and shown in (None, "")
    if isinstance(expected, bool) or isinstance(shown, bool):
        return shown == expected
    if isinstance(expected, (int, float)) and isinstance(shown, (int, float)):
        return math.isclose(float(shown), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    return str(shown).strip() == str(expected).strip()


def expected_rows(table) -> list[list[object]]:
    return [[None if c is None else c.value for c in row] for row in grid(table)]


def expected_formulas(table) -> dict[tuple[int, int], str]:
    """(row, col), 1-based -> the formula of a formula cell (its expected value is in expected_rows)."""
    return {(r, c): cell.formula for r, row in enumerate(grid(table), start=1) for c, cell in enumerate(row, start=1)
            if cell is not None and cell.formula is not None}


def link_of(formula: object) -> str | None:
    """Where a ``=HYPERLINK("target","text")`` cell points; None for any other content."""
    m = HYPERLINK.match(formula) if isinstance(formula, str) else None
    return m.group(1).replace('""', '"') if m else None


def compare_rows(name: str, shown: list[list[object]], expected: list[list[object]],
                 formulas: dict[tuple[int, int], str] | None = None) -> Check:
    """Cell by cell. A view that cannot calculate (the remote engine's replay) shows a formula cell as its
    formula: that counts when it is exactly the formula written."""
    formulas = formulas or {}
    width = max([len(r) for r in expected + shown] or [0])
    height = max(len(expected), len(shown))
    pad = lambda rows: [list(r) + [None] * (width - len(r)) for r in rows] + [[None] * width] * (height - len(rows))  # noqa: E731
    for r, (a, b) in enumerate(zip(pad(shown), pad(expected)), start=1):
        for c, (x, y) in enumerate(zip(a, b), start=1):
            if not same_value(x, y) and formulas.get((r, c)) != x:
                return Check(name, False, f"第 {r} 行第 {c} 列：显示“{x}”，应为“{y}”")
    return Check(name, True, f"{height} 行一致")


def snapshot(view: View, book: Any) -> dict[str, list[list[object]]]:
    return {name: view.values(book, name) for name in view.sheet_names(book)}


@dataclass
class ReturnFacts:
    """What the core says about one return file: its flags, its 审核结果 sheet, its message line."""

    path: Path
    marks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (sheet, a1) -> (fill, note)
    results: list[list[object]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # a1 of a 审核结果 cell -> link target
    summary: str = ""


def return_facts(path: Path, campaign: Campaign, rules: RuleSet) -> ReturnFacts:
    report = check_return(load_return(path, campaign, path.name), campaign, rules)
    facts = ReturnFacts(path, summary=summary(report.findings))
    for f in flag_plan(report.findings):
        facts.marks[(f.sheet, f.a1)] = (FLAG_FILLS[f.severity], f.note)
    table = check_result_table(report, path.name, campaign)
    facts.results = expected_rows(table)
    for r, cells in table.rows:
        for c, cell in cells.items():
            if cell.link:
                facts.links[f"{_column(c + 1)}{r + 1}"] = "#" + cell.link
    return facts


def _column(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# --- the scenario ----------------------------------------------------------------------------------------

@dataclass
class Smoke:
    driver: Driver
    campaign: Campaign
    rules: RuleSet
    work: Path
    checks: list[Check] = field(default_factory=list)
    books: dict[str, Any] = field(default_factory=dict)  # the returns opened for 审核, by file name
    facts: dict[str, ReturnFacts] = field(default_factory=dict)
    originals: dict[str, dict[tuple[str, str], tuple[str, str | None]]] = field(default_factory=dict)
    result: Consolidation | None = None  # the core's consolidation of the returns folder (step 汇总)

    @property
    def view(self) -> View:
        return self.driver.view

    def check(self, name: str, passed: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(passed), detail))
        return bool(passed)

    def step(self, name: str, body: Callable[[], None]) -> None:
        """One step; an exception in it is a failed check, and the next steps still run."""
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - the report must say which step broke, then go on
            self.checks.append(Check(name, False, f"步骤出错：{type(exc).__name__}: {exc}"))


def prepare(work: Path, master: Path, samples: Path) -> tuple[Path, Path]:
    """Copies of the master and the sample returns in ``work``; one copy gets a sheet password."""
    work.mkdir(parents=True, exist_ok=True)
    returns = work / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    returns.mkdir()
    for name in (PROTECTED_RETURN, SECOND_RETURN, PROTECTED_VIEW_RETURN, DIALOG_RETURN):
        shutil.copyfile(samples / name, returns / name)
    _with_password(samples / PASSWORD_SOURCE, returns / PASSWORD_RETURN)
    unseen = work / "unseen"
    unseen.mkdir(exist_ok=True)
    _with_percent(samples / UNSEEN_SOURCE, unseen / UNSEEN_RETURN)
    target = work / master.name
    shutil.copyfile(master, target)
    for old in work.glob("附件*.xlsx"):
        old.unlink()
    return target, returns


def make_rollup(campaign: Campaign, rules: RuleSet, samples: Path, returns: Path, work: Path) -> Path:
    """``ROLLUP_FILE`` in the returns folder: ``ROLLUP_UNIT``'s consolidation of its two base unions' sample
    returns, as that county union sends it up (its own folder of returns stays beside, in ``work``)."""
    from ..files.consolidated import write_consolidated
    from ..settings import as_unit

    base = work / "rollup-base"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir()
    for files in ROLLUP_BASE.values():
        for name in files:
            shutil.copyfile(samples / name, base / name)
    county = replace(as_unit(campaign, ROLLUP_UNIT, "张静", "0833-5180021"),
                     roster=tuple(RosterUnit(name) for name in ROLLUP_BASE))
    result = consolidate(read_folder(base, county, rules, workers=1), county, rules)
    return write_consolidated(result, county, returns / ROLLUP_FILE, day=dt.date(2017, 1, 16))


def _with_password(source: Path, target: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(source)
    for ws in book.worksheets:
        ws.protection.sheet = True
        ws.protection.password = PASSWORD
    book.save(target)


def _with_percent(source: Path, target: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(source)
    name = book.defined_names[UNSEEN_FIELD]
    (sheet, a1), = name.destinations
    book[sheet][a1.replace("$", "")].number_format = "0.00%"
    book.save(target)


SLOW_FOR_A_CLICK = ("numpy", "pandas")


def lean_interpreter(find_spec: Callable[[str], object]) -> Check:
    """The clicks' Python has neither numpy nor pandas: xlwings imports them on every click whenever they are
    installed (~0.3 s a click, three times what the rest of the click costs; README, “A click that answers
    fast”). ``find_spec``: importlib.util.find_spec in the interpreter the master runs."""
    found = [name for name in SLOW_FOR_A_CLICK if find_spec(name) is not None]
    detail = ("未安装 " + "、".join(SLOW_FOR_A_CLICK) if not found else
              f"已安装 {'、'.join(found)}：xlwings 每次点按钮都会加载，约多等 0.3 秒。请为按钮单独建一个只装 "
              "wennuan-xl[excel] 的 Python 环境（安装指南第 2 步），把其中的 pythonw.exe 填入 Interpreter_Win")
    return Check("Python 环境：按钮所用的 Python 没有 numpy、pandas（点击更快）", not found, detail)


def run_smoke(driver: Driver, campaign: Campaign, rules: RuleSet, work: Path, master_file: Path, samples: Path,
              today: dt.date | None = None) -> list[Check]:
    smoke = Smoke(driver, campaign, rules, work)
    master_path, returns = prepare(work, master_file, samples)
    make_rollup(campaign, rules, samples, returns, work)
    master = driver.open_master(master_path)
    driver.set_setting(master, "WN_FOLDER", str(returns))
    driver.set_setting(master, "WN_FEEDBACK", "是")
    smoke.step("审核退回表", lambda: _validate(smoke, master, returns))
    smoke.step("清除标记", lambda: _clear(smoke, master))
    smoke.step("汇总", lambda: _consolidate(smoke, master, returns))
    smoke.step("溯源", lambda: _trace(smoke, master))
    smoke.step("没有打开退回表时的对话框", lambda: _dialog(smoke, master, returns))
    smoke.step("生成空白表", lambda: _templates(smoke, master, master_path.parent))
    smoke.step("审核：单元格格式", lambda: _unseen(smoke, master, work / "unseen" / UNSEEN_RETURN))
    return smoke.checks


def _validate(smoke: Smoke, master: Any, returns: Path) -> None:
    d, view = smoke.driver, smoke.view
    names = (PROTECTED_RETURN, SECOND_RETURN, PASSWORD_RETURN)
    books = smoke.books = {n: d.open_return(returns / n) for n in names}
    pv = d.open_protected_view(returns / PROTECTED_VIEW_RETURN)
    facts = smoke.facts = {n: return_facts(returns / n, smoke.campaign, smoke.rules) for n in names}
    before = snapshot(view, master)
    locks = {(n, s): view.protection(b, s) for n, b in books.items() for s in view.sheet_names(b)}
    smoke.originals = {n: {k: (view.fill(b, *k), view.note(b, *k)) for k in facts[n].marks} for n, b in books.items()}
    messages = d.run(master, "OnValidate")
    if not smoke.check("审核：弹出一个提示框", len(messages) == 1, " | ".join(messages)):
        return
    text = messages[0]
    for n in (PROTECTED_RETURN, SECOND_RETURN):
        smoke.check(f"审核：提示框写明 {n} 的结果", f"{n}：{facts[n].summary}" in text, text)
    smoke.check("审核：密码保护的工作表写明无法标记", f"{PASSWORD_RETURN}：" in text and "设有密码保护，无法标记" in text, text)
    if pv:
        smoke.check("审核：受保护的视图中的文件写明要点“启用编辑”", PROTECTED_VIEW_RETURN in text and "启用编辑" in text, text)
    for n in (PROTECTED_RETURN, SECOND_RETURN):
        book, f = books[n], facts[n]
        wrong = [f"{s}!{a1}：填充 {view.fill(book, s, a1) or '无'}，批注“{view.note(book, s, a1)}”"
                 for (s, a1), (fill, note) in f.marks.items()
                 if view.fill(book, s, a1) != fill or view.note(book, s, a1) != note]
        smoke.check(f"审核：{n} 的 {len(f.marks)} 个问题单元格有颜色和批注", not wrong and bool(f.marks), "；".join(wrong[:3]))
    for n in (PROTECTED_RETURN, SECOND_RETURN, PASSWORD_RETURN):
        book = books[n]
        if RESULT_SHEET not in view.sheet_names(book):
            smoke.check(f"审核：{n} 有“审核结果”表", False)
            continue
        smoke.checks.append(compare_rows(f"审核：{n} 的“审核结果”表与核心一致", view.values(book, RESULT_SHEET), facts[n].results))
        bad = {a1: view.link(book, RESULT_SHEET, a1) for a1, target in facts[n].links.items()
               if view.link(book, RESULT_SHEET, a1) != target}
        smoke.check(f"审核：{n} 的“审核结果”每条可点击跳到单元格", not bad, str(bad)[:200])
    for (n, s), lock in locks.items():
        if s in (RESULT_SHEET, "_wennuan_flags"):
            continue
        smoke.check(f"审核：{n} 的“{s}”保护原样恢复", view.protection(books[n], s) == lock,
                    f"之前 {lock}，之后 {view.protection(books[n], s)}")
    template_made = [lock for (n, s), lock in locks.items() if n == PROTECTED_RETURN and s == "附件1"]
    smoke.check("审核：样表的“附件1”本来就有保护（不设密码）", bool(template_made) and template_made[0] is not None)
    locked = books[PASSWORD_RETURN]
    changed = [k for k in facts[PASSWORD_RETURN].marks if view.fill(locked, *k) == facts[PASSWORD_RETURN].marks[k][0]]
    smoke.check("审核：设有密码的工作表未被改动", not changed, str(changed[:3]))
    smoke.check("审核：主工作簿未被改动", snapshot(view, master) == before)
    smoke.check("审核：状态栏已恢复", view.status_bar() is None, str(view.status_bar()))


def _unseen(smoke: Smoke, master: Any, path: Path) -> None:
    """A figure shown as a percent: Excel's values say nothing of it, the copy Excel saves does (excel/unseen.py)."""
    d, view = smoke.driver, smoke.view
    book = d.open_return(path)
    facts = return_facts(path, smoke.campaign, smoke.rules)
    text = " | ".join(d.run(master, "OnValidate"))
    smoke.check(f"审核：{path.name} 的百分比格式单元格被指出（F-LOCATE-SHOWN），与命令行一致", f"{path.name}：{facts.summary}" in text
                and "F-LOCATE-SHOWN" in str(facts.results), text[:300])
    wrong = [a1 for (s, a1), (fill, note) in facts.marks.items() if view.fill(book, s, a1) != fill]
    smoke.check(f"审核：{path.name} 的问题单元格有颜色", not wrong and bool(facts.marks), str(wrong[:3]))
    d.close(book)


def _clear(smoke: Smoke, master: Any) -> None:
    view = smoke.view
    messages = smoke.driver.run(master, "OnClearFlags")
    smoke.check("清除标记：弹出一个提示框", len(messages) == 1 and "已清除" in messages[0], " | ".join(messages))
    for n, cells in smoke.originals.items():
        if n == PASSWORD_RETURN:
            continue
        book = smoke.books[n]
        wrong = [f"{s}!{a1}" for (s, a1), (fill, note) in cells.items()
                 if view.fill(book, s, a1) != fill or view.note(book, s, a1) != note]
        smoke.check(f"清除标记：{n} 的单元格恢复原来的颜色和批注", not wrong, "、".join(wrong[:5]))


def _consolidate(smoke: Smoke, master: Any, returns: Path) -> None:
    view = smoke.view
    result = smoke.result = consolidate(read_folder(returns, smoke.campaign, smoke.rules, workers=1), smoke.campaign, smoke.rules)
    messages = smoke.driver.run(master, "OnConsolidate")
    smoke.check("汇总：弹出汇总完成的提示框", len(messages) == 1 and messages[0].startswith("汇总完成"), " | ".join(messages))
    tables = {t.name: t for t in consolidation_tables(result, smoke.campaign, dt.date.today())}
    for name in CONSOLIDATED:
        smoke.checks.append(compare_rows(f"汇总：“{name}”与命令行的汇总一致", view.values(master, name),
                                         expected_rows(tables[name]), expected_formulas(tables[name])))
    column = FINDINGS_HEADERS.index("文件")
    rows = view.values(master, FINDINGS_SHEET)
    files = [(r, row[column]) for r, row in enumerate(rows, start=1) if r > 3 and len(row) > column and row[column]]
    bad = [f"{name}→{view.link(master, FINDINGS_SHEET, f'{_column(column + 1)}{r}')}" for r, name in files
           if view.link(master, FINDINGS_SHEET, f"{_column(column + 1)}{r}") != str(returns / str(name))]
    smoke.check("汇总：“审核结果”的文件名链接到各单位的文件", bool(files) and not bad, "；".join(bad[:3]))
    charts = view.charts(master, "图表")
    smoke.check(CHARTS_CHECK, [(_kind(kind), n) for kind, n in charts] == [("barstacked", 4), ("columnstacked", 5),
                                                                           ("columnstacked", 5)], str(charts))
    expected = len(feedback_items(result))
    written = list((smoke.work / "审核意见副本").glob("*.xlsx"))  # 设置 names no folder: beside the master
    smoke.check("汇总：反馈副本已生成", expected > 0 and len(written) == expected, f"应有 {expected} 份，实有 {len(written)} 份")
    smoke.check("汇总：状态栏已恢复", view.status_bar() is None, str(view.status_bar()))


def _trace(smoke: Smoke, master: Any) -> None:
    campaign, result = smoke.campaign, smoke.result
    assert result is not None, "汇总 did not run"
    code = TRACE_CODE
    form = campaign.field(code).form_id
    lines = trace(chain(result, campaign), code, campaign)
    total = result.totals.get(code)
    row, col = layout_for(campaign.form(form)).field_cell(code)
    smoke.driver.select(master, total_sheet_name(campaign, form), f"{_column(col)}{row}")
    messages = smoke.driver.run(master, "OnTrace")
    expected = trace_message(lines, code, total, campaign)
    smoke.check("溯源：弹出一个提示框，写明汇总数来自几个单位、几个下级单位", messages == [expected], " | ".join(messages))
    smoke.checks.append(compare_rows(f"溯源：“{TRACE_SHEET}”表与核心一致", smoke.view.values(master, TRACE_SHEET),
                                     expected_rows(trace_table(lines, code, total, campaign))))
    shown = smoke.view.values(master, TRACE_SHEET)
    files = {str(r[4]) for r in shown[3:] if len(r) > 4 and r[0] in (2, 2.0) and r[1] == ROLLUP_UNIT}
    wanted = {n for names in ROLLUP_BASE.values() for n in names if ("附件1" in n) == (form == "A1")}
    smoke.check(f"溯源：列到{ROLLUP_UNIT}汇总表中的基层文件", files == wanted, f"列出 {sorted(files)}，应为 {sorted(wanted)}")


def _kind(chart_type: str) -> str:
    return re.sub(r"[^a-z0-9]", "", chart_type.lower())


def _dialog(smoke: Smoke, master: Any, returns: Path) -> None:
    d = smoke.driver
    for book in smoke.books.values():
        d.close(book)
    d.close_protected_view()
    before = snapshot(smoke.view, master)
    d.answer_file_dialog(None)
    messages = d.run(master, "OnValidate")
    smoke.check("对话框：取消时提示先打开退回表", len(messages) == 1 and "没有打开的退回表" in messages[0], " | ".join(messages))
    d.answer_file_dialog([returns / DIALOG_RETURN])
    messages = d.run(master, "OnValidate")
    facts = return_facts(returns / DIALOG_RETURN, smoke.campaign, smoke.rules)
    smoke.check("对话框：选中的文件被打开并审核", len(messages) == 1 and f"{DIALOG_RETURN}：{facts.summary}" in messages[0],
                " | ".join(messages))
    book = d.find_book(DIALOG_RETURN)
    smoke.check("对话框：打开的文件有“审核结果”表", book is not None and RESULT_SHEET in smoke.view.sheet_names(book))
    smoke.check("对话框：主工作簿未被改动", snapshot(smoke.view, master) == before)


def _templates(smoke: Smoke, master: Any, folder: Path) -> None:
    messages = smoke.driver.run(master, "OnMakeTemplates")
    paths = [folder / template_filename(f) for f in smoke.campaign.forms]
    smoke.check("生成空白表：两张空白表在主工作簿旁边", all(p.is_file() for p in paths), "、".join(str(p) for p in paths))
    smoke.check("生成空白表：提示框列出文件", len(messages) == 1 and all(p.name in messages[0] for p in paths), " | ".join(messages))


# --- the report --------------------------------------------------------------------------------------------

def report_text(checks: list[Check], header: str = "") -> str:
    failed = [c for c in checks if not c.passed]
    lines = [f"送温暖 Excel 按钮冒烟测试  {dt.datetime.now():%Y-%m-%d %H:%M}", header,
             f"共 {len(checks)} 项：通过 {len(checks) - len(failed)} 项，未通过 {len(failed)} 项", ""]
    for c in checks:
        lines.append(f"[{'通过' if c.passed else '未通过'}] {c.name}" + (f"：{c.detail}" if c.detail and not c.passed else ""))
    return "\n".join(line for line in lines if line is not None) + "\n"
