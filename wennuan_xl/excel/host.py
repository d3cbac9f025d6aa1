"""What the Excel application offers beyond xlwings' API: Protected View, the file-open dialog, opening files.

Returns that arrive by mail open in Protected View: Excel shows them, but they are not in ``Workbooks``
(``Application.ProtectedViewWindows`` lists them), so no tool can read them until the clerk clicks
启用编辑. With no return open at all, 审核退回表 asks for files with Excel's own dialog
(``Application.GetOpenFilename``, several at once) and opens them with macros disabled.

``DesktopHost`` makes these COM calls on Excel for Windows; ``host_for`` returns ``Host`` (no Protected View,
no dialog) on engines without them, such as xlwings' remote engine, where tests put a host of their own.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Any

from .protection import com

FILE_FILTER = "Excel 工作簿 (*.xlsx;*.xlsm;*.xls;*.ods),*.xlsx;*.xlsm;*.xls;*.ods"
DIALOG_TITLE = "选择要审核的退回表（可多选）"
FORCE_DISABLE_MACROS = 3  # msoAutomationSecurityForceDisable: a unit's .xlsm opened by us runs no macro


class Host:
    """An Excel without Protected View or a file dialog."""

    def __init__(self, app: Any):
        self.app = app

    def protected_view(self) -> list[str]:
        """File names of the workbooks open in Protected View."""
        return []

    def ask_for_files(self) -> list[Path] | None:
        """The files the clerk chose, or None when there is no dialog or the clerk cancelled it."""
        return None

    def open(self, path: Path):
        return self.app.books.open(str(path), update_links=False)


class DesktopHost(Host):
    def protected_view(self) -> list[str]:
        return protected_view_names(self.app.api)

    def ask_for_files(self) -> list[Path] | None:
        return chosen_files(self.app.api.GetOpenFilename(FILE_FILTER, 1, DIALOG_TITLE, "", True))

    def open(self, path: Path):
        api = self.app.api
        before = api.AutomationSecurity
        api.AutomationSecurity = FORCE_DISABLE_MACROS
        try:
            return self.app.books.open(str(path), update_links=False, ignore_read_only_recommended=True)
        finally:
            api.AutomationSecurity = before


def protected_view_names(api: Any) -> list[str]:
    """``Application.ProtectedViewWindows`` (1-based COM collection) as file names."""
    windows = api.ProtectedViewWindows
    names = []
    for i in range(1, int(windows.Count) + 1):
        window = windows.Item(i)
        name = ""
        with suppress(Exception):  # a window closing meanwhile: fall back on its caption
            name = str(window.SourceName)
        names.append(name or str(window.Caption))
    return names


def chosen_files(answer: Any) -> list[Path] | None:
    """GetOpenFilename's answer: False when cancelled, one path, or (MultiSelect) a sequence of paths."""
    if answer is False or answer is None or answer == "False":
        return None
    items = [answer] if isinstance(answer, str) else list(answer)
    paths = [Path(str(p)) for p in items if str(p)]
    return paths or None


def host_for(book: Any) -> Host:
    return DesktopHost(book.app) if com(book) else Host(book.app)
