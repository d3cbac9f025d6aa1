"""Writing output files atomically, never over an input, with names any file system takes.

- A temp file beside the target, then one rename: a run that dies midway leaves the previous output
  intact. Temp files and temp folders (xlsxwriter's working files, which hold unit data) carry the
  writer's process id: the next run in that folder removes those whose process is gone (a run killed
  while writing), and never one of a run still writing.
- Never over an input: every output path is checked against all inputs of the run (``Inputs``: resolved
  paths and file identities, so a hard link or a symbolic link to an input is caught too). A name the
  program makes up (a flagged copy in a folder, a feedback copy) that collides gets a numbered name
  (``unique_path``); a name the clerk typed that is an input is refused.
- Names: ``safe_filename`` removes control characters and what Windows forbids, replaces undecodable
  bytes, and keeps the name within 200 bytes (file systems allow 255).
- An OS error (permission denied, read-only, disk full …) becomes an ``OutputError`` with the path and
  the reason in Chinese; ``written`` records what this process did write, so that a message can say
  exactly what was and was not written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".~wennuan-"
STALE_AFTER_S = 3600  # where a writer's liveness cannot be asked (Windows, or no id in the name)
MAX_NAME_BYTES = 200

written: list[Path] = []  # outputs this process replaced or created, in order


class OutputError(Exception):
    """The output cannot be written where asked; the message is for the clerk."""


def os_reason(exc: OSError) -> str:
    """An OS error in Chinese, for the clerk."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return "没有写入权限（文件夹或文件受保护，或文件正在 Excel 中打开）"
    if code == errno.EROFS:
        return "所在的磁盘或文件夹是只读的"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "磁盘空间不足"
    if code == errno.EFBIG:
        return "文件超过了系统允许的大小"
    if code == errno.ENAMETOOLONG:
        return "文件名或路径过长"
    if code == errno.ENOENT:
        return "路径不存在"
    if code == errno.ENOTDIR:
        return "路径中有一段不是文件夹"
    if code == errno.EISDIR:
        return "这是一个文件夹"
    if code in (errno.EBUSY, getattr(errno, "ETXTBSY", -1)):
        return "文件正在被其他程序使用"
    return exc.strerror or type(exc).__name__


def shown_path(path: Path | str) -> str:
    """A path for a message: undecodable bytes and control characters made visible."""
    return visible(str(path))


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ud800-\udfff]")


def visible(text: str) -> str:
    """Control characters, bidirectional overrides and undecodable bytes (surrogate escapes of a file name)
    written as escapes: never sent raw to a terminal, where they could erase lines or reorder text."""

    def escape(m: re.Match) -> str:
        ch = ord(m.group())
        if 0xDC80 <= ch <= 0xDCFF:
            return f"\\x{ch - 0xDC00:02x}"  # the byte the name had
        return f"\\x{ch:02x}" if ch < 0x100 else f"\\u{ch:04x}"

    return _INVISIBLE.sub(escape, text)


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f\\/:*?"<>|\u200e\u200f\u202a-\u202e\u2066-\u2069]+')


def safe_filename(stem: str, suffix: str = "", max_bytes: int = MAX_NAME_BYTES) -> str:
    """``stem + suffix`` made a file name every file system takes: no control characters, separators or
    characters Windows forbids, undecodable bytes as ``_``, at most ``max_bytes`` bytes of UTF-8."""
    text = stem.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\ufffd", "_")
    text = _UNSAFE_NAME.sub("_", text).strip(" .")
    room = max_bytes - len(suffix.encode("utf-8"))
    raw = text.encode("utf-8")
    if len(raw) > room:
        text = raw[:room].decode("utf-8", "ignore").rstrip(" .") + "…"
        while len(text.encode("utf-8")) > room:
            text = text[:-2] + "…"
    return (text or "_") + suffix


class Inputs:
    """All inputs of a run, by resolved path and by file identity (device, inode)."""

    def __init__(self, paths: Iterable[Path | str] = ()):
        self.paths: set[Path] = set()
        self.ids: set[tuple[int, int]] = set()
        for p in paths:
            self.add(p)

    def add(self, path: Path | str) -> None:
        path = Path(path)
        with contextlib.suppress(OSError, RuntimeError):
            self.paths.add(path.resolve())
        with contextlib.suppress(OSError):
            info = path.stat()
            if info.st_ino:
                self.ids.add((info.st_dev, info.st_ino))

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, (str, Path)):
            return False
        path = Path(path)
        try:
            if path.resolve() in self.paths:
                return True
        except (OSError, RuntimeError):
            pass
        try:
            info = path.stat()
        except OSError:
            return False
        return bool(info.st_ino) and (info.st_dev, info.st_ino) in self.ids


def unique_path(target: Path, inputs: Inputs, taken: set[Path] | None = None) -> Path:
    """``target``, or ``stem (2).xlsx``, ``stem (3).xlsx`` … when it is an input or already taken by
    another output of this run. The chosen path is added to ``taken``."""
    taken = taken if taken is not None else set()
    candidate = target
    n = 1
    while candidate in inputs or _resolved(candidate) in taken:
        n += 1
        candidate = target.with_name(safe_filename(f"{target.stem} ({n})", target.suffix))
    taken.add(_resolved(candidate))
    return candidate


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove our temp files and folders left by runs that died while writing; returns those removed."""
    removed: list[Path] = []
    try:
        candidates = list(Path(folder).glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        pid_text = path.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        try:
            if pid_text.isdigit() and sys.platform != "win32":
                if int(pid_text) == os.getpid() or _alive(int(pid_text)):
                    continue
            elif time.time() - path.lstat().st_mtime < STALE_AFTER_S:
                continue
            if path.is_dir() and not path.is_symlink():
                import shutil

                shutil.rmtree(path)
            else:
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


def _check_target(target: Path, protect: Inputs | Iterable[Path | str]) -> None:
    inputs = protect if isinstance(protect, Inputs) else Inputs(protect)
    if target in inputs:
        raise OutputError(f"输出文件 {shown_path(target)} 与输入文件相同；为保护原件，请换一个输出文件名")


@contextmanager
def atomic_path(target: Path | str, protect: Inputs | Iterable[Path | str] = ()) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` in one step. An ``OSError`` while
    preparing, writing or renaming becomes an ``OutputError`` naming the target."""
    import tempfile

    target = Path(target)
    _check_target(target, protect)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"无法写入 {shown_path(target)}：{os_reason(exc)}") from None
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
            _check_target(target, protect)  # nothing became an input meanwhile (a link made by another program)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
            os.replace(tmp_path, target)
        except OSError as exc:
            raise OutputError(f"无法写入 {shown_path(target)}：{os_reason(exc)}；原有的文件未被改动") from None
        written.append(target)
    finally:
        with contextlib.suppress(OSError):
            if tmp_path.exists():
                tmp_path.unlink()


@contextmanager
def temp_folder(beside: Path | str) -> Iterator[Path]:
    """A private folder for a writer's working files (xlsxwriter's), beside the output, removed however
    the block ends; one left by a killed run is removed by the next (``remove_stale_temp_files``)."""
    import shutil
    import tempfile

    parent = Path(beside).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".d", dir=parent))
    except OSError as exc:
        raise OutputError(f"无法写入 {shown_path(beside)}：{os_reason(exc)}") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def quiet_unraisable() -> Iterator[None]:
    """Errors raised in ``__del__`` while a failed writer is collected (xlsxwriter leaves its ZipFile open
    when the disk is full, and ZipFile.__del__ then fails again) are not printed as tracebacks."""
    old = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        yield
    finally:
        sys.unraisablehook = old


def drop_failed_writer(exc: BaseException) -> None:
    """Free what a failed write left open (its frames hold the open zip and temp files), now, quietly."""
    import gc
    import traceback

    with quiet_unraisable():
        seen = 0
        while exc is not None and seen < 10:
            if exc.__traceback__ is not None:
                traceback.clear_frames(exc.__traceback__)
            exc = exc.__context__ or exc.__cause__  # type: ignore[assignment]
            seen += 1
        gc.collect()
