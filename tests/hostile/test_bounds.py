"""Every hostile file is answered quickly and in little memory, measured in a separate process.

The targets (2 s, 200 MB for the whole process) are measured by ``benchmarks/hostile.py`` and reported in
the README; here the bounds are generous so that a busy machine cannot make the test flaky, yet a file
that reached a parser unguarded (1 GB of XML: 5 s and 1 GB) would fail it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["h10-压缩炸弹.xlsx", "h11-压缩炸弹-谎报大小.xlsx", "h13-许多部件合计过大.xlsx", "h14-部件数据重叠.xlsx",
         "h19-嵌入对象是压缩炸弹.xlsx", "h21-一百万行.xlsx", "h22-远处的单元格.xlsx", "h30-十亿笑声-工作表.xlsx",
         "h43-稀疏的xls.xls", "r08-超长单位名.xlsx", "r12-百万字单位名.xlsx",
         # the second round: each of these aborts, panics or exhausts a bare calamine read (benchmarks/hostile.py --bare)
         "x01-工作表部件不叫xml.xlsx", "x07-共享字符串万亿.xlsx", "x10-共享字符串复制.xlsx", "x12-万个工作表指向一处.xlsx",
         "x19-三十万空单元格.xlsx", "x20-图片名下的XML.xlsx", "x30-ods重复炸弹.ods", "x31-ods远处的值.ods",
         "x32-ods二十亿空格.ods", "x40-xls尺寸记录回绕.xls", "x44-xls扇区链成环.xls"]


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak memory per file needs Linux /proc")
def test_each_heavy_file_is_answered_within_bounds(hostile):
    folder, _ = hostile
    files = [str(folder / n) for n in HEAVY]
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "hostile.py"), "--measure", *files],
                          check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    results = {r["file"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert sorted(results) == sorted(HEAVY)
    for name, r in results.items():
        assert "crash" not in r and "程序异常退出" not in r.get("error", ""), r
        assert r["seconds"] < 10, r
        assert r["peak_mb"] < 400, r
        assert "error" in r or name.startswith("r"), r


def test_roster_matching_compares_a_bounded_prefix_once_per_name(campaign):
    import time

    from wennuan_xl.core.roster import RosterIndex

    index = RosterIndex(campaign.roster, campaign.unit_prefixes)
    typed = "乐山高新区工会" + "长" * 1_000_000
    started = time.perf_counter()
    first = index.match(typed)
    second = index.match(typed)
    assert time.perf_counter() - started < 1.0  # was 20 s: difflib over the whole text, against every unit
    assert first == second and first.unit is not None and first.unit.name == "乐山高新区工会"
    assert index.match("峨边彝族自治县总工会").how == "exact"
