"""The core package stays free of spreadsheet libraries and of file I/O: files and live Excel are shells
around it. It receives parsed campaign data (files/campaign_files.py reads the YAML and the roster)."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import wennuan_xl.core

FORBIDDEN = {"openpyxl", "xlwings", "python_calamine", "pandas", "xlsxwriter", "yaml", "csv", "shutil", "glob"}
# Calls that touch the file system: open(), pathlib's reads, writes and listings, os's.
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "exists",
              "is_file", "is_dir", "stat", "lstat", "resolve", "mkdir", "unlink", "rmdir", "rename", "replace_file",
              "touch", "listdir", "scandir", "walk", "remove", "makedirs", "samefile", "readlink", "expanduser"}
CORE_DIR = Path(wennuan_xl.core.__file__).resolve().parent
REPO_ROOT = CORE_DIR.parent.parent


def core_modules() -> list[str]:
    names = ["wennuan_xl.core"]
    names += [m.name for m in pkgutil.walk_packages(wennuan_xl.core.__path__, "wennuan_xl.core.")]
    return sorted(names)


def core_sources() -> list[Path]:
    return sorted(CORE_DIR.rglob("*.py"))


def loaded_after_import(modules: list[str], watched: set[str]) -> list[str]:
    """Import ``modules`` in a fresh interpreter; the watched top-level packages that got loaded."""
    code = (
        "import importlib, json, sys\n"
        f"watched = set({sorted(watched)!r})\n"
        "before = {m for m in sys.modules if m.split('.')[0] in watched}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "after = {m for m in sys.modules if m.split('.')[0] in watched}\n"
        "print(json.dumps(sorted(after - before)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, check=False, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_core_modules_are_discovered():
    modules = core_modules()
    for expected in ("formula", "values", "rules", "forms", "check", "locate", "consolidate"):
        assert f"wennuan_xl.core.{expected}" in modules
    assert len(core_sources()) >= len(modules)


def test_importing_every_core_module_loads_no_spreadsheet_library():
    assert loaded_after_import(core_modules(), FORBIDDEN) == []


def test_the_subprocess_check_can_see_an_import():
    # The same probe, watching a package the core does use, must report it: the check is not vacuous.
    assert "difflib" in loaded_after_import(["wennuan_xl.core.roster"], {"difflib"})


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in FORBIDDEN]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in FORBIDDEN:
                found.append(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            # importlib.import_module("openpyxl") / __import__("openpyxl")
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[0].value
            if fname in ("import_module", "__import__") and isinstance(arg, str) and arg.split(".")[0] in FORBIDDEN:
                found.append(arg)
    return found


@pytest.mark.parametrize("path", core_sources(), ids=lambda p: p.relative_to(CORE_DIR).as_posix())
def test_no_core_source_imports_a_spreadsheet_library(path):
    assert forbidden_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import openpyxl",
        "import pandas as pd",
        "from xlwings import Book",
        "from python_calamine import CalamineWorkbook",
        "def f():\n    import xlsxwriter.workbook",
        "import importlib\nimportlib.import_module('openpyxl')",
        "__import__('pandas')",
    ],
)
def test_the_source_scan_catches_forbidden_imports(source):
    assert forbidden_imports(source) != []


def file_io_calls(source: str) -> list[str]:
    """``open(...)``, ``path.read_text()``, ``os.walk(...)`` … anywhere in the source; ``io.open`` too."""
    found = []
    tree = ast.parse(source)
    # A module's own helper called ``walk`` (formula.py walks its AST) is not os.walk.
    own = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in own:
            continue
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in FILE_CALLS and not (name == "open" and isinstance(func, ast.Attribute) and _is_str_method(func)):
            found.append(f"{name}() line {node.lineno}")
    return found


def _is_str_method(func: ast.Attribute) -> bool:
    return isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)


@pytest.mark.parametrize("path", core_sources(), ids=lambda p: p.relative_to(CORE_DIR).as_posix())
def test_no_core_source_touches_the_file_system(path):
    assert file_io_calls(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "open('campaign.yaml')",
        "with open(p, encoding='utf-8') as fh:\n    pass",
        "Path('x').read_text()",
        "folder.iterdir()",
        "import os\nos.walk('.')",
        "from os import walk\nwalk('.')",
        "Path(__file__).resolve()",
        "import io\nio.open('x')",
    ],
)
def test_the_file_system_scan_catches_reads(source):
    assert file_io_calls(source) != []
