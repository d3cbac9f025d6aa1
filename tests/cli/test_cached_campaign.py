"""``wennuan`` takes the compiled campaign from the disk cache, as the Excel buttons do: the second run of a
command in a fresh process parses no YAML, and an edited campaign file is read again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from wennuan_xl.files.campaign_files import DEFAULT_CAMPAIGN_DIR

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns" / "犍为县-附件1.xlsx"
PROBE = """
import json, sys
from wennuan_xl.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "yaml": "yaml" in sys.modules}), file=sys.stderr)
"""


def run(args: list[str], cache: Path) -> tuple[dict, str]:
    env = {**os.environ, "WENNUAN_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120,
                          check=False,
                          encoding="utf-8")
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def test_the_second_check_parses_no_yaml_and_reports_the_same(tmp_path):
    first, out1 = run(["check", str(SAMPLE)], tmp_path / "cache")
    second, out2 = run(["check", str(SAMPLE)], tmp_path / "cache")
    assert first["yaml"] is True and second["yaml"] is False
    assert first["code"] == second["code"] and out1 == out2 and "犍为县" in out1


def test_an_edited_campaign_is_read_again(tmp_path):
    folder = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN_DIR, folder)
    args = ["--campaign", str(folder), "check", "--json", str(SAMPLE)]
    run(args, tmp_path / "cache")
    again, _ = run(args, tmp_path / "cache")
    assert again["yaml"] is False
    rules = folder / "rules_annex1.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + '  - {id: T-EDIT, severity: 提示, rule: "A1_01A<0", '
                     'message: "{A1_01A} 不小于 0"}\n', encoding="utf-8")
    edited, out = run(args, tmp_path / "cache")
    assert edited["yaml"] is True
    assert "T-EDIT" in {f["rule"] for f in json.loads(out)["findings"]}
