"""Writing to protected sheets: unprotect, write, protect again with exactly the original options.

Our templates protect each annex sheet without a password (files/template.py: formatting cells not
allowed, formatting rows and columns allowed, objects and scenarios not protected), so every return made
from them arrives protected, and Excel refuses a fill on such a sheet (error 1004). A sheet a unit
protected with a password cannot be opened by us: it is reported (``SheetLocked``), never guessed at.

The COM calls are isolated in ``SheetProtection`` and ``StructureProtection`` (a Worksheet's and a
Workbook's protection as Excel's object model exposes it); ``protection_for`` chooses them on desktop
Excel on Windows. Engines without sheet protection (xlwings' remote engine, used in the tests) get ``None``: there
is nothing to lift. Tests replace ``protection_for`` with a recorder over a model of Excel's Worksheet
object (tests/excel/com_fakes.py) to assert the order and options of the calls.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# Worksheet.Protection.Allow* in the order of Worksheet.Protect's parameters after UserInterfaceOnly
ALLOW = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
    "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
    "AllowSorting", "AllowFiltering", "AllowUsingPivotTables",
)
NO_PASSWORD = ""  # Unprotect("") never opens Excel's password prompt: it succeeds or raises


class SheetLocked(Exception):
    """A sheet (or the workbook's structure) is protected with a password; the text is for the clerk."""

    def __init__(self, sheet: str, text: str):
        super().__init__(text)
        self.sheet = sheet


def sheet_locked(sheet: str) -> SheetLocked:
    return SheetLocked(sheet, f"工作表“{sheet}”设有密码保护，无法标记；请单位去掉密码后重发，或用“审核结果”表逐条核对")


def structure_locked(book: str) -> SheetLocked:
    return SheetLocked("", f"工作簿“{book}”的结构设有密码保护，无法添加“审核结果”表；请单位去掉密码后重发")


@dataclass(frozen=True)
class SheetLock:
    """A sheet's protection as it was: what ``Worksheet.Protect`` needs to put it back exactly."""

    contents: bool
    drawing_objects: bool
    scenarios: bool
    user_interface_only: bool
    allow: dict[str, bool] = field(default_factory=dict)  # ALLOW name -> value
    enable_selection: Any = None  # xlNoRestrictions (0) / xlUnlockedCells (1) / xlNoSelection (-4142)


class SheetProtection:
    """A Worksheet's protection through Excel's object model (``sheet.api``: the COM Worksheet)."""

    def __init__(self, api: Any):
        self.api = api

    def read(self) -> SheetLock | None:
        api = self.api
        contents, drawing, scenarios = bool(api.ProtectContents), bool(api.ProtectDrawingObjects), bool(api.ProtectScenarios)
        if not (contents or drawing or scenarios):
            return None
        allowed = api.Protection
        return SheetLock(
            contents, drawing, scenarios, bool(api.ProtectionMode),
            {name: bool(getattr(allowed, name)) for name in ALLOW}, api.EnableSelection,
        )

    def unprotect(self) -> bool:
        """Lift a protection without password; False when it has one (the sheet stays as it was)."""
        try:
            self.api.Unprotect(NO_PASSWORD)
        except Exception:  # noqa: BLE001 - COM error 1004 "The password you supplied is not correct"
            return False
        return not (self.api.ProtectContents or self.api.ProtectDrawingObjects or self.api.ProtectScenarios)

    def restore(self, lock: SheetLock) -> None:
        self.api.Protect(
            NO_PASSWORD, lock.drawing_objects, lock.contents, lock.scenarios, lock.user_interface_only,
            *(lock.allow.get(name, False) for name in ALLOW),
        )
        if lock.enable_selection is not None:
            self.api.EnableSelection = lock.enable_selection


class StructureProtection:
    """A Workbook's structure protection (adding sheets needs it lifted), through ``book.api``."""

    def __init__(self, api: Any):
        self.api = api

    def read(self) -> SheetLock | None:
        if not (self.api.ProtectStructure or self.api.ProtectWindows):
            return None
        return SheetLock(bool(self.api.ProtectStructure), bool(self.api.ProtectWindows), False, False)

    def unprotect(self) -> bool:
        try:
            self.api.Unprotect(NO_PASSWORD)
        except Exception:  # noqa: BLE001 - a password: COM error, the workbook stays protected
            return False
        return not (self.api.ProtectStructure or self.api.ProtectWindows)

    def restore(self, lock: SheetLock) -> None:
        # Workbook.Protect(Password, Structure, Windows): here ``contents`` holds Structure, ``drawing_objects`` Windows.
        self.api.Protect(NO_PASSWORD, lock.contents, lock.drawing_objects)


Protection = SheetProtection | StructureProtection  # read / unprotect / restore (no typing.Protocol: ~3 ms a click)


def com(book: Any) -> bool:
    """Excel on Windows, driven through COM (``.api`` objects are Excel's object model)."""
    return sys.platform == "win32" and book.app.engine.name == "excel"


def protection_for(sheet: Any) -> Protection | None:
    """The protection of an xlwings Sheet, or None on an engine that has no sheet protection."""
    return SheetProtection(sheet.api) if com(sheet.book) else None


def structure_protection_for(book: Any) -> Protection | None:
    return StructureProtection(book.api) if com(book) else None


@contextmanager
def _lifted(guard: Protection | None, locked: SheetLocked) -> Iterator[None]:
    lock = guard.read() if guard is not None else None
    if lock is None:
        yield
        return
    assert guard is not None
    if not guard.unprotect():
        raise locked
    try:
        yield
    finally:
        guard.restore(lock)


@contextmanager
def unprotected(sheet: Any) -> Iterator[None]:
    """Write to ``sheet`` inside this block; a protection without password is lifted for the block and
    put back with its original options, whatever happens inside. Raises SheetLocked (before any write)
    when the sheet has a password."""
    with _lifted(protection_for(sheet), sheet_locked(sheet.name)):
        yield


@contextmanager
def structure_unprotected(book: Any) -> Iterator[None]:
    """Add or hide sheets inside this block (the workbook's structure protection lifted and put back)."""
    with _lifted(structure_protection_for(book), structure_locked(book.name)):
        yield
