"""Writing output files atomically: a temp file beside the target, then one rename.

A run that dies midway leaves the previous output intact, and an input file is never a target.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator


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
    fd, tmp = tempfile.mkstemp(prefix=".~wennuan-", suffix=target.suffix, dir=target.parent)
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
