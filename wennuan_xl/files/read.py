"""The fast path: read a returned workbook's values and defined names, as data only.

The file is read into memory once and closed at once (never locked longer than the read, never
written). python-calamine parses the cells; the defined names, which calamine does not expose, come from
``xl/workbook.xml``.
"""

from __future__ import annotations

import functools
import html
import io
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path

from ..core.findings import ReturnUnusable
from ..core.workbook import CellRef, SheetData, WorkbookData, parse_a1
from . import guard
from .visibility import hidden_rows_xls, hidden_rows_xlsx

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_workbook(path: Path | str, display: str | None = None) -> WorkbookData:
    path = Path(path)
    shown = display or str(path)
    try:
        with path.open("rb") as f:
            guard.check_file_size(os.fstat(f.fileno()).st_size, shown)
            data = f.read(guard.MAX_FILE_BYTES + 1)  # a file still growing is not read past the limit
    except FileNotFoundError:
        raise ReturnUnusable(shown, "文件不存在") from None
    except IsADirectoryError:
        raise ReturnUnusable(shown, "这是一个文件夹，不是 Excel 工作簿") from None
    except OSError as exc:
        raise ReturnUnusable(shown, f"无法打开文件（{exc.strerror}），可能正被其他程序占用") from None
    return read_bytes(data, shown)


def read_bytes(data: bytes, shown: str) -> WorkbookData:
    if not data:
        raise ReturnUnusable(shown, "文件是空的（0 字节）")
    guard.check_file_size(len(data), shown)
    names: dict[str, CellRef] = {}
    if data.startswith(ZIP_MAGIC):
        guard.check_zip(data, shown)  # bombs and tricks are refused before any parser starts
        names = _zip_names(data, shown)
    elif data.startswith(OLE_MAGIC):
        _reject_encrypted_ole(data, shown)
        guard.check_ole(data, shown)
    else:
        raise ReturnUnusable(shown, _not_a_workbook(data))
    sheets = _calamine_sheets(data, shown)
    hidden = hidden_rows_xlsx(data) if data.startswith(ZIP_MAGIC) else hidden_rows_xls(data)
    if hidden:
        none: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        sheets = tuple(replace(s, hidden_rows=hidden.get(s.name, none)[0], hidden_cols=hidden.get(s.name, none)[1])
                       for s in sheets)
    return WorkbookData(shown, sheets, names)


def _calamine_sheets(data: bytes, shown: str) -> tuple[SheetData, ...]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ReturnUnusable(shown, "工作簿设有打开密码，无法读取；请对方取消密码后重新发送") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise ReturnUnusable(shown, f"文件已损坏或不完整，无法作为 Excel 工作簿读取（{_short(exc)}）") from None
    sheets = []
    try:
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            visible = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
            merged = tuple((r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ())
            sheets.append(
                SheetData(
                    meta.name,
                    rows,  # calamine's lists as they are: "" stands for an empty cell
                    visible,
                    merged,
                )
            )
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken sheets
        raise ReturnUnusable(shown, f"文件内容已损坏，无法读取工作表（{_short(exc)}）") from None
    finally:
        book.close()
    return tuple(sheets)


def _zip_names(data: bytes, shown: str) -> dict[str, CellRef]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = set(zf.namelist())
            if "xl/workbook.xml" not in members:
                if "word/document.xml" in members:
                    raise ReturnUnusable(shown, "这是 Word 文档，不是 Excel 工作簿（可能改过扩展名）")
                if "ppt/presentation.xml" in members:
                    raise ReturnUnusable(shown, "这是 PowerPoint 文档，不是 Excel 工作簿")
                raise ReturnUnusable(shown, "压缩包中没有 Excel 工作簿内容，不是有效的 .xlsx 文件")
            xml = zf.read("xl/workbook.xml")
    except zipfile.BadZipFile:
        raise ReturnUnusable(shown, "文件已损坏或不完整（压缩结构有误），请对方重新发送") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise ReturnUnusable(shown, f"文件无法解压（{_short(exc)}）") from None
    return defined_names(xml)


_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>([^<]*)</(?:\w+:)?definedName>")
_NAME_ATTR = re.compile(rb"\bname\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def defined_names(workbook_xml: bytes) -> dict[str, CellRef]:
    """Single-cell defined names of a workbook.xml (a copy: the parsed table is shared)."""
    return dict(_defined_names(workbook_xml))


@functools.lru_cache(maxsize=64)
def _defined_names(workbook_xml: bytes) -> dict[str, CellRef]:
    # Returns made from one template carry the same workbook.xml: parse it once per run.
    """``'附件1'!$E$9`` and ``附件1!$E$9`` both occur.

    A plain scan rather than an XML parser: it is several times faster on 150 names, and since no DTD
    is ever processed, entity tricks (billion laughs, external entities) have nothing to expand.
    """
    out: dict[str, CellRef] = {}
    for attrs, body in _DEFINED_NAME.findall(workbook_xml):
        m = _NAME_ATTR.search(attrs)
        if not m:
            continue
        name = _unescape((m.group(1) or m.group(2) or b"").decode("utf-8", "replace")).upper()
        target = _unescape(body.decode("utf-8", "replace")).strip()
        if not name or "!" not in target or name.startswith("_XLNM."):
            continue
        sheet_part, _, cell_part = target.rpartition("!")
        if sheet_part.startswith("'") and sheet_part.endswith("'"):
            sheet_part = sheet_part[1:-1].replace("''", "'")
        rc = parse_a1(cell_part)
        if rc is None or name in out:
            continue  # ranges, formulas, #REF! and duplicates are not input cells
        out[name] = CellRef(sheet_part, rc[0], rc[1])
    return out


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    return html.unescape(text)


def _reject_encrypted_ole(data: bytes, shown: str) -> None:
    # An encrypted .xlsx is an OLE2 container holding "EncryptedPackage".
    if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000] or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data[:200_000]:
        raise ReturnUnusable(shown, "工作簿设有打开密码（已加密），无法读取；请对方取消密码后重新发送")


def _not_a_workbook(data: bytes) -> str:
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Excel 工作簿"
    if re.match(rb"\s*<", head):
        return "这是网页或 XML 文件，不是 Excel 工作簿（可能是从网页另存或改过扩展名）"
    try:
        head.decode("utf-8")
        return "这是文本（如 CSV）文件，不是 Excel 工作簿；请用 Excel 另存为 .xlsx 后再发送"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gb18030")
        return "这是文本（如 CSV）文件，不是 Excel 工作簿；请用 Excel 另存为 .xlsx 后再发送"
    except UnicodeDecodeError:
        return "文件格式无法识别，不是 Excel 工作簿"


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
