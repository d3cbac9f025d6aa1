"""Benchmark: checking a 实名制 list of N people, and finding the people paid twice across 16 units' lists.

    python benchmarks/namelist.py 10000 100000

For each N, medians of 5 runs (after one warm-up):
  * check one list of N rows in memory (locate the header and columns, every row check, duplicates inside);
  * duplicates across 16 units' lists holding N people in all (one dictionary on the normalised ID; 1 % of
    the people appear in two units' lists), with their findings;
  * for N <= 10,000 also a list file end to end, one sheet as a unit sends it: guard, calamine read, locate,
    check (the hostile-input guard admits 150,000 value cells, ~12,000 people at 12 columns: a larger list
    comes as several files), with the guard's counts of that file.
IDs are generated with their check characters; none is a real person's.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.core.idnumber import make_id
from wennuan_xl.core.namelist.check import check_book
from wennuan_xl.core.namelist.consolidate import UnitList, duplicate_findings, find_duplicates
from wennuan_xl.core.namelist.spec import namelist_spec
from wennuan_xl.core.workbook import WorkbookData
from wennuan_xl.files.campaign_files import load_campaign
from wennuan_xl.namelist_samples import list_sheet

REGIONS = ("511102", "511111", "511112", "511113", "511123", "511124", "511126", "511129", "511132", "511133", "511181")
CATEGORIES = ("困难职工", "困难职工", "困难职工", "困难农民工", "困难劳模", "一线职工")
FILE_ROWS = 10_000  # the largest list file measured end to end (limits.MAX_CELLS admits ~12,000 people)


def people(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
        out.append({
            "SEQ": i + 1, "NAME": "张" + "秀英建国桂兰志强"[rng.randrange(0, 7):][:2], "SEX": "男" if i % 2 else "女",
            "ID": make_id(rng.choice(REGIONS), born, (i % 500) * 2 + (i % 2)), "ADDRESS": f"乐山市{rng.choice(('市中区', '五通桥区', '沙湾区', '犍为县'))}某某路{i % 300 + 1}号",
            "CATEGORY": rng.choice(CATEGORIES), "FORM": "现金", "AMOUNT": rng.choice((300, 500, 800, 1000)), "GOODS": 0,
            "DATE": dt.date(2017, 1, 10), "PHONE": f"139{rng.randrange(10**7, 10**8)}", "REMARK": "",
        })
    return out


def median(fn, runs: int = 5) -> tuple[float, float]:
    """(wall, CPU) medians in seconds: on a shared machine the CPU time says what the code costs."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def fmt(t: tuple[float, float]) -> str:
    return f"{t[0]:.3f} s ({t[1]:.3f} CPU)"


def main(sizes: list[int]) -> None:
    campaign = load_campaign()
    spec = namelist_spec(campaign)
    assert spec is not None
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians, wall (CPU) seconds")
    print(f"{'N':>8}  {'check one list':>24}  {'CPU per row':>11}  {'16 units: duplicates':>32}  {'list file end to end':>24}")
    for n in sizes:
        rows = people(n)
        book = WorkbookData("bench", (list_sheet(spec, rows),))
        check = median(lambda book=book: check_book(book, spec, campaign))
        # 16 units; 1 % of the people also in the next unit's list
        share = n // 16
        units = []
        for u in range(16):
            mine = rows[u * share:(u + 1) * share]
            if u:
                mine = mine + rows[(u - 1) * share:(u - 1) * share + share // 100]
            units.append(mine)
        reports = [check_book(WorkbookData(f"u{u}", (list_sheet(spec, r, unit=f"单位{u}"),)), spec, campaign) for u, r in enumerate(units)]
        lists = [UnitList(f"单位{u}", f"u{u}.xlsx", r) for u, r in enumerate(reports) if r is not None]
        found: list = []

        def dups(lists=lists, found=found) -> None:
            found[:] = find_duplicates(lists)
            duplicate_findings(found, spec.cross_checks)

        across = median(dups)
        end = "—"
        if n <= FILE_ROWS:
            end = fmt(median(lambda rows=rows: _file_check(rows, spec, campaign), runs=3))
        print(f"{n:>8,}  {fmt(check):>24}  {check[1] / n * 1e6:>8.1f} µs  {fmt(across):>22} ({len(found):,} 人)  {end:>24}")
    for n, path in _FILES.items():
        from wennuan_xl.files import guard

        counts = dict(guard.inspect(path.read_bytes(), path.name).counts)
        print(f"list file of {n:,} people: {path.stat().st_size / 2**20:.1f} MB; the guard counts "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def _file_check(rows: list[dict], spec, campaign) -> None:
    from wennuan_xl.files.namelist_source import load_any

    path = _FILES.get(len(rows))
    if path is None:
        path = _write(rows)
        _FILES[len(rows)] = path
    _, lst = load_any(path, campaign)
    assert lst is not None and len(lst.people) == len(rows)


_FILES: dict[int, Path] = {}


def _write(rows: list[dict]) -> Path:
    import xlsxwriter

    path = Path(tempfile.mkdtemp()) / "list.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    heads = ("序号", "姓名", "性别", "公民身份号码", "工作单位或住址", "困难类别", "慰问形式", "金额（元）", "其中物资折款（元）", "发放日期", "联系电话", "备注")
    keys = ("SEQ", "NAME", "SEX", "ID", "ADDRESS", "CATEGORY", "FORM", "AMOUNT", "GOODS", "DATE", "PHONE", "REMARK")
    ws = wb.add_worksheet("实名制名单")
    ws.write_string(0, 0, "送温暖资金发放实名制汇总表")
    ws.write_string(1, 0, "填报单位：市中区总工会")
    for c, h in enumerate(heads):
        ws.write_string(3, c, h)
    for r, row in enumerate(rows, start=4):
        for c, k in enumerate(keys):
            v = row[k]
            if isinstance(v, dt.date):
                ws.write_string(r, c, v.isoformat())
            elif isinstance(v, str):
                if v:
                    ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()
    return path


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
