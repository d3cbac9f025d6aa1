"""What the clerk sees when something goes wrong: a Chinese message box, never a traceback."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from .write import alert

LOG_NAME = "wennuan_xl-错误记录.log"


class UserError(Exception):
    """A problem the clerk can fix (a setting missing, no annex in the workbook); its text is shown as is."""


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def write_log(text: str) -> Path:
    from ..core.idnumber import mask_text  # issue #16: a traceback may quote an ID from a list

    text = mask_text(text)
    path = log_path()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"==== {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{text}\n")
    return path


def fresh_process() -> bool:
    """Started by RunPython for this one call: xlwings.bas adds ``--from_xl=1`` to that command line."""
    return "--from_xl=1" in sys.argv


def entry(get_book: Callable[[], object]):
    """Decorate a button: ``func(book)`` runs on ``get_book()``; errors end in a message box."""

    def wrap(func):
        @functools.wraps(func)
        def run():
            if fresh_process():
                # A click's own Python exits right after it: what the imports built lives until then. Frozen,
                # the collector never walks it again, neither during the click nor at exit, where that took
                # ~40 ms of the click on our machine. Objects made by the click itself (Excel's COM objects
                # among them) are collected as usual. Never in a long-lived process (a UDF server, tests).
                gc.freeze()
            book = None
            try:
                book = get_book()
                return func(book)
            except UserError as exc:
                _show(book, str(exc))
            except Exception:  # noqa: BLE001 - anything else is a bug: logged, and a short apology shown
                path = write_log(traceback.format_exc())
                _show(book, f"很抱歉，程序运行出错，本次操作未完成。\n错误详情已记录在：{path}\n请将该文件发给技术人员。")
            return None

        return run

    return wrap


def _show(book, text: str) -> None:

    if book is None:
        raise RuntimeError(text)  # no Excel to show it in: let RunPython show it
    try:
        alert(book, text)
    except Exception:  # noqa: BLE001 - no message box at all (engine without one): the log keeps the text
        write_log(traceback.format_exc())
        raise RuntimeError(text) from None
