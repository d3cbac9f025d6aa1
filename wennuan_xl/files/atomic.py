"""Writing output files atomically: a temp file beside the target, then one rename.

A run that dies midway leaves the previous output intact, and an input file is never a target. A run
killed while writing (power cut, task manager) leaves its temp file behind: the next run in that folder
removes it. Temp files carry the writer's process id, so a run still writing is never disturbed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".~wennuan-"
STALE_AFTER_S = 3600  # where a writer's liveness cannot be asked (Windows, or no id in the name)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove our temp files left by runs that died while writing; returns those removed."""
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        pid_text = path.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        try:
            if pid_text.isdigit() and sys.platform != "win32":
                if int(pid_text) == os.getpid() or _alive(int(pid_text)):
                    continue
            elif time.time() - path.stat().st_mtime < STALE_AFTER_S:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


class OutputError(Exception):
    """The output cannot be written where asked; the message is for the clerk."""


@contextmanager
def atomic_path(target: Path | str, protect: Iterable[Path | str] = ()) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` in one step."""
    target = Path(target)
    resolved = target.resolve()
    for p in protect:
        if Path(p).resolve() == resolved:
            raise OutputError(f"输出文件 {target} 与输入文件相同；为保护原件，请换一个输出文件名")
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_path, target)
    except PermissionError:
        raise OutputError(f"无法写入 {target}：文件可能正在 Excel 中打开，请关闭后重试") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
