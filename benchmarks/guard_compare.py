"""Benchmark: the guard of this tree against the guard of another git revision, in one run.

    python benchmarks/guard_compare.py 806e3b7            # verdicts on the hostile corpus, then timing
    python benchmarks/guard_compare.py 806e3b7 --returns DIR

First every file of the hostile corpus (tests/hostile: the first and second rounds' cases, the attacks on
calamine, the workbooks just inside the limits) goes through ``guard.inspect`` of both trees, twice each
here (the second time with what the first remembered): the verdict must be the same (the same Chinese
reason, or the same format, sheets, defined names, hidden rows and counts). Then the guard's CPU time per
file on generated returns (the styled template, as consolidate.py generates them), both trees in
alternating rounds so that the machine's load falls on both, the best round of each.

Each tree runs in its own process (``--worker``), fed file names on stdin; no parser other than the
guard's own runs on the hostile bytes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(root: str) -> None:
    sys.path.insert(0, root)
    from wennuan_xl.core.findings import ReturnUnusable
    from wennuan_xl.files import guard

    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "verdict":
            out = {}
            for name in request["files"]:
                data = Path(name).read_bytes()
                try:
                    found = guard.inspect(data, Path(name).name)
                    out[name] = repr((found.kind, found.names, found.sheets, found.hidden_rows, found.counts))
                except ReturnUnusable as exc:
                    out[name] = "无法读取：" + exc.reason
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            datas = [(Path(n).name, Path(n).read_bytes()) for n in request["files"]]
            cpu = time.process_time()
            for shown, data in datas:
                guard.inspect(data, shown)
            print(json.dumps({"ms": (time.process_time() - cpu) * 1000 / len(datas)}), flush=True)


class Tree:
    def __init__(self, root: Path):
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(root)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def ask(self, op: str, files: list[str]) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"op": op, "files": files}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def corpus(folder: Path) -> list[str]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from hostile import limit_cases

    from tests.hostile.attacks import build_attacks
    from tests.hostile.corpus import build, good_bytes
    from wennuan_xl.files.campaign_files import load_campaign

    campaign = load_campaign()
    names = [c.name for c in build(folder, campaign)]
    attacks = folder / "attacks"
    attacks.mkdir()
    build_attacks(attacks, good_bytes(campaign, attacks))
    names += list(limit_cases(folder))
    return sorted({str(folder / n) for n in names} | {str(p) for p in attacks.iterdir() if p.is_file()})


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the git revision to compare with (e.g. main)")
    parser.add_argument("--returns", help="folder of generated returns (default: consolidate.py's cache of 300)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    old_root = Path(tempfile.mkdtemp(prefix="wennuan-guard-rev-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.rev, "wennuan_xl"], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive, check=True)
    old, new = Tree(old_root), Tree(ROOT)
    with tempfile.TemporaryDirectory(prefix="wennuan-guard-corpus-") as tmp:
        files = corpus(Path(tmp))
        before = old.ask("verdict", files)
        after = new.ask("verdict", files)
        again = new.ask("verdict", list(reversed(files)))
    differ = [f for f in files if not (before[f] == after[f] == again[f])]
    refused = sum(1 for f in files if before[f].startswith("无法读取"))
    print(f"hostile corpus: {len(files)} files, {refused} refused and {len(files) - refused} accepted at {args.rev}; "
          f"verdicts that differ in this tree: {len(differ)}")
    for f in differ:
        print(f"  {Path(f).name}: {before[f][:100]} | {after[f][:100]} | {again[f][:100]}")

    folder = Path(args.returns or Path(tempfile.gettempdir()) / "wennuan-bench-styled-300")
    if not folder.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "consolidate.py"), "300", "--no-naive"], check=True)
    returns = sorted(str(p) for p in folder.glob("*.xlsx"))
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        times["old"].append(old.ask("time", returns)["ms"])
        times["new"].append(new.ask("time", returns)["ms"])
    old.close()
    new.close()
    b_old, b_new = min(times["old"]), min(times["new"])
    print(f"guard CPU per file on {len(returns)} styled returns, best of {args.rounds} alternating rounds: "
          f"{args.rev} {b_old:.2f} ms, this tree {b_new:.2f} ms ({(1 - b_new / b_old) * 100:.0f} % less)")


if __name__ == "__main__":
    main()
