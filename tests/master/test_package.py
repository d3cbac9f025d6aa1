"""The master's package: ribbon part and relationship, content types, sheets, defined names, xlwings.conf."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from wennuan_xl.files.master import CONFIG, CONFIG_ROWS, MESSAGES, RESULTS, TEXTS, settings
from wennuan_xl.files.master_package import RIBBON_PART, RIBBON_REL

from .conftest import COMMITTED, SHIMS

RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
SHEETS = ["说明", "设置", "单位名单", CONFIG, *RESULTS, TEXTS]


def content_type(parts: dict[str, bytes], part: str) -> str | None:
    root = ET.fromstring(parts["[Content_Types].xml"])
    for el in root.findall(f"{TYPES}Override"):
        if el.get("PartName") == "/" + part:
            return el.get("ContentType")
    ext = part.rsplit(".", 1)[-1]
    for el in root.findall(f"{TYPES}Default"):
        if el.get("Extension") == ext:
            return el.get("ContentType")
    return None


def test_ribbon_part_relationship_and_content_type(parts):
    rels = ET.fromstring(parts["_rels/.rels"]).findall(f"{RELS}Relationship")
    ribbon = [r for r in rels if r.get("Type") == RIBBON_REL]
    assert len(ribbon) == 1 and ribbon[0].get("Target") == RIBBON_PART
    assert parts[RIBBON_PART] == (SHIMS / "customUI14.xml").read_bytes()
    assert content_type(parts, RIBBON_PART) == "application/xml"
    assert content_type(parts, "xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"
    assert content_type(parts, "xl/workbook.xml") == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
    assert 'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"' in wb_rels


def test_every_relationship_target_exists(parts):
    for rels_name in [n for n in parts if n.endswith(".rels")]:
        base = rels_name.split("_rels/", 1)[0].rstrip("/")  # "_rels/.rels" -> "", "xl/_rels/x.rels" -> "xl"
        for rel in ET.fromstring(parts[rels_name]).findall(f"{RELS}Relationship"):
            target = rel.get("Target")
            path = target.lstrip("/") if target.startswith("/") else (f"{base}/{target}" if base else target)
            assert path in parts, f"{rels_name}: {target}"


@pytest.fixture(scope="module")
def book(built):
    return load_workbook(built, keep_vba=True)


def test_sheets_in_order(book):
    assert book.sheetnames == SHEETS


def test_defined_names_point_at_the_settings_values(book, campaign):
    ws = book["设置"]
    for s in settings(campaign):
        dn = book.defined_names[s.name]
        (sheet, ref), = dn.destinations
        assert sheet == "设置"
        m = re.fullmatch(r"\$B\$(\d+)", ref)
        assert m, (s.name, ref)
        row = int(m.group(1))
        assert ws.cell(row, 1).value == s.label
        assert ws.cell(row, 2).value == s.value
    assert {s.name for s in settings(campaign)} == {
        "WN_FOLDER", "WN_TOLERANCE", "WN_RECURSIVE", "WN_EXCLUDE_ERRORS", "WN_FEEDBACK", "WN_FEEDBACK_DIR",
        "WN_RESUBMIT_BY", "WN_PREVIOUS", "WN_UNIT", "WN_PERSON", "WN_PHONE"}
    tolerance = next(iter(book.defined_names["WN_TOLERANCE"].destinations))[1].replace("$", "")
    assert ws[tolerance].value == campaign.tolerance == 0.01


def test_roster_sheet(book, campaign):
    from wennuan_xl.core.forms import roster_from_rows

    rows = list(book["单位名单"].iter_rows(values_only=True))
    assert rows[0] == ("单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱")
    units = [r for r in rows[1:] if r[0]]
    assert [(r[0], r[1]) for r in units] == [(u.name, "是" if u.included else "否") for u in campaign.roster]
    assert roster_from_rows(rows, "单位名单") == campaign.roster  # read back as a 汇总 click reads it
    phones = book["单位名单"]["D"]
    assert all(c.number_format == "@" for c in phones[1:len(campaign.roster) + 1]), "a phone typed 0833… keeps its 0"


def test_xlwings_conf_is_read_as_xlwings_reads_it(book):
    ws = book[CONFIG]
    keys = []
    row = 1
    while ws.cell(row, 1).value not in (None, ""):  # xlwings: A1 down to the first blank cell
        keys.append((ws.cell(row, 1).value, ws.cell(row, 2).value))
        row += 1
    assert keys == [(k, v) for k, v, _ in CONFIG_ROWS]
    assert dict(keys)["Interpreter_Win"].lower().endswith("pythonw.exe")
    assert "PYTHONPATH" in dict(keys)
    # Pinned: a fresh Python per click, never a lingering COM server (and xlwings' default made explicit).
    assert dict(keys)["USE UDF SERVER"] == "False"


def test_every_text_the_vba_shows_is_a_named_cell_of_the_hidden_sheet(book):
    shim = (SHIMS / "WennuanButtons.bas").read_text(encoding="ascii")
    wanted = set(re.findall(r'WnText\("(\w+)"\)', shim))
    assert wanted == set(MESSAGES)
    assert book[TEXTS].sheet_state == "veryHidden"
    for name in wanted:
        ((sheet, ref),) = book.defined_names[name].destinations
        assert sheet == TEXTS and book[TEXTS][ref.replace("$", "")].value == MESSAGES[name]
    assert "{path}" in MESSAGES["WN_MSG_NO_PYTHON"] and "xlwings.conf" in MESSAGES["WN_MSG_NO_PYTHON"]
    assert 'pip install "wennuan-xl[excel]"' in MESSAGES["WN_MSG_NO_INTERPRETER"]


def test_code_names_match_the_vba_document_modules(parts):
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    for i in (1, 2):
        assert f'codeName="Sheet{i}"'.encode() in parts[f"xl/worksheets/sheet{i}.xml"]


def test_result_sheets_have_a_hint(book):
    for title, hint in RESULTS.items():
        assert book[title]["A1"].value == hint


def test_committed_master_has_the_ribbon_too():
    import zipfile

    with zipfile.ZipFile(COMMITTED) as z:
        assert RIBBON_REL in z.read("_rels/.rels").decode()
        assert RIBBON_PART in z.namelist()
