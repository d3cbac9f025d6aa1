"""The VBA project inside the built and the committed master, read back with olevba."""

from __future__ import annotations

import io
import zipfile

import olefile
import pytest
from oletools import olevba

from wennuan_xl.files.master_vba import xlwings_bas

from .conftest import COMMITTED, SHIMS


def norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def modules(path) -> dict[str, str]:
    parser = olevba.VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module", params=["built", "committed"])
def master(request, built):
    return built if request.param == "built" else COMMITTED


def test_modules_are_the_sources_exactly(master):
    found = modules(master)
    assert norm(found["WennuanButtons"]) == norm((SHIMS / "WennuanButtons.bas").read_text(encoding="ascii"))
    assert norm(found["xlwings"]) == norm(xlwings_bas())
    assert "Module1" not in found  # xlwings' sample macro is replaced, not kept beside the shim
    assert {"ThisWorkbook", "Sheet1", "Sheet2", "Dictionary"} <= set(found)


def test_xlwings_keeps_its_license_notice(master):
    code = modules(master)["xlwings"]
    assert "xlwings is distributed under a BSD 3-clause license" in code
    assert "Copyright (C) 2014-present, Zoomer Analytics LLC" in code


def test_project_is_source_only_so_office_recompiles(master):
    with zipfile.ZipFile(master) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    header = ole.openstream("VBA/_VBA_PROJECT").read()
    assert header[:2] == b"\xcc\x61" and header[2:4] == b"\xff\xff"  # version 0xFFFF: no p-code cache
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=WennuanButtons" in project and "Module=xlwings" in project
    assert "Module=Module1" not in project
