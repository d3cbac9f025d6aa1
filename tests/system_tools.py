"""System programs the independent checks run (LibreOffice, poppler), found or explained.

On a developer's machine a missing program skips its tests, with the command that installs it; under CI
(``CI=true``) it fails them, so a run without LibreOffice cannot pass with the only independent engine
for our formulas silently gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

INSTALL = (
    "sudo apt-get install --no-install-recommends libreoffice-calc-nogui poppler-utils fonts-noto-cjk"
)
PACKAGES = {"soffice": "LibreOffice (libreoffice-calc-nogui)", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} ({PACKAGES.get(name, name)}) is not installed; on Debian/Ubuntu: {INSTALL}"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"CI needs {message}", pytrace=False)
    pytest.skip(message)


RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated_by_libreoffice(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Each workbook opened by LibreOffice with "recalculate on load: always" (a private profile) and
    saved again as .xlsx: the values LibreOffice computes, whatever the cached results said."""
    exe = require_tool("soffice")
    profile = outdir / f"profile-{uuid.uuid4().hex}"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    converted = outdir / "converted"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(converted), *map(str, paths)]
    proc = subprocess.run(cmd, capture_output=True, timeout=600, check=False, env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    out = {p: converted / p.name for p in paths}
    for p, q in out.items():
        assert q.exists(), f"LibreOffice did not convert {p.name}: {proc.stderr.decode(errors='replace')[-500:]}"
    return out


def saved_by_libreoffice_as(paths: list[Path], outdir: Path, fmt: str = "ods") -> Path:
    """Each workbook saved as .ods (or .xls) by LibreOffice (its own profile, one run for them all), into ``outdir``:
    what a unit working in LibreOffice or WPS sends."""
    exe = require_tool("soffice")
    profile = outdir.parent / f"lo_profile_{uuid.uuid4().hex}"
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
                        {"ods": "ods", "xls": "xls:MS Excel 97"}[fmt], "--outdir", str(outdir), *map(str, paths)],
                       check=False, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return outdir
