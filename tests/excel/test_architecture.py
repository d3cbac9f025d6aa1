"""Only wennuan_xl/excel imports xlwings, and nothing in the product imports xlwings PRO."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

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


def test_fills_go_to_multi_area_ranges_within_excels_address_limit():
    assert multi_area([(9, 5), (10, 5), (9, 6), (9, 7), (26, 5)]) == ["E9:G9,E10,E26"]
    many = multi_area([(r, 5) for r in range(1, 400, 2)])
    assert len(many) > 1 and all(len(a) <= MAX_ADDRESS for a in many)
    assert sum(a.count(",") + 1 for a in many) == 200
