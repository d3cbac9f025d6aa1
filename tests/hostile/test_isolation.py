"""A reader that dies costs only its file: workers, their limits, and what the clerk then sees.

The guard stops every attack we know before calamine starts, so these tests take the guard away (or call
calamine directly in a worker) to show what happens when an unknown one gets through: the real aborts and
panics of python-calamine, in real worker processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files import guard, isolated, read
from wennuan_xl.files.isolated import Died, Pool

from . import corpus
from .attacks import ATTACKS

ROOT = Path(__file__).resolve().parents[2]
BY_NAME = {a.name: a for a in ATTACKS}


def _calamine(path: str) -> str:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(Path(path).read_bytes()))
    for meta in book.sheets_metadata:
        book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
    return "read"


def _ok(x: int) -> int:
    return x * 2


def _abort(_x: int) -> int:
    os.abort()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))


def _pid(_x: int) -> int:
    return os.getpid()


@pytest.fixture(scope="module")
def bombs(tmp_path_factory, campaign):
    """Files that abort or panic a bare calamine read (shown by calling it), and a good return."""
    folder = tmp_path_factory.mktemp("bombs")
    good = corpus.good_bytes(campaign, folder)
    out = {}
    for name in ("x07-共享字符串万亿.xlsx", "x09-共享字符串u64.xlsx", "x01-工作表部件不叫xml.xlsx"):
        (folder / name).write_bytes(BY_NAME[name].build(good))
        out[name] = folder / name
    out["good"] = folder / "市中区总工会.xlsx"
    out["good"].write_bytes(good)
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="os.abort and signals are POSIX")
def test_a_worker_that_aborts_or_overruns_costs_only_its_call(bombs):
    with Pool(2, seconds=3) as pool:
        calls = [(1,), (2,), (3,), (4,)]
        assert list(pool.map(_ok, calls)) == [2, 4, 6, 8]
        answers = list(pool.map(_abort, [(0,)]))
        assert isinstance(answers[0], Died) and "SIGABRT" in answers[0].reason
        assert "文件结构异常，读取时程序异常退出" in answers[0].reason
        started = time.monotonic()
        slow = list(pool.map(_sleep, [(30,), (0,)]))
        assert isinstance(slow[0], Died) and "超过 3 秒" in slow[0].reason and slow[1] == "woke"
        assert time.monotonic() - started < 10
        assert list(pool.map(_ok, [(5,)])) == [10]  # replaced workers go on
        assert pool.deaths == 2


def _either(kind: str, x: float):
    return {"ok": _ok, "abort": _abort, "sleep": _sleep}[kind](x)


@pytest.mark.skipif(sys.platform == "win32", reason="os.abort and signals are POSIX")
def test_calls_waiting_behind_a_dying_call_are_answered_by_another_worker():
    """A worker is sent its next call while it works on one: when it aborts or overruns, only the call it
    was on is lost; the one waiting in its pipe is answered by its replacement, in order."""
    with Pool(1, seconds=2) as pool:
        calls = [("ok", 1), ("abort", 0), ("ok", 2), ("sleep", 30), ("ok", 3), ("ok", 4)]
        answers = list(pool.map(_either, calls))
    assert [a if not isinstance(a, Died) else "died" for a in answers] == [2, "died", 4, "died", 6, 8]
    assert "SIGABRT" in answers[1].reason and "超过 2 秒" in answers[3].reason


def test_a_calls_time_limit_runs_from_when_its_worker_starts_it():
    with Pool(1, seconds=2) as pool:  # both calls are sent at once; together they take longer than the limit
        assert list(pool.map(_sleep, [(1.3,), (1.3,)])) == ["woke", "woke"]


@pytest.mark.skipif(sys.platform == "win32", reason="the abort is reported by its signal")
def test_calamine_aborting_on_an_unguarded_file_is_one_files_answer(bombs):
    """uniqueCount=10^12: calamine reserves that many strings and the allocator aborts the process."""
    with Pool(1) as pool:
        answers = list(pool.map(_calamine, [(str(bombs["x07-共享字符串万亿.xlsx"]),), (str(bombs["good"]),)]))
    assert isinstance(answers[0], Died) and "SIGABRT" in answers[0].reason
    assert answers[1] == "read"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's; elsewhere the watchdog measures")
def test_the_memory_limit_holds_in_a_worker():
    with Pool(1) as pool:
        big, small = pool.map(_allocate, [(4 * 1024,), (10,)])
    assert isinstance(big, Died) and "MemoryError" in big.reason  # RLIMIT_AS: Python's own allocation fails
    assert small == 10 * 1024 * 1024


def test_a_panic_is_caught_as_this_files_reason(bombs, monkeypatch):
    """u64-max uniqueCount: calamine panics ("capacity overflow"), a BaseException; read.py answers it."""
    monkeypatch.setattr(guard, "inspect", lambda data, shown: guard.Inspected("xlsx"))
    with pytest.raises(ReturnUnusable) as caught:
        read.read_workbook(bombs["x09-共享字符串u64.xlsx"])
    assert "PanicException" in caught.value.reason and "文件结构异常" in caught.value.reason


def _without_guard(monkeypatch):
    # Forked workers inherit the parent's modules: the patch reaches them.
    monkeypatch.setattr(guard, "inspect", lambda data, shown: guard.Inspected("xlsx"))
    monkeypatch.setattr(isolated, "_context", lambda: __import__("multiprocessing").get_context("fork"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guard is removed in forked workers")
def test_check_goes_on_when_an_unguarded_file_kills_its_reader(bombs, tmp_path, monkeypatch, capsys):
    _without_guard(monkeypatch)
    files = [str(bombs["good"])] * 4 + [str(bombs["x01-工作表部件不叫xml.xlsx"])] + [str(bombs["good"])] * 4
    code = main(["check", "--json", *files])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert "程序异常退出" in out[4]["error"]
    assert [o["unit"] for i, o in enumerate(out) if i != 4] == ["市中区总工会"] * 8


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the guard is removed in forked workers")
def test_consolidate_writes_its_workbook_when_one_file_of_nine_kills_its_reader(bombs, tmp_path, monkeypatch, capsys,
                                                                                 campaign):
    _without_guard(monkeypatch)
    folder = tmp_path / "returns"
    folder.mkdir()
    for i, unit in enumerate(u.name for u in campaign.roster[:8]):
        corpus.plain_return(folder / f"{unit}.xlsx", campaign, unit, corpus.good_values(200 + i))
    (folder / "x07.xlsx").write_bytes(bombs["x07-共享字符串万亿.xlsx"].read_bytes())
    code = main(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert (tmp_path / "汇总.xlsx").exists()
    by_file = {u["file"]: u for u in out["units"]}
    assert by_file["x07.xlsx"]["status"] == "无法读取"
    assert sum(1 for u in out["units"] if u["status"] == "已报") == 8


WORKERS_OUTLIVE = """
import sys, time
from wennuan_xl.files.isolated import Pool

def stall(_):
    time.sleep(600)

if __name__ == "__main__":
    with Pool(2) as pool:
        for _ in pool.map(stall, [(0,), (1,)]):
            pass
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="the children of a process are read from /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    script = tmp_path / "stall.py"
    script.write_text(WORKERS_OUTLIVE)
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT)
    try:
        children: list[int] = []
        for _ in range(100):
            time.sleep(0.1)
            with contextlib.suppress(OSError):
                children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
            if len(children) >= 2:
                break
        assert len(children) >= 2, "the workers did not start"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.1)
        assert not [pid for pid in children if _alive(pid)]
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_are_other_processes_and_the_main_process_never_reads(bombs, campaign, rules, monkeypatch):
    """The main process hands no return to calamine: its reader is replaced by one that fails the test."""
    import python_calamine

    main_pid = os.getpid()

    def guarded_from_filelike(*args, **kwargs):
        assert os.getpid() != main_pid, "calamine was called in the main process"
        return original(*args, **kwargs)

    original = python_calamine.CalamineWorkbook.from_filelike
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", guarded_from_filelike)
    results = isolated.check_files([(str(bombs["good"]), "good.xlsx")] * 3, campaign, rules)
    assert [r.unit for r in results] == ["市中区总工会"] * 3
    with Pool(2) as pool:
        pids = set(pool.map(_pid, [(i,) for i in range(6)]))
    assert main_pid not in pids and len(pids) == 2
