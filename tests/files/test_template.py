"""The committed blank templates: reproducible, named, protected, validated, printable, readable."""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET

from wennuan_xl.core.forms import Campaign, Kind
from wennuan_xl.core.layout import HEADERS, NOTE_COL, note_name
from wennuan_xl.core.workbook import CellRef
from wennuan_xl.files.live_checks import CHECK_SHEET
from wennuan_xl.files.read import read_workbook
from wennuan_xl.files.template import template_filename, write_templates

from .conftest import FORM_IDS, WORKBOOKS, name_destination, template_path

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_COL, LABEL_COL, UNIT_COL = "C", "B", "D"


def _plain(text: object) -> str:
    return re.sub(r"[\s:：]", "", unicodedata.normalize("NFKC", str(text or "")))


# --- (a) determinism -------------------------------------------------------------------------------

_TIMESTAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        out = {info.filename: zf.read(info) for info in zf.infolist()}
    if "docProps/core.xml" in out:
        out["docProps/core.xml"] = _TIMESTAMP.sub(rb"\1\3", out["docProps/core.xml"])
    return out


def _describe(name: str, ours: bytes, theirs: bytes) -> str:
    try:
        a, b = ours.decode("utf-8"), theirs.decode("utf-8")
    except UnicodeDecodeError:
        return f"{name}: {len(ours)} vs {len(theirs)} bytes (binary)"
    a_lines = a.replace("><", ">\n<").splitlines()
    b_lines = b.replace("><", ">\n<").splitlines()
    diff = list(difflib.unified_diff(b_lines, a_lines, "committed", "regenerated", n=1, lineterm=""))
    return f"{name}:\n" + "\n".join(diff[:30])


@pytest.fixture(scope="module")
def regenerated(campaign: Campaign, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("regenerated")
    paths = write_templates(campaign, out)
    return {p.name: p for p in paths}


def test_write_templates_names_the_committed_files(campaign: Campaign, regenerated: dict[str, Path]) -> None:
    assert sorted(regenerated) == sorted(template_filename(f) for f in campaign.forms)
    # The 实名制 list's template sits beside them; tests/namelist/test_template.py compares it (issue #16).
    assert sorted(regenerated) == sorted(p.name for p in WORKBOOKS.glob("*.xlsx") if not p.name.startswith("实名制"))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_regenerated_template_equals_committed(
    campaign: Campaign, regenerated: dict[str, Path], form_id: str
) -> None:
    name = template_filename(campaign.form(form_id))
    ours, theirs = _members(regenerated[name]), _members(WORKBOOKS / name)
    assert list(ours) == list(theirs), (
        f"zip members differ: only regenerated {sorted(set(ours) - set(theirs))}, "
        f"only committed {sorted(set(theirs) - set(ours))}, or in another order"
    )
    differing = [m for m in ours if ours[m] != theirs[m]]
    assert not differing, "members differ: " + ", ".join(differing) + "\n\n" + "\n\n".join(
        _describe(m, ours[m], theirs[m]) for m in differing
    )


def test_regeneration_is_stable(campaign: Campaign, regenerated: dict[str, Path], tmp_path: Path) -> None:
    """Two builds in a row give the same members; only the core.xml timestamps may move."""
    again = {p.name: p for p in write_templates(campaign, tmp_path)}
    for name, path in regenerated.items():
        assert _members(path) == _members(again[name]), name


def test_timestamp_stripping_keeps_the_rest_of_core_xml(regenerated: dict[str, Path]) -> None:
    """Guard for the comparison above: only the timestamps are ignored, not the whole member."""
    for path in regenerated.values():
        core = _members(path)["docProps/core.xml"]
        assert b"<dc:creator>" in core and b"<dc:title>" in core
        assert re.search(rb"<dcterms:modified[^>]*></dcterms:modified>", core)


# --- (b) defined names and protection --------------------------------------------------------------


@pytest.fixture(scope="module", params=FORM_IDS)
def template(request: pytest.FixtureRequest, campaign: Campaign):
    form = campaign.form(request.param)
    path = template_path(campaign, form.id)
    book = openpyxl.load_workbook(path)
    return form, path, book


def _expected_names(form) -> set[str]:
    """Field, cover and 说明 cells (``A1_10I_NOTE``, the unit's explanation of a 提示 on that row)."""
    return {f.name for f in form.fields} | {c.name(form.id) for c in form.cover} | {note_name(f) for f in form.fields}


def test_workbook_has_exactly_the_field_cover_and_note_names(template) -> None:
    form, _, book = template
    assert set(book.defined_names) == _expected_names(form)
    assert book.sheetnames == [form.sheet, CHECK_SHEET]  # the form, then its live 审核 checklist
    assert not book[form.sheet].defined_names  # no sheet-scoped names that would shadow them


def test_each_field_name_points_at_the_value_cell_of_its_own_row(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    seen: dict[str, str] = {}
    for f in form.fields:
        sheet, coord = name_destination(book, f.name)
        assert sheet == form.sheet, f.name
        assert coord not in seen, (f.name, seen.get(coord))
        seen[coord] = f.name
        cell = ws[coord]
        assert ws[f"{CODE_COL}{cell.row}"].value == f.code, (f.name, coord)
        assert ws[f"{UNIT_COL}{cell.row}"].value == f.unit, (f.name, coord)
        assert cell.column_letter == "E", (f.name, coord)
        assert cell.value is None, (f.name, coord)
        assert cell.protection.locked is False, (f.name, coord)


def test_each_cover_name_points_at_an_unlocked_cell_right_of_its_label(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == HEADERS[0])
    for c in form.cover:
        sheet, coord = name_destination(book, c.name(form.id))
        assert sheet == form.sheet
        cell = ws[coord]
        assert cell.row < header_row, c.key
        assert cell.value is None and cell.protection.locked is False, c.key
        left = [ws.cell(cell.row, col).value for col in range(cell.column - 1, 0, -1)]
        nearest = next(v for v in left if v is not None)
        assert _plain(nearest) == c.label, (c.key, nearest)


def test_only_named_cells_are_unlocked(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    named = {name_destination(book, n)[1] for n in _expected_names(form)}
    unlocked = {
        cell.coordinate
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 2, max_col=ws.max_column + 2)
        for cell in row
        if not cell.protection.locked
    }
    assert unlocked == named
    labels = [cell for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert len(labels) > len(form.fields) * 3  # item, label, code, unit ... are all there
    assert [c.coordinate for c in labels if not c.protection.locked] == []


def test_sheet_is_protected_without_password(template) -> None:
    form, path, book = template
    ws = book[form.sheet]
    assert ws.protection.sheet is True
    assert not ws.protection.password
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    nodes = list(SafeET.fromstring(xml).iter(f"{NS}sheetProtection"))
    assert len(nodes) == 1
    attrs = nodes[0].attrib
    assert attrs.get("sheet") in ("1", "true")
    assert not {"password", "hashValue", "algorithmName", "saltValue"} & set(attrs), attrs
    with zipfile.ZipFile(path) as zf:
        workbook_xml = zf.read("xl/workbook.xml")
    for node in SafeET.fromstring(workbook_xml).iter(f"{NS}workbookProtection"):
        # openpyxl writes an empty element: no structure lock, no password.
        assert not {k for k, v in node.attrib.items() if v not in ("0", "false")}, node.attrib


def test_fast_reader_sees_the_same_names(template) -> None:
    form, path, book = template
    names = read_workbook(path).names
    assert set(names) == {n.upper() for n in _expected_names(form)}
    for n in _expected_names(form):
        sheet, coord = name_destination(book, n)
        cell = book[sheet][coord]
        assert names[n.upper()] == CellRef(sheet, cell.row, cell.column), n


# --- (c) data validation ---------------------------------------------------------------------------


def _validations_at(ws, coord: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]


def test_every_input_cell_has_one_validation_of_its_kind(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    kinds = set()
    for f in form.fields:
        coord = name_destination(book, f.name)[1]
        dvs = _validations_at(ws, coord)
        assert len(dvs) == 1, (f.code, coord, len(dvs))
        dv = dvs[0]
        kinds.add(f.kind)
        if f.kind is Kind.COUNT:
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0"), f.code
        elif f.kind is Kind.MONEY:
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0"), f.code
        else:
            assert f.code == "A2.06B"
            assert dv.type == "list" and dv.formula1 == '"是,否"', f.code
        assert dv.allow_blank, f.code  # a blank template must not be an invalid one
        assert dv.showInputMessage and dv.showErrorMessage, f.code
        assert dv.prompt and CJK.search(dv.prompt), (f.code, dv.prompt)
        assert dv.promptTitle and CJK.search(dv.promptTitle), (f.code, dv.promptTitle)
        assert len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255, f.code  # Excel's own limits
    expected_kinds = {f.kind for f in form.fields}
    assert kinds == expected_kinds


def test_yesno_field_is_a_list_only_in_annex2(campaign: Campaign) -> None:
    yesno = [f.code for f in campaign.fields() if f.kind is Kind.YESNO]
    assert yesno == ["A2.06B"]
    book = openpyxl.load_workbook(template_path(campaign, "A2"))
    coord = name_destination(book, "A2_06B")[1]
    (dv,) = _validations_at(book[campaign.form("A2").sheet], coord)
    assert dv.type == "list"


def test_no_validation_outside_the_input_cells(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    named = {name_destination(book, n)[1] for n in _expected_names(form)}
    covered = {str(rng) for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
    assert covered <= named, covered - named


# --- (d) page setup --------------------------------------------------------------------------------


def test_page_setup_is_a4_one_page_wide(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    assert int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.orientation == "landscape"  # the form with its 审核 and 说明 columns
    assert ws.print_title_rows  # the header row on every page
    assert ws.oddFooter.left.text == "&A" and "第 &P 页" in ws.oddFooter.center.text
    # The 审核 sheet, where the formulas live, does not print with the form: Excel and WPS print no hidden sheet.
    assert book["审核"].sheet_state == "hidden"


# --- (e) what the sheet shows ----------------------------------------------------------------------


def _text_cells(ws) -> list[tuple[int, int, str]]:
    return [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_sheet_shows_title_cover_labels_and_notes(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    texts = _text_cells(ws)
    header_row = next(r for r, c, v in texts if c == 1 and v == HEADERS[0])
    assert [ws.cell(header_row, col).value for col in range(1, 6)] == list(HEADERS)
    title = [(r, c) for r, c, v in texts if v == form.title]
    assert len(title) == 1 and title[0][0] < header_row
    merged = [m for m in ws.merged_cells.ranges if (title[0][0], title[0][1]) == (m.min_row, m.min_col)]
    # Centred over the whole printed table, its 审核 and 说明 columns included (issue 14).
    assert merged and merged[0].max_col == NOTE_COL
    assert any(v == form.annex for r, c, v in texts if r < title[0][0])
    for cover in form.cover:
        where = [(r, c) for r, c, v in texts if _plain(v) == cover.label]
        assert len(where) == 1, cover.key
        assert title[0][0] < where[0][0] < header_row, cover.key
    note_rows = []
    for note in form.notes:
        where = [r for r, c, v in texts if v == note]
        assert len(where) == 1, note
        note_rows.append(where[0])
    assert note_rows == sorted(note_rows) and all(r < header_row for r in note_rows)


def test_sheet_shows_item_numbers_labels_codes_and_units(template) -> None:
    form, _, book = template
    ws = book[form.sheet]
    code_rows = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value}
    item_rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)
                 if isinstance(ws.cell(r, 1).value, str) and ws.cell(r, 1).value.isdigit()}
    assert list(item_rows) == [item.number for item in form.items]  # each once, in order
    assert list(item_rows.values()) == sorted(item_rows.values())
    rows_in_order = []
    for i, item in enumerate(form.items):
        start = item_rows[item.number]
        end = item_rows[form.items[i + 1].number] if i + 1 < len(form.items) else ws.max_row + 1
        if item.intro:
            assert _plain(ws.cell(start, 2).value) == _plain(item.intro), item.number
        for f in item.fields:
            row = code_rows[f.code]
            assert start <= row < end, f.code
            assert ws.cell(row, 4).value == f.unit, f.code
            label = _plain(ws.cell(row, 2).value)
            assert label.endswith(_plain(f.label)), (f.code, label)
            if f.letter:
                assert f"({f.letter})" in label, (f.code, label)
            rows_in_order.append(row)
    assert rows_in_order == sorted(rows_in_order)
    assert len(rows_in_order) == len(form.fields) == len(set(rows_in_order))


# --- (f) what a clerk prints and signs (issue 14) ----------------------------------------------------


def test_the_form_has_lines_for_the_head_of_the_unit_and_its_seal(template) -> None:
    from wennuan_xl.core.layout import layout_for

    form, _, book = template
    ws = book[form.sheet]
    last = layout_for(form).rows[-1].row
    below = [c.value for row in ws.iter_rows(min_row=last + 1) for c in row if isinstance(c.value, str)]
    assert "单位负责人（签字）：" in below and "（加盖单位公章）" in below
    area = str(ws.print_area)
    assert area.endswith(f"${last + 2}"), area  # printed with the form


def test_nothing_found_is_green_and_input_cells_unlike_any_severity(template) -> None:
    from wennuan_xl.core.layout import CHECK_COL
    from wennuan_xl.files import style

    form, _, book = template
    ws = book[form.sheet]
    count = next(c for row in ws.iter_rows(max_col=CHECK_COL, min_col=CHECK_COL) for c in row
                 if isinstance(c.value, str) and "审核：未发现问题" in c.value)
    assert count.font.color.rgb.endswith(style.OK_TEXT)  # not red on a blank form
    rules = [r for cf in ws.conditional_formatting for r in cf.rules if count.coordinate in str(cf.sqref).split()]
    assert {r.dxf.font.color.rgb[-6:] for r in rules} == {"C00000", "9C5700"}  # red with a 错误, dark yellow with a 提示
    code_row = next(r for r in ws.iter_rows() if r[2].value == form.fields[0].code)
    fill = code_row[4].fill.fgColor.rgb[-6:]
    assert fill == style.INPUT and fill not in {style.ERROR, style.WARNING, style.EXPLAINED}
