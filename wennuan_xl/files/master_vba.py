"""The master's VBA project: xlwings' standalone module plus the ribbon callbacks of ``vba_shims/``.

Route, and why: we start from the VBA project of ``quickstart_standalone.xlsm``, which ships inside the
installed xlwings package (BSD) and was saved by Excel itself. It already holds everything a standalone
xlwings workbook needs — the ``xlwings`` module, the ``Dictionary`` class it uses on macOS, references to
the Office library (``IRibbonControl``) and MSForms — and its ``_VBA_PROJECT`` stream has version 0xFFFF,
so it carries no compiled p-code and Office recompiles every module from source on open. Into it, pyOpenVBA
(PyPI, MIT, pinned) writes our sources: ``Module1`` (xlwings' sample macro) is renamed to
``WennuanButtons`` and gets the shim's source, and ``xlwings`` gets the installed ``xlwings.bas`` (the same
text today; this keeps module and DLL versions in step when xlwings is upgraded). pyOpenVBA edits the dir
stream, the PROJECT and PROJECTwm streams and the compound file consistently and its output has been
checked against live Office by its authors; building a project from scratch (ms-ovba) is unproven in
Excel and has a known compression bug, and our own MS-OVBA writer would be new, unreviewed code.
pyOpenVBA is needed only to build the master, never at run time.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

SHIMS_DIR = Path(__file__).resolve().parent.parent.parent / "vba_shims"
SHIM_MODULE = "WennuanButtons"
XLWINGS_MODULE = "xlwings"
_SAMPLE_MODULE = "Module1"  # the sample macro in xlwings' quickstart project, replaced by the shim


class MasterBuildError(Exception):
    """The master cannot be built here; the message says what to install or where to run."""


def xlwings_dir() -> Path:
    # Only the package's folder is needed (xlwings.bas, the quickstart project): find it without importing
    # xlwings, which stays the Excel shell's business.
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise MasterBuildError("生成主工作簿需要 xlwings：pip install xlwings==0.37.8")
    return Path(spec.origin).resolve().parent


def xlwings_bas() -> str:
    """The standalone VBA module of the installed xlwings (ASCII, with its BSD notice)."""
    return (xlwings_dir() / "xlwings.bas").read_text(encoding="cp1252")


def shim_source(shims: Path = SHIMS_DIR) -> str:
    path = shims / f"{SHIM_MODULE}.bas"
    if not path.is_file():
        raise MasterBuildError(f"找不到 {path}：请在项目文件夹（含 vba_shims/）中运行 wennuan build-master")
    return path.read_text(encoding="ascii")


def vba_source(text: str) -> str:
    """VBA module text as stored in a project: CRLF line ends, one final line end."""
    return "\r\n".join(text.replace("\r\n", "\n").rstrip("\n").split("\n")) + "\r\n"


def vba_archive(shims: Path = SHIMS_DIR) -> bytes:
    """An .xlsm (as bytes) whose ``xl/vbaProject.bin`` is the master's VBA project."""
    try:
        from pyopenvba import ExcelFile
    except ImportError:
        raise MasterBuildError("生成主工作簿需要 pyOpenVBA：pip install pyOpenVBA==6.5.0") from None
    shim, xlwings = vba_source(shim_source(shims)), vba_source(xlwings_bas())
    with tempfile.TemporaryDirectory(prefix="wennuan-vba-") as tmp:
        base, out = Path(tmp) / "base.xlsm", Path(tmp) / "vba.xlsm"
        shutil.copyfile(xlwings_dir() / "quickstart_standalone.xlsm", base)
        with ExcelFile(str(base)) as wb:
            project = wb.vba_project()
            if SHIM_MODULE not in wb.module_names():
                project.rename_module(_SAMPLE_MODULE, SHIM_MODULE)
            wb.set_module(SHIM_MODULE, shim)
            wb.set_module(XLWINGS_MODULE, xlwings)
            wb.save(str(out))
        data = out.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "xl/vbaProject.bin" not in z.namelist():
            raise MasterBuildError("pyOpenVBA 未生成 xl/vbaProject.bin")
    return data
