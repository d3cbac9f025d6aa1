"""Returns saved by LibreOffice as .ods and as .xls (not hand-built): read like the .xlsx they came from.

A unit on LibreOffice or WPS may send its own format. The committed templates are filled through their
names, saved by LibreOffice headless as .ods and as .xls, and read back: by ``wennuan check`` (the isolated
worker path) and by the reader directly. .ods keeps the defined names (LibreOffice's named ranges); .xls
does not expose them to the reader, and its fields are found by their printed codes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from system_tools import require_tool

from wennuan_xl.cli.main import main
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.rules import RuleSet

from .conftest import FORM_IDS, UNIT, assert_values_exact, findings_by_rule, form_values, rule_ids, run_file


def _lo_convert(sources: list[Path], out_dir: Path, fmt: str) -> list[Path]:
    exe = require_tool("soffice")
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    filt = {"ods": "ods", "xls": "xls:MS Excel 97"}[fmt]
    try:
        proc = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", filt, "--outdir", str(out_dir), *map(str, sources)],
                              check=False, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    outputs = [out_dir / f"{s.stem}.{fmt}" for s in sources]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, f"soffice rc={proc.returncode} made no {missing}\n{proc.stderr}"
    return outputs


@pytest.fixture(scope="module", params=["ods", "xls"])
def saved(request, filled: dict[str, Path], tmp_path_factory) -> tuple[str, dict[str, Path]]:
    fmt = request.param
    paths = _lo_convert([filled[f] for f in FORM_IDS], tmp_path_factory.mktemp(f"lo-{fmt}"), fmt)
    return fmt, dict(zip(FORM_IDS, paths))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_return_saved_by_libreoffice_reads_the_same(campaign: Campaign, rules: RuleSet, filled, saved, form_id):
    fmt, paths = saved
    _, _, original = run_file(filled[form_id], campaign, rules)
    book, ret, report = run_file(paths[form_id], campaign, rules)
    if fmt == "ods":
        assert ret.forms[0].method == "names", "the .ods named ranges were not read"
        field_names = {f.name.upper() for f in campaign.form(form_id).fields}
        assert field_names <= set(book.names), sorted(field_names - set(book.names))[:5]
    assert_values_exact(report.values, form_values(form_id))
    assert report.unit == UNIT
    assert rule_ids(report) == rule_ids(original)
    assert [(r, c) for r, c, _cells in findings_by_rule(report)] == [(r, c) for r, c, _cells in findings_by_rule(original)]


def test_check_and_consolidate_take_them_like_xlsx(campaign, saved, tmp_path, capsys):
    _fmt, paths = saved
    code = main(["check", "--json", *(str(p) for p in paths.values())])
    objects = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and all("error" not in o for o in objects), objects
    assert {o["unit"] for o in objects} == {UNIT}
    folder = tmp_path / "returns"
    folder.mkdir()
    for p in paths.values():
        shutil.copy(p, folder / p.name)
    code = main(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--json"])
    units = json.loads(capsys.readouterr().out)["units"]
    row = next(u for u in units if u["unit"] == UNIT)
    assert row["status"] == "已报", row  # an .ods in the folder was ignored before (the unit showed 未报)
    assert all(u["status"] != "无法读取" for u in units)


def test_a_real_return_in_every_format_is_far_inside_the_limits(filled, saved):
    """The headroom limits.py claims, measured on filled templates (.xlsx) and their LibreOffice copies."""
    from wennuan_xl.files import guard, limits

    _fmt, paths = saved
    caps = {"text_bytes": limits.MAX_TEXT_BYTES, "cells": limits.MAX_CELLS, "area": limits.MAX_AREA,
            "elements": limits.MAX_ELEMENTS}
    for path in [*filled.values(), *paths.values()]:
        counts = dict(guard.inspect(path.read_bytes(), path.name).counts)
        for key, value in counts.items():
            headroom = 10 if key == "text_bytes" else 25  # the text count includes each string cell's markup
            assert value * headroom <= caps[key], (path.name, key, value, caps[key])
