"""Benchmark: one click of 审核退回表, the Python side, each in a fresh process — as Excel runs it.

    python benchmarks/click.py                  # this checkout, 15 fresh processes
    python benchmarks/click.py --source DIR     # another checkout of the package (e.g. main), for a ratio
    python benchmarks/click.py --runs 31 --no-bytecode
    python benchmarks/click.py --python /tmp/venv-bench/bin/python   # clicks in a venv without the editable install
    python benchmarks/click.py --python /tmp/venv-excel/bin/python --against-python /tmp/venv-table/bin/python
        # the Excel PC's venv (`pip install .[excel]`) against one with the `table` extra (numpy, pandas)
    python benchmarks/click.py --python /tmp/venv-excel/bin/python --previous
        # a click with 设置's 上年同期数据 filled (last year's consolidated workbook) against one without

xlwings' RunPython without the UDF server (xlwings.conf: USE UDF SERVER False) starts
``pythonw -B -c "import xlwings.utils; …; import wennuan_xl.excel.buttons as b; b.validate()"`` per click,
and Excel waits until that process exits. This script starts the same command the same way
(``-B``: no bytecode written; bytecode compiled at install time, as pip does, is read) and times, from
spawn to exit, a click on one return (``workbooks/samples/returns/犍为县-附件1.xlsx``: protected sheet,
three 错误) open beside the master (the committed ``wennuan_master.xlsm``'s sheets). Excel itself is
not here: xlwings' remote engine (tests only, PolyForm Noncommercial) stands in for it, and the time it
takes to build its two books from JSON is measured and subtracted — on Windows that step is
``Book.caller()`` connecting to Excel instead.

Prints the median, min and max of ≥ 10 runs, the breakdown (interpreter + ``import xlwings``, our
import, the click itself) and, with ``--source``, the ratio to the other checkout. The campaign cache
(files/campaign_cache.py) is warmed by one untimed click first, as any click after the first one finds
it; ``--cold`` times the first click too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RETURN = ROOT / "workbooks" / "samples" / "returns" / "犍为县-附件1.xlsx"
MASTER = ROOT / "workbooks" / "wennuan_master.xlsm"

# Three kinds of fresh process, run in turns so they share the machine's noise:
#   PRELUDE  what RunPython's command does before ours: the interpreter and ``import xlwings.utils``
#   STAND_IN the remote engine and its two books, standing in for Excel (then nothing)
#   CLICK    the stand-in, then ``import wennuan_xl.excel.buttons as b; b.validate()``
# The Python side of a click = PRELUDE + (CLICK - STAND_IN): the stand-in's cost, teardown included, drops out.
PRELUDE = "import xlwings.utils"
STAND_IN = """
import time, sys, json, os
t0 = time.perf_counter()
import xlwings.utils  # RunPython's command starts so; no licence key, as on a clerk's PC
tx = time.perf_counter()
import xlwings as xw
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # the remote engine (tests only) stands in for Excel
from xlwings.pro import _xlremote
xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
xw.engines["remote"].apps.add(add_book=False)  # an Excel with no workbook but these two
payloads = json.load(open(sys.argv[1], encoding="utf-8"))
xw.Book(json=payloads["return"])
xw.Book(json=payloads["master"]).set_mock_caller()
t1 = time.perf_counter()
"""
# The buttons freeze what exists when they start (excel/errors.py): the stand-in is frozen alike, so that
# subtracting it leaves nothing of it, teardown included.
FROZEN = "import gc; gc.freeze()"
CLICK = STAND_IN + """
import wennuan_xl.excel.buttons as b
t2 = time.perf_counter()
b.validate()
t3 = time.perf_counter()
print(json.dumps({"xlwings": tx - t0, "import": t2 - t1, "click": t3 - t2}))
"""


def payload(path: Path, name: str) -> dict:
    """What an Office.js client would send for the workbook at ``path`` (values and defined names)."""
    import datetime as dt

    import xlwings as xw

    from wennuan_xl.files.read import read_workbook

    data = read_workbook(path)
    sheets, index = [], {}
    for i, s in enumerate(data.sheets):
        width = max((len(r) for r in s.rows), default=0)
        values = [[(v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) if v != "" else None
                   for v in list(r) + [None] * (width - len(r))] for r in s.rows] or [[]]
        sheets.append({"name": s.name, "values": values, "pictures": [], "tables": [], "shapes": [], "charts": [],
                       "notes": [], "visibility": "Visible"})
        index[s.name] = i
    names = [{"name": n, "sheet_index": index[ref.sheet], "address": ref.a1, "book_scope": True,
              "scope_sheet_name": None, "scope_sheet_index": None} for n, ref in data.names.items() if ref.sheet in index]
    return {"client": "Office.js", "version": xw.__version__, "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def compile_bytecode(source: Path) -> None:
    """What ``pip install`` does for a regular install: the package's bytecode, written once."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "wennuan_xl")], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(code: str, payloads: Path, env: dict[str, str], python: str) -> tuple[float, dict[str, float]]:
    """Wall time of one fresh process, and what it printed; its CPU time goes to ``_run.cpu``."""
    cpu = _cpu()
    start = time.perf_counter()
    # In the work folder: ``-c`` puts the current folder first on sys.path, and a checkout there would win.
    # The arguments ExecuteWindows in xlwings.bas gives the click (the buttons read --from_xl=1, see errors.py).
    args = [str(payloads), f"--wb={MASTER.name}", "--from_xl=1"]
    proc = subprocess.run([python, "-B", "-c", code, *args], env=env, cwd=payloads.parent,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    _run.cpu = _cpu() - cpu  # type: ignore[attr-defined]
    if proc.returncode != 0:
        raise SystemExit(f"the process failed:\n{proc.stderr}")
    out = proc.stdout.strip().splitlines()
    return wall, json.loads(out[-1]) if out else {}


def last_year(work: Path) -> Path:
    """Last year's consolidated workbook, as the program writes it: the sample returns consolidated."""
    out = work / "上年汇总.xlsx"
    subprocess.run([sys.executable, "-m", "wennuan_xl", "consolidate", str(RETURN.parent), "-o", str(out)],
                   check=False, capture_output=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    if not out.is_file():
        raise SystemExit("last year's workbook could not be written")
    return out


def measure(setups: list[tuple[Path, str, bool]], runs: int, bytecode: bool) -> list[dict[str, list[float]]]:
    """Per setup (a checkout, the interpreter of its clicks, and whether 设置's 上年同期数据 names last year's
    consolidated workbook, so that the click also compares with it), ``runs`` clicks; every round runs the prelude,
    the stand-in and one click of each setup in turn, so a busy moment of the machine weighs on all alike."""
    for source in {source for source, _, _ in setups}:
        if bytecode:
            compile_bytecode(source)
    with tempfile.TemporaryDirectory(prefix="wennuan-click-") as tmp:
        work = Path(tmp)
        master = payload(MASTER, str(work / MASTER.name))
        settings = master["sheets"][[s["name"] for s in master["sheets"]].index("设置")]["values"]
        settings[1][1] = str(work)  # WN_FOLDER
        previous_book = last_year(work) if any(previous for _, _, previous in setups) else None
        files = []
        for i, (_, _, previous) in enumerate(setups):
            settings[8][1] = str(previous_book) if previous else ""  # WN_PREVIOUS
            files.append(work / f"payloads{i}.json")
            files[-1].write_text(json.dumps({"return": payload(RETURN, RETURN.name), "master": master},
                                            ensure_ascii=False), encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
        envs = [base | {"WENNUAN_CACHE_DIR": str(work / f"cache{i}"), "PYTHONPATH": str(s), "TMPDIR": str(work)}
                for i, (s, _, _) in enumerate(setups)]
        pythons = [python for _, python, _ in setups]
        out = [{"prelude": [], "stand_in": [], "click": [], "xlwings": [], "import": [], "inside": [], "first": [],
                "cpu_prelude": [], "cpu_stand_in": [], "cpu_click": []} for _ in setups]
        for m, env, python, payloads in zip(out, envs, pythons, files):
            m["first"].append(_run(CLICK, payloads, env, python)[0])  # builds the campaign cache
        for _ in range(runs):
            for m, env, python, payloads in zip(out, envs, pythons, files):
                m["prelude"].append(_run(PRELUDE, payloads, env, python)[0])
                m["cpu_prelude"].append(_run.cpu)  # type: ignore[attr-defined]
                m["stand_in"].append(_run(STAND_IN + FROZEN, payloads, env, python)[0])
                m["cpu_stand_in"].append(_run.cpu)  # type: ignore[attr-defined]
                wall, parts = _run(CLICK, payloads, env, python)
                m["cpu_click"].append(_run.cpu)  # type: ignore[attr-defined]
                m["click"].append(wall)
                m["import"].append(parts["import"])
                m["xlwings"].append(parts["xlwings"])
                m["inside"].append(parts["click"])
        return out


def report(label: str, m: dict[str, list[float]]) -> tuple[float, float]:
    med = {k: statistics.median(v) * 1000 for k, v in m.items() if v}
    ours = [(c - s) * 1000 for c, s in zip(m["click"], m["stand_in"])]
    side = med["prelude"] + statistics.median(ours)
    inside = statistics.median((x + i + c) * 1000 for x, i, c in zip(m["xlwings"], m["import"], m["inside"]))
    cpu = med["cpu_prelude"] + statistics.median((c - s) * 1000 for c, s in zip(m["cpu_click"], m["cpu_stand_in"]))
    print(f"{label}: the Python side of one click, median {side:.0f} ms, process start to exit "
          f"({len(m['click'])} fresh processes of each kind); {cpu:.0f} ms of CPU time (what the wall time is on an idle "
          f"machine); {inside:.0f} ms from `import xlwings.utils` to the end of validate()")
    print(f"    RunPython's prelude (interpreter, import xlwings) {med['prelude']:.0f} ms + ours {statistics.median(ours):.0f} ms "
          f"(min {min(ours):.0f}, max {max(ours):.0f}): import wennuan_xl.excel.buttons {med['import']:.0f} ms, "
          f"the click (campaign, read, check, flag, 审核结果) {med['inside']:.0f} ms, the rest interpreter teardown")
    print(f"    [the stand-in for Excel (remote engine, two books from JSON) {med['stand_in'] - med['prelude']:.0f} ms, not counted]")
    return side, inside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", type=Path, help="another checkout to compare with (its folder holding wennuan_xl/)")
    parser.add_argument("--no-bytecode", action="store_true", help="do not compile the package first (an editable install under -B)")
    parser.add_argument("--cold", action="store_true", help="also show the first click (no campaign cache yet)")
    parser.add_argument("--python", help="the interpreter of the clicks: one with xlwings and the package's "
                        "dependencies installed as on a clerk's PC (pip, no editable install: its finder costs every "
                        "process ~15 ms); the package itself comes from the checkout, on PYTHONPATH")
    parser.add_argument("--against-python", help="a second interpreter for the same checkout, for a ratio (e.g. one "
                        "with the `table` extra, numpy and pandas, which xlwings imports on every click)")
    parser.add_argument("--previous", action="store_true", help="also click with 设置's 上年同期数据 naming last "
                        "year's consolidated workbook (the sample returns consolidated), in the same rounds, for a ratio")
    args = parser.parse_args(argv)
    python = args.python or sys.executable
    if args.runs < 10:
        parser.error("--runs: at least 10, the median of fewer says little")
    if sum(map(bool, (args.source, args.against_python, args.previous))) > 1:
        parser.error("--source, --against-python, --previous: one comparison at a time")
    setups = [(ROOT, python, False)]
    if args.source:
        setups.append((args.source.resolve(), python, False))
    if args.against_python:
        setups.append((ROOT, args.against_python, False))
    if args.previous:
        setups.append((ROOT, python, True))
    results = measure(setups, args.runs, not args.no_bytecode)
    ours, ours_inside = report("this checkout", results[0])
    if args.cold:
        runs = results[0]
        stand_in = statistics.median(runs["stand_in"]) - statistics.median(runs["prelude"])
        print(f"    the first click after an install or a campaign edit (cache built): {(runs['first'][0] - stand_in) * 1000:.0f} ms")
    if len(setups) > 1:
        other = (str(args.source) if args.source else "this checkout, comparing with last year (上年同期数据)"
                 if args.previous else f"this checkout clicked by {args.against_python}")
        theirs, theirs_inside = report(other, results[1])
        print(f"ratio: {theirs / ours:.1f}x faster than {other} process start to exit, "
              f"{theirs_inside / ours_inside:.1f}x from import xlwings to the end of validate()")
    print(f"target ≤ 250 ms: process start to exit {'met' if ours <= 250 else 'NOT met'}, "
          f"import xlwings to the end of validate() {'met' if ours_inside <= 250 else 'NOT met'}")
    if args.previous:
        print(f"target ≤ 250 ms with 上年同期数据 filled: process start to exit {'met' if theirs <= 250 else 'NOT met'}, "
              f"import xlwings to the end of validate() {'met' if theirs_inside <= 250 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
