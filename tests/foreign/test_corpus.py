"""The foreign corpus scored through ``wennuan check --json`` and ``wennuan consolidate --json``.

These tests measure the locator on returns the project did not make (see README.md beside this file).
They are not weakened to fit the code: a failure lists one line per field read wrong.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from . import scoring
from .scoring import BLANK, FOLDER, REFUSED, RETURNS, RIGHT, ROOT, WRONG

EXPECTED = scoring.load_expected()
FILES = EXPECTED["files"]
TARGET_RIGHT = 0.97


def _id(name: str) -> str:
    entry = FILES[name]
    return f"{name.split('-')[0]}-{entry['layout']}.{entry['format']}"


def _names(keep=lambda entry: True):
    chosen = [n for n in FILES if keep(FILES[n])]
    return pytest.mark.parametrize("name", chosen, ids=[_id(n) for n in chosen])


NAMES = _names()
TO_REFUSE = _names(lambda e: bool(e["refuse"]))
WITH_FAULTS = _names(lambda e: bool(e["faults"]))
READABLE = _names(lambda e: e["refuse"] != "file")


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return scoring.run_check([RETURNS / name for name in FILES])


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return scoring.run_consolidate(FOLDER, tmp_path_factory.mktemp("foreign") / "汇总.xlsx")


def _fields(name: str, results: dict[str, dict]) -> list[scoring.FieldResult]:
    entry = FILES[name]
    obj = results.get(name, {"file": name, "error": "wennuan check gave no result for this file"})
    return scoring.classify(name, entry, obj)


def _fail(title: str, lines: list[str]) -> None:
    if lines:
        pytest.fail(f"{title} ({len(lines)}):\n" + "\n".join(lines), pytrace=False)


# --- the corpus itself ---------------------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in RETURNS.iterdir() if p.suffix in (".xlsx", ".xls", ".ods")}
    assert on_disk == set(FILES), "returns/ and expected.json disagree: rerun make_corpus"
    folder = {p.name for p in FOLDER.iterdir() if p.suffix in (".xlsx", ".xls", ".ods")}
    assert folder == set(EXPECTED["folder_files"])
    assert len(FILES) >= 44
    assert len({e["layout"] for e in FILES.values()}) >= 16
    assert sum(1 for e in FILES.values() if e["faults"]) >= 16
    assert {e["format"] for e in FILES.values()} == {"xlsx", "xls", "ods"}
    assert len(EXPECTED["folder_units"]) == 8


def test_corpus_is_not_made_by_the_template_writer() -> None:
    template = next((ROOT / "workbooks").glob("附件1-*.xlsx"))
    with zipfile.ZipFile(template) as z:
        template_app = z.read("docProps/app.xml")
    problems = []
    for path in sorted([*RETURNS.glob("*.xlsx"), *FOLDER.glob("*.xlsx")]):
        with zipfile.ZipFile(path) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8")
            if z.read("docProps/app.xml") == template_app:
                problems.append(f"{path.name}: the template's docProps/app.xml")
            if 'name="审核"' in workbook or "_NOTE" in workbook:
                problems.append(f"{path.name}: the template's 审核 sheet or 说明 names")
            if "2016-11-07T09:00:00Z" in z.read("docProps/core.xml").decode("utf-8"):
                problems.append(f"{path.name}: the template's creation time")
    _fail("corpus files that look like the project's own template", problems)


def _biff_records(path: Path) -> set[int]:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        data = ole.openstream("Workbook").read()
    seen, i = set(), 0
    while i + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, i)
        seen.add(kind)
        i += 4 + size
    return seen


def test_xls_returns_carry_the_records_excel_writes() -> None:
    labelsst, rk, mulrk = 0x00FD, 0x027E, 0x00BD
    found = [p.name for p in sorted(RETURNS.glob("*.xls")) if {labelsst, rk, mulrk} <= _biff_records(p)]
    assert found, "no .xls return has LABELSST, RK and MULRK records"


@pytest.mark.skipif(sys.platform == "win32", reason="the generator is run on Linux")
def test_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.foreign.make_corpus", "--out", str(tmp_path), "--no-convert"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    again = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    assert again == EXPECTED, "make_corpus wrote another expected.json: rerun it and commit the result"


# --- per file: values, refusals, faults, spurious 错误, cover ----------------------------------------------


@NAMES
def test_no_silent_wrong(name: str, results: dict[str, dict]) -> None:
    bad = [r.line() for r in _fields(name, results) if r.outcome == WRONG]
    _fail("values read wrong without a refusal", bad)


@NAMES
def test_no_silent_blank(name: str, results: dict[str, dict]) -> None:
    bad = [r.line() for r in _fields(name, results) if r.outcome == BLANK]
    _fail("values a person sees, read as blank without a refusal", bad)


@TO_REFUSE
def test_refusals(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    obj = results.get(name, {})
    _fail(
        f"{name} [{entry['layout']}] refusals missing",
        scoring.refusal_problems(entry, obj, _fields(name, results)),
    )


@WITH_FAULTS
def test_planted_faults_found(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    _fail(f"{name} [{entry['layout']}] planted faults", scoring.missed_faults(entry, results.get(name, {})))


@NAMES
def test_no_spurious_errors(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    bad = scoring.spurious(entry, results.get(name, {}))
    _fail(
        f"{name} [{entry['layout']}] 错误 nobody planted",
        [f"{f['rule']} {','.join(f.get('codes', []))}: {f.get('message', '')}" for f in bad],
    )


@READABLE
def test_unit_read(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    problem = scoring.unit_problem(entry, results.get(name, {}))
    _fail(f"{name} [{entry['layout']}] 填报单位", [problem] if problem else [])


def _cover_of(name: str, results: dict[str, dict]) -> dict:
    obj = results.get(name, {})
    assert "cover" in obj, f'{name}: wennuan check --json carries no "cover" object'
    return obj


@NAMES
def test_cover_blank_stays_blank(name: str, results: dict[str, dict]) -> None:
    """A blank 联系电话 / 填报日期 beside a legend or a note reads blank, never the neighbour's text."""
    obj = _cover_of(name, results)
    _fail(f"{name} cover read from a neighbour", scoring.cover_problems(FILES[name], obj, blank_only=True))


@NAMES
def test_cover_read(name: str, results: dict[str, dict]) -> None:
    obj = _cover_of(name, results)
    _fail(f"{name} [{FILES[name]['layout']}] cover", scoring.cover_problems(FILES[name], obj))


# --- the whole corpus --------------------------------------------------------------------------------


def test_overall_fields_read_right(results: dict[str, dict]) -> None:
    score = scoring.score(EXPECTED, results)
    counts = score.overall
    summary = ", ".join(f"{k} {counts[k]}" for k in (RIGHT, REFUSED, WRONG, BLANK))
    assert score.ratio >= TARGET_RIGHT, (
        f"fields read right {counts[RIGHT]}/{len(score.fields)} = {score.ratio:.1%} "
        f"(target {TARGET_RIGHT:.0%}); {summary}"
    )


def test_folder_totals(consolidated: dict) -> None:
    _fail(
        "consolidated totals",
        scoring.totals_problems(EXPECTED["folder_totals"], consolidated.get("totals", {})),
    )


def test_folder_each_unit_from_its_own_files(consolidated: dict) -> None:
    """峨眉山景区管委会-附件1.xlsx (填报单位 “峨眉山”) must not replace 峨眉山市总工会's return."""
    _fail(
        "units counted from the wrong files",
        scoring.unit_file_problems(EXPECTED["folder_units"], consolidated),
    )
