"""A fixed-seed slice of ``benchmarks/fuzz.py``: mutated returns never crash the read -> check path."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_fuzz_slice_has_no_crash(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from fuzz import Fuzzer
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    res = Fuzzer(seed=2024, work=tmp_path).run(300, flag_every=10, consolidate_every=40, quiet=True)
    assert not res.crashes, "\n\n".join(f"{c} ({k})\n{t}" for c, k, t in res.crashes[:3])
    assert res.reports > 30 and res.unusable > 30  # the slice exercises both outcomes
    assert res.flagged >= 3 and res.consolidated >= 1
    # XML spelled another way (attribute order, whitespace, quotes, references, prefixes) is still read
    assert res.kinds.get("syntax", 0) > 50 and res.kind_reports.get("syntax", 0) > 10, (res.kinds, res.kind_reports)
    assert res.kinds.get("xls/ods", 0) > 10
