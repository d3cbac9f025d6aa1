"""Score of the locator on the foreign corpus (tests/foreign): figures only, no timing.

    python benchmarks/foreign_score.py

Runs ``wennuan check --json`` on every corpus return and ``wennuan consolidate --json`` on the corpus
folder, and prints fields read right / total, silent wrong, silent blank and refused, by layout and
overall; planted faults found; 错误 nobody planted; consolidated totals right.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.foreign import scoring
from tests.foreign.scoring import BLANK, REFUSED, RIGHT, WRONG

COLUMNS = (RIGHT, WRONG, BLANK, REFUSED)


def _row(label: str, counts: Counter) -> str:
    total = sum(counts.values())
    share = f"{counts[RIGHT] / total:6.1%}" if total else "     —"
    cells = "".join(f"{counts[c]:>14}" for c in COLUMNS)
    return f"{label:<24}{counts[RIGHT]:>6}/{total:<6}{share}{cells}"


def main() -> int:
    expected = scoring.load_expected()
    names = list(expected["files"])
    results = scoring.run_check([scoring.RETURNS / n for n in names])
    score = scoring.score(expected, results)
    files_per_layout = Counter(e["layout"] for e in expected["files"].values())
    print(f"foreign corpus: {len(names)} returns, {len(files_per_layout)} layouts")
    print(f"{'layout (files)':<24}{'right/total':<13}{'':>6}" + "".join(f"{c:>14}" for c in COLUMNS))
    for layout, counts in sorted(score.by_layout.items()):
        print(_row(f"{layout} ({files_per_layout[layout]})", counts))
    print(_row("overall", score.overall))
    refusals_ok = sum(
        1
        for n, e in expected["files"].items()
        if e["refuse"]
        and not scoring.refusal_problems(e, results.get(n, {}), scoring.classify(n, e, results.get(n, {})))
    )
    refusals = sum(1 for e in expected["files"].values() if e["refuse"])
    print(f"files refused as they must be: {refusals_ok}/{refusals}")
    print(f"planted faults found: {score.faults_found}/{score.faults_planted}")
    rules = Counter(f["rule"] for _, f in score.spurious)
    print(
        f"spurious 错误: {len(score.spurious)} in {len({n for n, _ in score.spurious})} files"
        + (f" ({', '.join(f'{r} {n}' for r, n in rules.most_common(6))})" if rules else "")
    )
    readable = [n for n, e in expected["files"].items() if e["refuse"] != "file"]
    units_wrong = [n for n in readable if scoring.unit_problem(expected["files"][n], results.get(n, {}))]
    print(f"填报单位 read right: {len(readable) - len(units_wrong)}/{len(readable)} files")
    covers = [n for n in readable if "cover" in results.get(n, {})]
    if covers:
        cover_right = sum(1 for n in covers if not scoring.cover_problems(expected["files"][n], results[n]))
        print(f"cover (填报单位/填报人/联系电话/填报日期) all right: {cover_right}/{len(readable)} files")
    else:
        print('cover: not scored (wennuan check --json carries no "cover" object)')
    with tempfile.TemporaryDirectory() as tmp:
        consolidated = scoring.run_consolidate(scoring.FOLDER, Path(tmp) / "汇总.xlsx")
    totals = expected["folder_totals"]
    wrong_totals = scoring.totals_problems(totals, consolidated.get("totals", {}))
    print(f"consolidated totals right: {len(totals) - len(wrong_totals)}/{len(totals)}")
    for problem in scoring.unit_file_problems(expected["folder_units"], consolidated):
        print(f"  unit from the wrong files: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
