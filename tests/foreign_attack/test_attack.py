"""The attack corpus scored through ``wennuan check --json`` with tests/foreign's scoring functions.

Each return (README.md beside this file) is aimed at one assumption of the field locator. A field is RIGHT,
REFUSED (an ``F-LOCATE*`` 错误 names it: acceptable), SILENT WRONG or SILENT BLANK (``tests/foreign/scoring``).
These tests are not weakened to fit the code: a failure lists one line per field read wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.foreign import scoring
from tests.foreign.scoring import BLANK, REFUSED, RIGHT, ROOT, WRONG

HERE = Path(__file__).resolve().parent
RETURNS = HERE / "returns"
EXPECTED = scoring.load_expected(HERE / "expected.json")
FILES = EXPECTED["files"]


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


def _fields(name: str, results: dict[str, dict]) -> list[scoring.FieldResult]:
    obj = results.get(name, {"file": name, "error": "wennuan check gave no result for this file"})
    return scoring.classify(name, FILES[name], obj)


def _fail(title: str, lines: list[str]) -> None:
    if lines:
        pytest.fail(f"{title} ({len(lines)}):\n" + "\n".join(lines), pytrace=False)


# --- the corpus itself ---------------------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in RETURNS.iterdir() if p.suffix in (".xlsx", ".xls")}
    assert on_disk == set(FILES), "returns/ and expected.json disagree: rerun make_attack"
    assert len(FILES) >= 30
    assert len({e["layout"] for e in FILES.values()}) >= 30
    assert {e["format"] for e in FILES.values()} == {"xlsx", "xls"}
    assert any(e["faults"] for e in FILES.values())
    assert any(e["refuse"] for e in FILES.values())


def test_corpus_is_new() -> None:
    """No layout of tests/foreign is repeated here, and no file carries the template's names or sheets."""
    foreign = scoring.load_expected()
    assert not {e["layout"] for e in FILES.values()} & {e["layout"] for e in foreign["files"].values()}
    problems = []
    for path in sorted(RETURNS.glob("*.xlsx")):
        with zipfile.ZipFile(path) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8")
            if "<definedName " in workbook or 'name="审核"' in workbook:
                problems.append(f"{path.name}: defined names or the template's 审核 sheet")
            if "2016-11-07T09:00:00Z" in z.read("docProps/core.xml").decode("utf-8"):
                problems.append(f"{path.name}: the template's creation time")
    assert not problems, f"files that look like the project's own template: {problems}"


@pytest.mark.skipif(sys.platform == "win32", reason="the generator is run on Linux")
def test_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.foreign_attack.make_attack", "--out", str(tmp_path), "--no-convert"],
        cwd=ROOT, check=True, capture_output=True, timeout=600,
    )
    again = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    assert again == EXPECTED, "make_attack wrote another expected.json: rerun it and commit the result"


# --- per file ------------------------------------------------------------------------------------------


@NAMES
def test_no_silent_wrong(name: str, results: dict[str, dict]) -> None:
    _fail("values read wrong without an F-LOCATE refusal",
          [r.line() for r in _fields(name, results) if r.outcome == WRONG])


@NAMES
def test_no_silent_blank(name: str, results: dict[str, dict]) -> None:
    _fail("values a person sees, read as blank without an F-LOCATE refusal",
          [r.line() for r in _fields(name, results) if r.outcome == BLANK])


@TO_REFUSE
def test_refusals(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    _fail(f"{name} [{entry['layout']}] refusals missing",
          scoring.refusal_problems(entry, results.get(name, {}), _fields(name, results)))


@WITH_FAULTS
def test_planted_faults_found(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    _fail(f"{name} [{entry['layout']}] planted faults", scoring.missed_faults(entry, results.get(name, {})))


@NAMES
def test_no_spurious_errors(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    bad = scoring.spurious(entry, results.get(name, {}))
    _fail(f"{name} [{entry['layout']}] 错误 nobody planted",
          [f"{f['rule']} {','.join(f.get('codes', []))}: {f.get('message', '')}" for f in bad])


@NAMES
def test_unit_read(name: str, results: dict[str, dict]) -> None:
    entry = FILES[name]
    problem = scoring.unit_problem(entry, results.get(name, {}))
    _fail(f"{name} [{entry['layout']}] 填报单位", [problem] if problem else [])


@NAMES
def test_cover_read(name: str, results: dict[str, dict]) -> None:
    obj = results.get(name, {})
    assert "cover" in obj, f'{name}: wennuan check --json carries no "cover" object'
    _fail(f"{name} [{FILES[name]['layout']}] cover", scoring.cover_problems(FILES[name], obj))


def summary(results: dict[str, dict]) -> str:
    """Fields right / total, silent wrong, silent blank, refused (by design refusals excluded)."""
    score = scoring.score(EXPECTED, results)
    c = score.overall
    return (f"fields right {c[RIGHT]}/{len(score.fields)}, silent wrong {c[WRONG]}, silent blank {c[BLANK]}, "
            f"refused {c[REFUSED]}; planted faults found {score.faults_found}/{score.faults_planted}; "
            f"spurious 错误 {len(score.spurious)}")


def main() -> int:
    """``python -m tests.foreign_attack.test_attack``: the score by layout, one line each."""
    results = scoring.run_check([RETURNS / name for name in FILES])
    score = scoring.score(EXPECTED, results)
    for layout, counts in sorted(score.by_layout.items()):
        total = sum(counts.values())
        print(f"{layout:26} right {counts[RIGHT]:3}/{total:<3} wrong {counts[WRONG]:3} blank {counts[BLANK]:3} "
              f"refused {counts[REFUSED]:3}")
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
