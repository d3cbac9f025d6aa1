"""Headless LibreOffice for the master's tests: a private profile holding one Basic macro that inspects a
workbook (``inspect_master.bas``), run through a ``macro:///`` URL with a time limit."""

from __future__ import annotations

import html
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT = 120
MACRO = Path(__file__).with_name("inspect_master.bas")
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DOCTYPE = '<!DOCTYPE {kind} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{dtd}">\n'


@dataclass
class Inspection:
    log: list[str]
    pdf: Path
    modules: dict[str, int] = field(default_factory=dict)  # "VBAProject.xlwings" -> source length
    procedures: set[str] = field(default_factory=set)  # "VBAProject.WennuanButtons.OnValidate"


def soffice() -> str | None:
    return shutil.which("soffice")


def _run(args: list[str]) -> None:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # our own session: soffice and the children it started
        proc.communicate()
        raise AssertionError(f"LibreOffice did not finish within {TIMEOUT} s: {args[-1]}") from None


def _profile(root: Path) -> str:
    """A fresh profile with the inspection macro in its Standard library; returns the -env argument."""
    env = f"-env:UserInstallation={(root / f'lo_master_{uuid.uuid4().hex}').as_uri()}"
    _run([soffice(), "--headless", "--norestore", "--terminate_after_init", env])
    profile = Path(env.split("=", 1)[1].removeprefix("file://")) / "user" / "basic" / "Standard"
    (profile / "script.xlb").write_text(
        _XML + _DOCTYPE.format(kind="library:library", dtd="library.dtd")
        + '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false" library:passwordprotected="false">\n'
        ' <library:element library:name="Module1"/>\n <library:element library:name="Inspect"/>\n'
        "</library:library>\n",
        encoding="utf-8",
    )
    (profile / "Inspect.xba").write_text(
        _XML + _DOCTYPE.format(kind="script:module", dtd="module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Inspect" '
        'script:language="StarBasic">' + html.escape(MACRO.read_text(encoding="ascii"), quote=False)
        + "</script:module>\n",
        encoding="utf-8",
    )
    return env


def inspect(workbook: Path, work: Path) -> Inspection:
    # Open a copy: LibreOffice leaves a lock file beside what it opens, and one left in the repo by a
    # killed run would make the next run open the master read-only.
    copy = work / workbook.name
    shutil.copyfile(workbook, copy)
    workbook = copy
    env = _profile(work)
    log, pdf = work / "inspect.log", work / f"{workbook.stem}.pdf"
    _run([soffice(), "--headless", "--norestore", env,
          f'macro:///Standard.Inspect.Inspect("{workbook.resolve()}","{log}","{pdf}")'])
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    result = Inspection(lines, pdf)
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "MODULE":
            name, _, length = rest.rpartition(" ")
            result.modules[name] = int(length)
        elif kind == "PROC":
            result.procedures.add(rest)
    return result


def compiles_in_vba_mode(source: str, work: Path, timeout: int = 60) -> bool:
    """Whether LibreOffice compiles ``source`` as a VBA-mode Basic module.

    LibreOffice compiles a whole module before running any procedure in it. The module's source goes into
    the private profile's Standard library with ``Option VBASupport 1`` and a probe function; an
    application macro calls the probe. It answers when the module compiled; a compile error opens a modal
    dialog that nobody closes in headless mode, so the call never returns and the time limit says "no".
    """
    env = _profile(work)
    library = Path(env.split("=", 1)[1].removeprefix("file://")) / "user" / "basic" / "Standard"
    body = "\n".join(line for line in source.splitlines() if not line.startswith("Attribute "))
    modules = {
        "Inspect": MACRO.read_text(encoding="ascii"),
        "UnderTest": "Option VBASupport 1\n" + body + "\nFunction WnProbe()\n    WnProbe = 1\nEnd Function\n",
        "Probe": 'Sub Run(outPath As String)\n    Dim f As Integer\n    f = FreeFile\n    Open outPath For Output As #f\n'
                 '    Print #f, "PROBE " & WnProbe()\n    Close #f\nEnd Sub\n',
    }
    for name, text in modules.items():
        (library / f"{name}.xba").write_text(
            _XML + _DOCTYPE.format(kind="script:module", dtd="module.dtd")
            + f'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{name}" '
            'script:language="StarBasic">' + html.escape(text, quote=False) + "</script:module>\n",
            encoding="utf-8",
        )
    (library / "script.xlb").write_text(
        _XML + _DOCTYPE.format(kind="library:library", dtd="library.dtd")
        + '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
        'library:readonly="false" library:passwordprotected="false">\n'
        + "".join(f' <library:element library:name="{n}"/>\n' for n in ["Module1", *modules])
        + "</library:library>\n",
        encoding="utf-8",
    )
    log = work / "probe.log"
    proc = subprocess.Popen(
        [soffice(), "--headless", "--norestore", env, f'macro:///Standard.Probe.Run("{log}")'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return False
    return log.exists() and log.read_text(encoding="utf-8", errors="replace").strip() == "PROBE 1"
