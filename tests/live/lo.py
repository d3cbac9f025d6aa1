"""LibreOffice headless as the third-party engine: recalculate many workbooks in a few soffice calls."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice")


def convert(
    paths: list[Path], outdir: Path, to: str = "xlsx", processes: int = 2, batch: int = 120, timeout: int = 900
) -> dict[Path, Path]:
    """Open every file in LibreOffice (which recalculates the formulas) and save it as ``to`` in ``outdir``.

    Files go in batches of ``batch`` per soffice call (one instance stops converting after a few hundred
    documents), ``processes`` calls side by side, each with its own private profile (two instances cannot
    share one). Returns input -> output; a file LibreOffice did not convert fails loudly.
    """
    from concurrent.futures import ThreadPoolExecutor

    assert soffice(), "soffice not found"
    outdir.mkdir(parents=True, exist_ok=True)
    batches = [paths[i:i + batch] for i in range(0, len(paths), batch)]
    with ThreadPoolExecutor(processes) as pool:
        parts = list(pool.map(lambda b: convert_batch(b[1], outdir / f"part{b[0]}", to, timeout), enumerate(batches)))
    return {k: v for part in parts for k, v in part.items()}


def convert_batch(group: list[Path], target: Path, to: str, timeout: int) -> dict[Path, Path]:
    profile = Path(tempfile.gettempdir()) / f"lo_live_{uuid.uuid4().hex}"
    target.mkdir(parents=True, exist_ok=True)
    cmd = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(target), *map(str, group)]
    try:
        proc = subprocess.run(cmd, check=False, capture_output=True, timeout=timeout, env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = {}
    for p in group:
        converted = target / (p.stem + "." + to)
        assert converted.exists(), f"LibreOffice did not convert {p.name}: {proc.stderr.decode(errors='replace')[-500:]}"
        out[p] = converted
    return out
