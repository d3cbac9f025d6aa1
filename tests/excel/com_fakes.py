"""Models of the few Excel COM objects the product calls beyond xlwings' API, for the remote engine.

``FakeWorksheet`` is a Worksheet's protection as Excel's object model exposes it (ProtectContents,
Protection.AllowFormattingCells, Unprotect/Protect…), started from the ``<sheetProtection>`` element of a
real workbook, so a return made from our templates is modelled with exactly the options the template
sets. It behaves as Excel does where it matters: ``Unprotect`` with a wrong password raises (COM error
1004), ``Protect`` sets every option from its arguments. Every call is logged with the number of
actions the remote book had recorded at that moment, so a test can tell whether the fills and notes
were written between the unprotect and the protect.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wennuan_xl.excel.protection import ALLOW

XL_NO_RESTRICTIONS, XL_UNLOCKED_CELLS, XL_NO_SELECTION = 0, 1, -4142

# OOXML <sheetProtection> attribute (true = that action is PROTECTED) -> Protection.Allow* (true = ALLOWED),
# with the default the standard gives an absent attribute.
OOXML_ALLOW = {
    "formatCells": ("AllowFormattingCells", True), "formatColumns": ("AllowFormattingColumns", True),
    "formatRows": ("AllowFormattingRows", True), "insertColumns": ("AllowInsertingColumns", True),
    "insertRows": ("AllowInsertingRows", True), "insertHyperlinks": ("AllowInsertingHyperlinks", True),
    "deleteColumns": ("AllowDeletingColumns", True), "deleteRows": ("AllowDeletingRows", True),
    "sort": ("AllowSorting", True), "autoFilter": ("AllowFiltering", True), "pivotTables": ("AllowUsingPivotTables", True),
}


class ComError(Exception):
    """What pywin32 raises for a failed COM call (pywintypes.com_error)."""


class FakeAllow:
    def __init__(self, values: dict[str, bool]):
        for name in ALLOW:
            setattr(self, name, values.get(name, False))


@dataclass
class FakeWorksheet:
    name: str
    clock: Callable[[], int] = lambda: 0
    ProtectContents: bool = False
    ProtectDrawingObjects: bool = False
    ProtectScenarios: bool = False
    ProtectionMode: bool = False
    EnableSelection: int = XL_NO_RESTRICTIONS
    password: str | None = None  # None: none set
    Protection: FakeAllow = field(default_factory=lambda: FakeAllow({}))
    log: list[tuple[str, tuple, int]] = field(default_factory=list)

    @classmethod
    def from_sheet_xml(cls, name: str, xml: str, clock: Callable[[], int]) -> FakeWorksheet:
        m = re.search(r"<sheetProtection\b([^>]*)/?>", xml)
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1))) if m else {}
        on = lambda key, default=False: attrs.get(key, "1" if default else "0") in ("1", "true")  # noqa: E731
        sheet = cls(name, clock)
        if not on("sheet"):
            return sheet
        sheet.ProtectContents, sheet.ProtectDrawingObjects, sheet.ProtectScenarios = True, on("objects"), on("scenarios")
        sheet.Protection = FakeAllow({allow: not on(key, default) for key, (allow, default) in OOXML_ALLOW.items()})
        sheet.EnableSelection = (XL_NO_SELECTION if on("selectUnlockedCells") else
                                 XL_UNLOCKED_CELLS if on("selectLockedCells") else XL_NO_RESTRICTIONS)
        if "password" in attrs or "hashValue" in attrs:
            sheet.password = "(set by the unit)"
        sheet.log.clear()
        return sheet

    @property
    def protected(self) -> bool:
        return self.ProtectContents or self.ProtectDrawingObjects or self.ProtectScenarios

    def Unprotect(self, password: str = "") -> None:
        self.log.append(("Unprotect", (password,), self.clock()))
        if not self.protected:
            return
        if (self.password or "") != password:
            raise ComError("(-2147352567, '发生意外。', (0, 'Microsoft Excel', '您所提供的密码不正确。', None, 0, -2146827284), None)")
        self.ProtectContents = self.ProtectDrawingObjects = self.ProtectScenarios = False
        self.password = None

    def Protect(self, password="", drawing_objects=True, contents=True, scenarios=True, user_interface_only=False,
                *allow) -> None:
        self.log.append(("Protect", (password, drawing_objects, contents, scenarios, user_interface_only, *allow), self.clock()))
        self.ProtectDrawingObjects, self.ProtectContents, self.ProtectScenarios = drawing_objects, contents, scenarios
        self.ProtectionMode = user_interface_only
        self.password = password or None
        self.Protection = FakeAllow(dict(zip(ALLOW, list(allow) + [False] * (len(ALLOW) - len(allow)))))

    def __setattr__(self, key, value):
        if key == "EnableSelection" and "log" in self.__dict__:
            self.log.append(("EnableSelection", (value,), self.clock()))
        super().__setattr__(key, value)


def sheets_of(path: Path, clock: Callable[[], int]) -> dict[str, FakeWorksheet]:
    """A FakeWorksheet per sheet of the .xlsx at ``path``, protected as the file says."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = {rid: t for t, rid in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        targets |= {rid: t for rid, t in re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels)}
        out = {}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
            part = targets[rid].lstrip("/")
            part = part if part.startswith("xl/") else f"xl/{part}"
            out[name] = FakeWorksheet.from_sheet_xml(name, z.read(part).decode("utf-8"), clock)
    return out


@dataclass
class FakeWorkbook:
    """A Workbook's structure protection (Workbook.ProtectStructure / Unprotect / Protect(Password, Structure, Windows))."""

    clock: Callable[[], int] = lambda: 0
    ProtectStructure: bool = False
    ProtectWindows: bool = False
    password: str | None = None
    log: list[tuple[str, tuple, int]] = field(default_factory=list)

    def Unprotect(self, password: str = "") -> None:
        self.log.append(("Unprotect", (password,), self.clock()))
        if (self.ProtectStructure or self.ProtectWindows) and (self.password or "") != password:
            raise ComError("您所提供的密码不正确。")
        self.ProtectStructure = self.ProtectWindows = False

    def Protect(self, password="", structure=False, windows=False) -> None:
        self.log.append(("Protect", (password, structure, windows), self.clock()))
        self.ProtectStructure, self.ProtectWindows, self.password = structure, windows, password or None


@dataclass
class FakeProtectedViewWindow:
    SourceName: str
    Caption: str = ""


class FakeProtectedViewWindows:
    def __init__(self, names: list[str]):
        self.windows = [FakeProtectedViewWindow(n, f"{n}  [受保护的视图]") for n in names]

    @property
    def Count(self) -> int:
        return len(self.windows)

    def Item(self, i: int) -> FakeProtectedViewWindow:  # 1-based, as COM collections are
        if not 1 <= i <= len(self.windows):
            raise ComError("下标越界")
        return self.windows[i - 1]


class FakeApplication:
    """Excel.Application as DesktopHost uses it: Protected View windows, GetOpenFilename, AutomationSecurity."""

    def __init__(self, protected: list[str] = (), answer=False):
        self.ProtectedViewWindows = FakeProtectedViewWindows(list(protected))
        self.answer = answer
        self.AutomationSecurity = 1  # msoAutomationSecurityLow, Excel's default under automation
        self.calls: list[tuple] = []

    def GetOpenFilename(self, *args):
        self.calls.append(("GetOpenFilename", args))
        return self.answer
