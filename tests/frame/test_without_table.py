"""Without the ``table`` extra (numpy and pandas), as on a clerk's Excel PC: the same consolidation, the same
findings and totals, checked return by return; only the analysts' DataFrame views need pandas, and say so."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wennuan_xl import jobs

BLOCK = "import sys; sys.modules['numpy'] = None; sys.modules['pandas'] = None\n"

SUMMARY = """
import json
from wennuan_xl import jobs
result = jobs.read_and_consolidate(jobs.settings(workers=1), jobs.sample_returns_folder())
print(json.dumps({
    "findings": sorted([unit, file, f.rule, f.severity.label, f.message, f.explanation]
                       for unit, file, f in result.findings()),
    "totals": {code: None if v != v else v for code, v in result.totals.items()},
    "unit_counts": result.unit_counts,
    "numpy": "numpy" in sys.modules and sys.modules["numpy"] is not None,
}, ensure_ascii=False, sort_keys=True))
"""


def _run(code: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *argv], check=False, capture_output=True, text=True, timeout=600)


def _summary(block: bool) -> dict:
    done = _run((BLOCK if block else "import sys\n") + SUMMARY)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_consolidation_without_numpy_and_pandas_is_the_same():
    assert jobs.column_checker() is not None  # this test run has the extra: the column-wise checker is used
    plain, table = _summary(block=True), _summary(block=False)
    assert plain["numpy"] is False and table["numpy"] is True
    assert plain["findings"] and plain["findings"] == table["findings"]
    assert plain["totals"] == table["totals"] and plain["unit_counts"] == table["unit_counts"]
    assert any(f[3] == "错误" for f in plain["findings"])


def test_without_the_extra_the_column_checker_is_not_offered():
    done = _run(BLOCK + "from wennuan_xl import jobs; print(jobs.column_checker())")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_the_demo_runs_without_numpy_and_pandas(tmp_path):
    code = BLOCK + "from wennuan_xl.cli.main import main; raise SystemExit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "demo"], check=False, capture_output=True, text=True, timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "送温暖汇总-示例.xlsx").is_file()
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("view", ["frame", "findings_frame()"])
def test_the_dataframe_views_name_the_extra_to_install(view):
    code = BLOCK + (
        "from wennuan_xl import jobs\n"
        "result = jobs.read_and_consolidate(jobs.settings(workers=1), jobs.sample_returns_folder())\n"
        "try:\n"
        f"    result.{view}\n"
        "except ModuleNotFoundError as e:\n"
        "    print(e)\n"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert "需要 pandas" in done.stdout and 'pip install "wennuan-xl[table]"' in done.stdout
