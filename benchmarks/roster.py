"""Benchmark: roster matching at scale, this checkout against an older one, in the same run.

    python benchmarks/roster.py                      # N = 1,000 and 10,000, against 806e3b7 (main before the index)
    python benchmarks/roster.py --n 1000 --baseline main --off 0.05

For each N: a roster of N generated unit names (county, town or street, organisation: 犍为县清溪镇中心小学工会,
乐山XX有限公司工会 ...) and one return per unit, 5 % of them (``--off``) with the 填报单位 typed a little off: a
wrong character, 区/县/市 left out, 工会 written 总工会 / 委员会 / 公会, full-width digits, spaces, the parts in another
order, a 乐山市 prefix; one in five of those names no unit at all (a unit not on the roster). Files are named
``<填报单位>-附件.xlsx``, as units name them.

Two stages are timed in CPU seconds, each in a fresh process per version (the older one is the package
extracted from git by ``git archive``, the roster and returns built by the same code):

* cover checks: the 填报单位 checks (on the roster, 必填 …) of every return, as the workers run them
  (``check_values`` with the cover rules only; every return's two annexes), and of that the roster's part
  alone: each 填报单位 matched, the roster's index built first;
* consolidate(): the returns as the workers hand them over, consolidated (matching, 上报情况, totals).

Prints seconds, ms per unit, old/new ratios, CPU per unit at the largest N over the smallest (the target:
within 10 %), and whether both versions gave the same unit, 上报情况 and match for every return.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from array import array
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COUNTIES = ["市中区", "五通桥区", "沙湾区", "金口河区", "犍为县", "井研县", "夹江县", "沐川县", "峨边彝族自治县",
            "马边彝族自治县", "峨眉山市", "乐山高新区"]
PLACE_CHARS = ("清溪罗城铁炉孝姑玉津寿保石溪塘坝安谷悦来九峰符溪苏稽棉竹牟子平兴全福土主杨湾临江关庙新民茶坪"
               "龙池黄丹沙湾踏水嘉农太平福禄轸溪范店白马水口迎阳漹城马踏王村双福车子通江青江杨柳白岩凤凰金山"
               "桥沟河坪场口湾滩岗岭堰寺庙")
TOWN_KIND = ["镇", "乡", "街道"]
ORGS = ["中心小学", "中学", "卫生院", "派出所", "供电所", "农业服务中心", "财政所", "社区", "村", "初级中学",
        "中心幼儿园", "便民服务中心", "机关", "敬老院", "信用社"]
COMPANY_KIND = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
COMPANY_TRADE = ["建材", "化工", "电力", "食品", "茶业", "物流", "机械", "水泥", "陶瓷", "竹业", "旅游", "医药", "硅业"]


def roster_names(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < n:
        county = rng.choice(COUNTIES)
        if rng.random() < 0.25:
            name = "乐山" + "".join(rng.choices(PLACE_CHARS, k=2)) + rng.choice(COMPANY_TRADE) + rng.choice(COMPANY_KIND) + "工会"
        else:
            town = "".join(rng.choices(PLACE_CHARS, k=2)) + rng.choice(TOWN_KIND)
            name = county + town + rng.choice(ORGS) + rng.choice(("工会", "工会", "总工会", "委员会"))
        names.setdefault(name, None)
    return list(names)


def off_name(rng: random.Random, name: str) -> str:
    """A name typed a little off the roster, as clerks type it (or, one in five, a unit not on the roster)."""
    if rng.random() < 0.2:
        return "".join(rng.choices(PLACE_CHARS, k=4)) + rng.choice(ORGS) + "工会"
    kind = rng.choice(["typo", "no-kind", "suffix", "full-width", "space", "swap", "prefix"])
    if kind == "typo":
        i = rng.randrange(len(name) - 2)
        return name[:i] + rng.choice(PLACE_CHARS) + name[i + 1 :]
    if kind == "no-kind":
        for c in "区县市镇":
            if c in name:
                return name.replace(c, "", 1) + "公会"
    if kind == "suffix":
        return name.removesuffix("工会").removesuffix("总").removesuffix("委员会") + rng.choice(("公会", "工委", "职工之家"))
    if kind == "full-width":
        return "乐山市" + name[:3] + "（" + name[3:] + "）" + "１"
    if kind == "space":
        return name[:2] + " " + name[2:5] + "　" + name[5:] + "分会"
    if kind == "swap":
        i = len(name) // 2
        return name[i:] + name[:i]
    return "四川省乐山" + name[1:] + "第二"


def workload(n: int, off: float, seed: int = 1) -> tuple[list[str], list[str]]:
    names = roster_names(n, seed)
    rng = random.Random(seed * 7919 + n)
    typed = [off_name(rng, name) if rng.random() < off else name for name in names]
    return names, typed


# --- one version, in its own process ------------------------------------------------------------------


def measure(n: int, off: float, repeats: int) -> dict:
    from dataclasses import replace

    import numpy  # noqa: F401 - imported before the clock starts (a big roster's matcher uses it; ~0.1 s once)

    from wennuan_xl.core.check import check_values
    from wennuan_xl.core.consolidate import compact, consolidate
    from wennuan_xl.core.forms import Kind, RosterUnit
    from wennuan_xl.core.roster import roster_index
    from wennuan_xl.files.campaign_files import load_campaign, load_rules
    from wennuan_xl.samples import consistent_values

    names, typed = workload(n, off)
    campaign = replace(load_campaign(), roster=tuple(RosterUnit(name) for name in names))
    rules = load_rules(campaign)
    cover_rules = replace(rules, field_checks=(), rules=(), form_checks=())
    fields = list(campaign.fields())
    patterns = []
    for seed in range(50):
        values = consistent_values(random.Random(seed), 0.5)
        numbers = array("d", (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan
                              for v in (values.get(f.code) for f in fields)))
        texts = {f.code: str(values[f.code]) for f in fields if f.kind is Kind.YESNO and f.code in values}
        patterns.append((numbers, texts))

    def cover_stage(checks) -> tuple[float, list]:
        fresh = replace(campaign)  # a new campaign object: no roster index or memo of an earlier stage
        started = time.process_time()
        out = []
        for i, unit in enumerate(typed):
            report = check_values({}, fresh, checks, ("A1", "A2"), unit=unit, source=f"{unit}-附件.xlsx")
            out.append(compact(report, fresh, 1_700_000_000.0 + i, None, {"A1": "附件1", "A2": "附件2"}))
        return time.process_time() - started, out

    def roster_stage() -> float:
        """What the 填报单位 check asks of the roster, alone: each file's name matched (the index built first)."""
        fresh = replace(campaign)
        started = time.process_time()
        index = roster_index(fresh)
        for unit in typed:
            index.match(unit)
        return time.process_time() - started

    cover_seconds = roster_seconds = math.inf
    for _ in range(repeats):
        roster_seconds = min(roster_seconds, roster_stage())
        seconds, returns = cover_stage(cover_rules)
        cover_seconds = min(cover_seconds, seconds)
    returns = [replace(r, values=patterns[i % 50][0], texts=patterns[i % 50][1]) for i, r in enumerate(returns)]

    consolidate_seconds = math.inf
    for _ in range(repeats):
        fresh = replace(campaign)  # the main process has matched nothing yet: its workers did
        started = time.process_time()
        result = consolidate(returns, fresh, rules)
        consolidate_seconds = min(consolidate_seconds, time.process_time() - started)
    answers = hashlib.sha256(json.dumps([(r.unit, r.status, r.file, r.match, r.remark) for r in result.rows],
                                        ensure_ascii=False).encode()).hexdigest()
    package = sys.modules["wennuan_xl"].__file__
    return {"n": n, "cover": cover_seconds, "roster": roster_seconds,
            "consolidate": consolidate_seconds, "answers": answers,
            "package": package, "off_units": sum(1 for a, b in zip(names, typed) if a != b),
            "roster_findings": sum(1 for r in returns for f in r.findings if f.rule == "H-ROSTER")}


def run(n: int, off: float, repeats: int, source: Path | None) -> dict:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    out = subprocess.run([sys.executable, __file__, "--measure", str(n), str(off), str(repeats)], capture_output=True, text=True,
                         env=env, cwd=source or ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def extract(ref: str) -> Path:
    """The package as it was at ``ref``, from git (no checkout, no worktree)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "wennuan_xl"], capture_output=True,
                          check=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="wennuan-baseline-"))
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        sys.path.insert(0, os.getcwd())
        print(json.dumps(measure(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--off", type=float, default=0.05, help="share of units typing the name off the roster")
    parser.add_argument("--baseline", default="806e3b7", help="git ref of the version to compare with ('' for none)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs of each stage (the older "
                        "version: once from N = 2,000 on, where it takes minutes)")
    parser.add_argument("--old-up-to", type=int, default=10_000, help="run the older version only up to this N "
                        "(it is quadratic: at 10,000 it takes 6 minutes of CPU on an idle machine)")
    args = parser.parse_args()
    baseline = extract(args.baseline) if args.baseline else None
    results = []
    for n in args.n:
        new = run(n, args.off, args.repeats, None)
        old = run(n, args.off, args.repeats if n < 2000 else 1, baseline) if baseline and n <= args.old_up_to else None
        assert old is None or old["package"].startswith(str(baseline)), old
        results.append((n, new, old))
        print(f"N = {n:,}: {new['off_units']} units typed off the roster ({new['roster_findings']} H-ROSTER 提示)")
        for stage in ("cover", "roster", "consolidate"):
            label = {"cover": "cover checks", "roster": "  填报单位 matched (the check's part)", "consolidate": "consolidate()"}[stage]
            line = f"  {label:32s} new {new[stage]:8.2f} s ({1000 * new[stage] / n:6.3f} ms/unit)"
            if old:
                line += f"   old {old[stage]:8.2f} s ({1000 * old[stage] / n:7.3f} ms/unit)   old/new " + (f"{old[stage] / new[stage]:6.1f}x" if new[stage] > 0.005 else "     —")
            print(line)
        if old:
            print(f"  same 上报情况 (unit, status, match, remark of every row) in both versions: {new['answers'] == old['answers']}")
    if len(results) > 1:
        (n0, a, _), (n1, b, _) = results[0], results[-1]
        for stage in ("cover", "roster", "consolidate", "both"):
            per = [(r["cover"] + r["consolidate"] if stage == "both" else r[stage]) / n for n, r in ((n0, a), (n1, b))]
            print(f"CPU per unit at N = {n1:,} over N = {n0:,}, {stage}: {per[1] / per[0]:.2f} (target <= 1.10)")


if __name__ == "__main__":
    main()
