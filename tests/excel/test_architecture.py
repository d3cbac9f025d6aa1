"""Only wennuan_xl/excel imports xlwings, and nothing in the product imports xlwings PRO."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import wennuan_xl
from wennuan_xl.excel.write import MAX_ADDRESS, multi_area

PACKAGE = Path(wennuan_xl.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_excel_shell_imports_xlwings():
    # The master builder finds xlwings' folder (xlwings.bas) with importlib.util.find_spec, without importing it.
    for path in PACKAGE.rglob("*.py"):
        uses = {n for n in _imports(path) if n.split(".")[0] == "xlwings"}
        if path.parent.name == "excel":
            assert all(not n.startswith("xlwings.pro") for n in uses), path
        else:
            assert not uses, path


def test_the_excel_shell_loads_no_xlwings_pro_module_without_a_licence():
    # xlwings itself imports xlwings.pro.utils; our modules must add no PRO module (no remote engine).
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    code = (
        "import sys, xlwings; base = set(sys.modules);"
        "import wennuan_xl.excel.buttons, wennuan_xl.excel.flags, wennuan_xl.excel.jobs;"
        "extra = [m for m in set(sys.modules) - base if m.startswith('xlwings.pro')]; assert not extra, extra"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _loaded_by(statement: str) -> set[str]:
    code = f"import sys, json; before = set(sys.modules); {statement}; print(json.dumps(sorted(set(sys.modules) - before)))"
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


# What a click of 审核退回表 must not pay for: each click is a fresh Python (xlwings.conf: USE UDF SERVER False).
NOT_FOR_A_CLICK = (
    "xlsxwriter", "openpyxl", "python_calamine", "yaml", "concurrent.futures", "multiprocessing",
    "wennuan_xl.excel.jobs", "wennuan_xl.excel.chart", "wennuan_xl.excel.smoke", "wennuan_xl.files.bulk",
    "wennuan_xl.files.consolidated", "wennuan_xl.files.read", "wennuan_xl.files.guard", "wennuan_xl.files.template",
    "wennuan_xl.files.isolated",
    "wennuan_xl.jobs",
)


def test_a_fresh_import_of_the_buttons_loads_only_what_validate_needs():
    # Whatever xlwings itself imports (pandas, and through it concurrent.futures, when pandas is installed)
    # every click pays anyway; the probe counts only what our import adds.
    loaded = _loaded_by("import xlwings.utils; import wennuan_xl.excel.buttons") - _loaded_by("import xlwings.utils")
    heavy = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_CLICK))
    assert heavy == []
    # Outside the core (plain data, no I/O: tests/core pins that), exactly these; the core modules are whatever
    # the checks need (core.consolidate among them: check_result_table lives in core.tables, which imports it).
    # files.style is the palette (plain constants; openpyxl and xlsxwriter only inside its page functions).
    ours = {m for m in loaded if m.startswith("wennuan_xl") and not m.startswith("wennuan_xl.core")}
    assert ours == {
        "wennuan_xl", "wennuan_xl.excel", "wennuan_xl.files", "wennuan_xl.files.campaign_cache",
        "wennuan_xl.files.campaign_files", "wennuan_xl.files.style", "wennuan_xl.settings",
        *(f"wennuan_xl.excel.{m}" for m in ("book", "buttons", "errors", "flags", "host", "protection", "unseen", "write")),
    }


ASKED_FOR = """
import sys, json
asked = []
class Absent:  # numpy and pandas not installed, as on the Excel PC, and every attempt to import them noted
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("numpy", "pandas"):
            asked.append(name)
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Absent())
import xlwings.utils
asked.clear()  # xlwings' own attempts: it goes without them
try:
    {statement}
except ImportError:
    pass
print(json.dumps(asked))
"""


@pytest.mark.parametrize("statement", [
    "import wennuan_xl.excel.buttons",
    "import wennuan_xl.excel.jobs, wennuan_xl.excel.flags, wennuan_xl.excel.chart",
])
def test_the_excel_shell_never_asks_for_numpy_or_pandas(statement):
    # pyproject's `excel` extra installs neither: xlwings imports both on every click whenever they are there
    # (~0.35 s a click here), so the Excel PC goes without them and nothing of ours may need them.
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    code = ASKED_FOR.replace("{statement}", statement)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_the_numpy_probe_sees_an_import_of_numpy():
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    code = ASKED_FOR.replace("{statement}", "import wennuan_xl.frame.columnar")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    assert "numpy" in json.loads(out.strip().splitlines()[-1])


def test_a_click_of_trace_loads_no_writer_and_no_folder_reader():
    # 溯源 reads the master's own result sheets through the core: none of 汇总's machinery.
    loaded = _loaded_by("import xlwings.utils; import wennuan_xl.excel.buttons, wennuan_xl.excel.trace") - _loaded_by(
        "import xlwings.utils")
    assert sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_CLICK)) == []
    assert "wennuan_xl.core.rollup_read" in loaded


def test_the_import_probe_sees_a_heavy_import():
    # The same probe over the consolidation's job must report what 汇总 does use.
    loaded = _loaded_by("import wennuan_xl.excel.jobs")
    assert {"xlsxwriter", "wennuan_xl.files.bulk", "wennuan_xl.files.guard"} <= loaded


def test_fills_go_to_multi_area_ranges_within_excels_address_limit():
    assert multi_area([(9, 5), (10, 5), (9, 6), (9, 7), (26, 5)]) == ["E9:G9,E10,E26"]
    many = multi_area([(r, 5) for r in range(1, 400, 2)])
    assert len(many) > 1 and all(len(a) <= MAX_ADDRESS for a in many)
    assert sum(a.count(",") + 1 for a in many) == 200


def test_only_a_clicks_own_python_freezes_its_objects(monkeypatch):
    # gc.freeze() in a long-lived process (a UDF server, this test run) would keep its garbage for good.
    import gc

    from wennuan_xl.excel import errors

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    run = errors.entry(lambda: None)(lambda book: None)
    monkeypatch.setattr(sys, "argv", ["pytest"])
    run()
    assert frozen == []
    monkeypatch.setattr(sys, "argv", ["-c", '--wb="wennuan_master.xlsm"', "--from_xl=1", "--hwnd=1234"])
    run()
    assert frozen == [True]
