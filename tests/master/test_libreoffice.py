"""LibreOffice headless opens the master, imports its VBA modules and renders its sheets to PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from system_tools import require_tool

from wennuan_xl.files.master import RESULTS, settings

from . import libreoffice
from .conftest import COMMITTED
from .test_ribbon import BUTTON_COMMANDS, FOLDER_PICKER, HELPERS

pytestmark = pytest.mark.usefixtures("soffice_path")


@pytest.fixture(scope="module")
def inspection(tmp_path_factory):
    return libreoffice.inspect(COMMITTED, tmp_path_factory.mktemp("lo_master"))


def test_opens_without_error(inspection):
    assert inspection.log[:2] == ["START", "LOADED"], inspection.log
    assert not [line for line in inspection.log if line.startswith("ERROR")], inspection.log
    assert inspection.log[-1] == "DONE"
    assert "VBA True" in inspection.log  # LibreOffice recognised a VBA project, not plain Basic


def test_lists_the_vba_modules(inspection):
    names = {name.split(".", 1)[1] for name in inspection.modules if name.startswith("VBAProject.")}
    assert {"WennuanButtons", "xlwings", "Dictionary", "ThisWorkbook"} <= names
    assert "Module1" not in names
    assert inspection.modules["VBAProject.WennuanButtons"] > 500


def test_procedures_of_the_modules(inspection):
    procs = {p.split(".", 2)[2] for p in inspection.procedures if p.startswith("VBAProject.WennuanButtons.")}
    assert procs == {*BUTTON_COMMANDS, FOLDER_PICKER, *HELPERS}
    xlwings = {p for p in inspection.procedures if p.startswith("VBAProject.xlwings.")}
    # LibreOffice 7.4 drops the first procedure after xlwings' #If/Declare block (RunPython) from this list;
    # Excel compiles the module itself (see the README's Windows checklist).
    assert len(xlwings) >= 40 and "VBAProject.xlwings.GetConfig" in xlwings


def test_renders_every_sheet_to_pdf(inspection, campaign):
    assert inspection.pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([require_tool("pdftotext"), str(inspection.pdf), "-"], capture_output=True, text=True, check=True).stdout
    for s in settings(campaign):
        assert s.label in text  # 设置
    assert "单位名称" in text and campaign.roster[-1].name in text  # 单位名单
    assert "Interpreter_Win" in text  # xlwings.conf
    for hint in RESULTS.values():
        assert hint[:12] in text.replace("\n", "")  # every result sheet has a page


SHIM = Path(__file__).resolve().parents[2] / "vba_shims" / "WennuanButtons.bas"


def test_the_button_module_compiles_in_libreoffice_vba_mode(tmp_path):
    # xlwings' own module uses Windows-only Declare statements LibreOffice cannot compile; ours must compile.
    assert libreoffice.compiles_in_vba_mode(SHIM.read_text(encoding="ascii"), tmp_path)


def test_a_syntax_error_in_the_button_module_is_caught(tmp_path):
    broken = SHIM.read_text(encoding="ascii").replace("RunPython \"import", "RunPython +* )\"import", 1)
    assert broken != SHIM.read_text(encoding="ascii")
    assert not libreoffice.compiles_in_vba_mode(broken, tmp_path, timeout=25)
