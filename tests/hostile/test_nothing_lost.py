"""Nothing lost: inputs byte-identical after every command, outputs replaced in one step, a killed run
leaving the previous output intact, its stale temp file removed by the next run, and runs repeatable."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from wennuan_xl.cli.main import main
from wennuan_xl.files.atomic import TEMP_PREFIX

from . import corpus
from .conftest import sha256_tree

ROOT = Path(__file__).resolve().parents[2]


def _quiet(argv) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def _cell_values(path: Path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_inputs_are_byte_identical_after_every_command(hostile, tmp_path):
    folder, cases = hostile
    before = sha256_tree(folder)
    stats = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    files = [str(folder / c.name) for c in cases]
    _quiet(["check", *files])
    _quiet(["check", "--json", *files])
    _quiet(["check", *files, "--flagged-copy", str(tmp_path / "标记")])
    _quiet(["check", str(folder / "r09-奇怪的数值.xlsx"), "--flagged-copy", str(tmp_path / "一份.xlsx")])
    _quiet(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx")])
    _quiet(["consolidate", str(folder), "-o", str(folder / "汇总结果.xlsx")])  # output saved among the returns
    after = sha256_tree(folder)
    assert after.pop("汇总结果.xlsx")
    assert after == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != "汇总结果.xlsx"} == stats
    assert not list(folder.glob(TEMP_PREFIX + "*")) and not list(tmp_path.rglob(TEMP_PREFIX + "*"))
    (folder / "汇总结果.xlsx").unlink()


def test_consolidating_twice_gives_the_same_content(hostile, tmp_path):
    folder, _ = hostile
    _quiet(["consolidate", str(folder), "-o", str(tmp_path / "一.xlsx")])
    _quiet(["consolidate", str(folder), "-o", str(tmp_path / "二.xlsx")])
    assert _cell_values(tmp_path / "一.xlsx") == _cell_values(tmp_path / "二.xlsx")


KILL_WHILE_WRITING = """
import sys, time, xlsxwriter
from wennuan_xl.cli.main import main
close = xlsxwriter.Workbook.close
def stalled_close(self):
    close(self)                      # the temp file is complete on disk, not yet renamed
    print("WRITTEN", flush=True)
    time.sleep(120)
xlsxwriter.Workbook.close = stalled_close
sys.exit(main(["consolidate", sys.argv[1], "-o", sys.argv[2]]))
"""


def _small_folder(tmp_path: Path, campaign, units: list[str]) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir(exist_ok=True)
    for i, unit in enumerate(units):
        corpus.plain_return(folder / f"{unit}.xlsx", campaign, unit, corpus.good_values(100 + i))
    return folder


def test_a_run_killed_while_writing_leaves_the_previous_output_and_the_next_run_cleans_up(tmp_path, campaign):
    folder = _small_folder(tmp_path, campaign, ["市中区总工会", "沙湾区总工会"])
    out_dir = tmp_path / "out"
    out = out_dir / "汇总.xlsx"
    assert _quiet(["consolidate", str(folder), "-o", str(out)]) == 0
    previous = out.read_bytes()
    corpus.plain_return(folder / "犍为县总工会.xlsx", campaign, "犍为县总工会", corpus.good_values(7))  # new content
    proc = subprocess.Popen([sys.executable, "-c", KILL_WHILE_WRITING, str(folder), str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "WRITTEN", proc.stderr.read()
        stale = sorted(out_dir.glob(TEMP_PREFIX + "*"))
        # the complete temp file beside the target, and xlsxwriter's working folder (removed in a finally,
        # which SIGKILL skips)
        assert sorted(p.suffix for p in stale) == [".d", ".xlsx"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert out.read_bytes() == previous  # the previous output is intact
    assert sorted(out_dir.glob(TEMP_PREFIX + "*")) == stale  # left behind by the killed run
    assert _quiet(["consolidate", str(folder), "-o", str(out)]) == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["汇总.xlsx"]  # the stale temp file is gone
    assert out.read_bytes() != previous


def test_a_temp_file_of_a_live_run_is_left_alone(tmp_path, campaign):
    from wennuan_xl.files.atomic import remove_stale_temp_files

    live = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-abc.xlsx"  # the parent process is alive
    dead = tmp_path / f"{TEMP_PREFIX}999999999-abc.xlsx"
    other = tmp_path / ".~lock.汇总.xlsx#"
    for p in (live, dead, other):
        p.write_bytes(b"x")
    assert remove_stale_temp_files(tmp_path) == [dead]
    assert live.exists() and other.exists()


def test_a_run_killed_at_any_moment_never_leaves_a_partial_output(tmp_path, campaign):
    """The real command, SIGKILLed after increasing delays: the output is the old one or a whole new one."""
    roster = [u.name for u in campaign.roster]
    folder = _small_folder(tmp_path, campaign, roster[:12])
    out_dir = tmp_path / "out"
    out = out_dir / "汇总.xlsx"
    assert _quiet(["consolidate", str(folder), "-o", str(out)]) == 0
    old = out.read_bytes()
    shutil.copy(folder / f"{roster[0]}.xlsx", folder / f"{roster[12]}.xlsx")  # new content for the next runs
    for delay in (0.2, 0.5, 0.8, 1.2):
        proc = subprocess.Popen([sys.executable, "-m", "wennuan_xl", "consolidate", str(folder), "-o", str(out)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        data = out.read_bytes()
        if data != old:
            _cell_values(out)  # a complete workbook, which openpyxl opens
            old = data
        leftovers = list(out_dir.glob(TEMP_PREFIX + "*"))
        assert len({p.name.split("-")[1] for p in leftovers}) <= 1  # at most the killed run's file and folder
        assert len(leftovers) <= 2
    assert _quiet(["consolidate", str(folder), "-o", str(out)]) == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["汇总.xlsx"]
