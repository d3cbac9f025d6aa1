"""Every output is searched for unmasked ID numbers: the CLI's text and JSON, the consolidated workbook,
flagged and feedback copies, the error log. An ID may appear whole only in the clerk's own consolidated list
(实名制汇总), in JSON asked for with --show-ids, and in a unit's own list inside the copy made of its own file.

The search is plain: every ID of the test lists, and its 15-digit form, as a substring of every text — so each
test also shows the search can see an ID where one is allowed (a search that finds nothing anywhere would prove
nothing)."""

from __future__ import annotations

import io
import json
import random
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.idnumber import mask_text

from .lists import build_city, person, write_list


def forms_of(number: str) -> set[str]:
    """The ways a number could leak: 18 characters, and the 15-digit first-generation form."""
    return {number, number[:6] + number[8:17]}


def leaks(text: str, numbers: set[str]) -> set[str]:
    return {n for n in numbers if any(f in text for f in forms_of(n))}


def workbook_texts(path: Path) -> dict[str, str]:
    """Sheet name -> all its cell texts and notes; plus every zip part but sheets and shared strings, raw."""
    out: dict[str, str] = {}
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        parts = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    parts.append(str(cell.value))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
        out[ws.title] = "\n".join(parts)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml"):
                out[f"zip:{name}"] = zf.read(name).decode("utf-8", "replace")
    return out


def run_cli(*argv: str) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(list(argv))
    return code, buf.getvalue()


@pytest.fixture
def city(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    people = build_city(folder, campaign)
    numbers = {p["ID"] for rows in people.values() for p in rows}
    return folder, people, numbers


def test_the_search_sees_an_id_and_the_mask_hides_it():
    number = "511102198001011234"
    assert leaks(f"号码{number}。", {number}) == {number}
    assert leaks(mask_text(f"号码{number}。"), {number}) == set()


def test_check_text_and_json_mask_ids_unless_asked(city):
    folder, _, numbers = city
    files = sorted(str(p) for p in folder.iterdir())
    _, text = run_cli("check", *files)
    assert "实名制名单" in text and leaks(text, numbers) == set()
    _, masked = run_cli("check", *files, "--json")
    json.loads(masked)
    assert leaks(masked, numbers) == set()
    _, shown = run_cli("check", *files, "--json", "--show-ids")
    assert leaks(shown, numbers) == numbers  # --show-ids: the only way to see them whole


def test_consolidate_json_summary_and_workbook(city, tmp_path):
    folder, _, numbers = city
    out = tmp_path / "汇总.xlsx"
    _, printed = run_cli("consolidate", str(folder), "-o", str(out), "--json")
    assert leaks(printed, numbers) == set()
    texts = workbook_texts(out)
    assert leaks(texts.pop("实名制汇总"), numbers) == numbers  # the clerk's own consolidated list
    for where, text in texts.items():
        assert leaks(text, numbers) == set(), f"unmasked ID in {where}"


def test_feedback_copies_show_a_units_ids_only_in_its_own_list(city, tmp_path):
    folder, people, numbers = city
    fb = tmp_path / "fb"
    run_cli("consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(fb), "--feedback-date", "2017-01-21")
    copies = sorted(fb.glob("*实名制*"))
    assert len(copies) == 3
    list_sheet = {"市中区总工会": "Sheet1", "五通桥区总工会": "Sheet1", "沙湾区总工会": "实名制"}
    for copy in copies:
        unit = copy.name.split("-")[0]
        own = {p["ID"] for p in people[unit]}
        texts = workbook_texts(copy)
        assert leaks(texts.pop(list_sheet[unit]), numbers) == own  # the unit's own rows, as it typed them
        for where, text in texts.items():
            assert leaks(text, numbers) == set(), f"unmasked ID in {copy.name} {where}"


def test_a_flagged_copy_of_a_list(tmp_path):
    rng = random.Random(9)
    rows = [person(rng) for _ in range(3)]
    rows.append(dict(rows[0]))
    source = write_list(tmp_path / "l.xlsx", "市中区总工会", rows)
    out = tmp_path / "flagged.xlsx"
    code, text = run_cli("check", str(source), "--flagged-copy", str(out))
    assert code == 1 and "L-DUP-ID" in text
    numbers = {r["ID"] for r in rows}
    texts = workbook_texts(out)
    assert leaks(texts.pop("Sheet1"), numbers) == numbers
    assert "审核结果" in texts
    for where, text in texts.items():
        assert leaks(text, numbers) == set(), f"unmasked ID in {where}"


def test_the_error_log_and_unexpected_errors_mask_ids(tmp_path, monkeypatch):
    import tempfile

    from wennuan_xl.cli.main import unexpected
    from wennuan_xl.excel import errors

    number = "511102198001011234"
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    path = errors.write_log(f"Traceback …\nValueError: bad id {number}")
    assert leaks(path.read_text(encoding="utf-8"), {number}) == set()
    assert leaks(unexpected(ValueError(f"bad id {number}")), {number}) == set()


def test_a_list_too_broken_to_read_says_so_without_ids(tmp_path):
    rng = random.Random(2)
    rows = [person(rng)]
    path = write_list(tmp_path / "l.xlsx", "市中区总工会", rows, headers=("甲", "乙"), keys=("NAME", "ID"))
    code, text = run_cli("check", str(path))
    assert code == 2 and "标题是实名制汇总表，但在前 30 行中认不出表头" in text  # refused, saying why
    assert leaks(text, {rows[0]["ID"]}) == set()
