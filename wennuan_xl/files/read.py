"""The fast path: read a returned workbook's values and defined names, as data only.

The file is read into memory once and closed at once (never locked longer than the read, never
written); only a regular file is read (a FIFO or a device named ``x.xlsx`` would block or never end).
``guard.inspect`` checks the bytes and says how calamine will read them; python-calamine then parses the
cells. The defined names, which calamine does not expose, come from the guard's own parse of
workbook.xml (.xlsx) or content.xml (.ods), or from an .xls's NAME records (``xls_names.py``); hidden
rows and columns from ``visibility.py`` and, for an .xlsx's rows, from the guard's parse too.

These functions parse untrusted bytes in the calling process: the command line and the folder reader
call them inside an isolated worker (``isolated.py``); tests call them directly on files they made.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import re
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from ..core.findings import ReturnUnusable
from ..core.locate import is_checklist
from ..core.workbook import CellRef, SheetData, WorkbookData, name_table, parse_a1
from . import guard
from . import limits as L
from .comments import Comments, comments_xls, comments_xlsx
from .display import marked_strings, shown_otherwise, shown_otherwise_xls, suspicious_styles
from .ods_seen import ods_seen
from .uncached import recalculated_xlsx, unreadable_xlsx
from .visibility import Merged, hidden_rows_xls, hidden_rows_xlsx, sheet_parts, workbook_part
from .xls_formulas import errors_xls, recalculated_xls
from .xls_names import xls_names

ZIP_MAGIC = guard.ZIP_MAGIC
OLE_MAGIC = guard.OLE_MAGIC
# The extensions each format is read under; the same content under another one is refused with its name.
SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "ods": (".ods",), "xls": (".xls", ".xlsx", ".xlsm")}
KIND_NAMES = {"xlsx": "Excel 工作簿（.xlsx）", "ods": "OpenDocument 表格（.ods，LibreOffice / WPS 可另存）", "xls": "Excel 97-2003 工作簿（.xls）"}
_FILE_KINDS = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"), (stat.S_ISSOCK, "套接字"),
               (stat.S_ISDIR, "文件夹"))


def not_regular(mode: int) -> str:
    """The Chinese name of a file kind that is not a regular file ("" for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    return next((name for test, name in _FILE_KINDS if test(mode)), "特殊文件")


def read_file_bytes(path: Path | str, shown: str, follow_links: bool = True) -> bytes:
    """The bytes of a regular file, at most the size limit; anything else is refused with its kind."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ReturnUnusable(shown, "文件不存在") from None
    except IsADirectoryError:
        raise ReturnUnusable(shown, "这是一个文件夹，不是 Excel 工作簿") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReturnUnusable(shown, "这是一个符号链接，未读取") from None
        raise ReturnUnusable(shown, f"无法打开文件（{exc.strerror}），可能正被其他程序占用") from None
    try:
        info = os.fstat(fd)
        kind = not_regular(info.st_mode)
        if kind == "文件夹":
            raise ReturnUnusable(shown, "这是一个文件夹，不是 Excel 工作簿")
        if kind:
            raise ReturnUnusable(shown, f"这不是普通文件（{kind}），不是 Excel 工作簿，未读取")
        guard.check_file_size(info.st_size, shown)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(guard.MAX_FILE_BYTES + 1)  # a file still growing is not read past the limit
    except OSError as exc:
        raise ReturnUnusable(shown, f"无法读取文件（{exc.strerror}）") from None
    finally:
        os.close(fd)
    return data


def read_workbook(path: Path | str, display: str | None = None, follow_links: bool = True) -> WorkbookData:
    path = Path(path)
    shown = display or str(path)
    data = read_file_bytes(path, shown, follow_links)
    return read_bytes(data, shown, path.suffix.lower())


def read_bytes(data: bytes, shown: str, suffix: str | None = None) -> WorkbookData:
    """``suffix``: the file's extension, when it has one; content of another format is then refused."""
    if not data:
        raise ReturnUnusable(shown, "文件是空的（0 字节）")
    if not data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        guard.check_file_size(len(data), shown)
        raise ReturnUnusable(shown, _not_a_workbook(data))
    found = guard.inspect(data, shown)  # bombs and tricks are refused before any parser starts
    if suffix and suffix in {s for v in SUFFIXES.values() for s in v} and suffix not in SUFFIXES[found.kind]:
        raise ReturnUnusable(
            shown, f"这是{KIND_NAMES[found.kind]}，扩展名却是 {suffix}（可能改过扩展名）；请改回正确的扩展名，或另存为 .xlsx 后再发送"
        )
    entries = xls_names(data) if found.kind == "xls" else found.names  # calamine gives no names: the guard's, or ours
    names = ods_names(entries) if found.kind == "ods" else defined_names(entries)
    # The guard's own inflate, handed on: the parts it scanned, stored uncompressed, are what the readers parse.
    book = found.payload or data
    sheets = _calamine_sheets(book, shown)
    # One reader of an .ods's content gives what is shown otherwise, the comments and the hidden rows and columns.
    seen = ods_seen(book, skip={s.name for s in sheets if is_checklist(s)}) if found.kind == "ods" else None
    # Hidden rows and columns (files/visibility.py, after the guard has passed every part); an .xlsx's hidden
    # rows also as the guard's own parse saw them, in any spelling of <row hidden="1">.
    hidden = dict(hidden_rows_xlsx(book) if found.kind == "xlsx" and found.may_hide
                  else hidden_rows_xls(data) if found.kind == "xls" else seen.hidden if seen is not None else {})
    for name, rows in found.hidden_rows:
        before = hidden.get(name, (frozenset(), frozenset()))
        hidden[name] = (before[0] | rows, before[1])
    if hidden:
        none: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        sheets = tuple(replace(s, hidden_rows=hidden.get(s.name, none)[0], hidden_cols=hidden.get(s.name, none)[1])
                       for s in sheets)
    at_most = _at_most(found)
    noted: dict[str, Comments] = {}
    if found.kind == "xlsx":
        sheets = _shown_otherwise(found, book, sheets)
        if found.comments:
            noted = comments_xlsx(book, skip={s.name for s in sheets if is_checklist(s)})
    elif found.kind == "xls":
        otherwise = shown_otherwise_xls(data)
        if otherwise:
            sheets = tuple(replace(s, shown=otherwise[s.name]) if s.name in otherwise else s for s in sheets)
        noted = comments_xls(data)
    elif seen is not None:
        sheets = tuple(replace(s, shown=seen.shown.get(s.name, ()), errors=seen.errors.get(s.name, ()),
                               recalc=seen.recalc.get(s.name, ())) for s in _with_ods_merges(sheets, seen.merged, shown))
        noted = seen.comments
    if noted:
        sheets = tuple(replace(s, comments=noted[s.name]) if s.name in noted else s for s in sheets)
    if found.formula_results or found.kind == "xls":
        recalc = (recalculated_xls(data) if found.kind == "xls"
                  else recalculated_xlsx(book, skip={s.name for s in sheets if is_checklist(s)}))
        if recalc:
            sheets = tuple(replace(s, recalc=recalc[s.name]) if s.name in recalc else s for s in sheets)
    if found.kind == "xls":
        errors = errors_xls(data)
        if errors:
            sheets = tuple(replace(s, errors=errors[s.name]) if s.name in errors else s for s in sheets)
    if at_most is not None and at_most[0] > _filled(sheets):
        # Some cell with a child element reads empty: perhaps a formula saved without its result, or an error.
        unreadable = unreadable_xlsx(book, skip={s.name for s in sheets if is_checklist(s)})
        if unreadable:
            sheets = tuple(replace(s, uncached=unreadable[s.name][0], errors=unreadable[s.name][1]) if s.name in unreadable
                           else s for s in sheets)
    local = frozenset(e[0].upper() for e in entries if len(e) > 2 and e[2])
    return WorkbookData(shown, sheets, names, at_most, found.recalc_on_load, local)


def _shown_otherwise(found: guard.Inspected, book: bytes, sheets: tuple[SheetData, ...]) -> tuple[SheetData, ...]:
    """The sheets with their cells that show something else than they store (files/display.py), when the
    styles or shared strings hold what makes a cell do so (once per distinct styles part: a template's returns
    share it)."""
    styles, strings = found.styles_xml, found.strings_xml  # (shared strings, and rich text inline in the sheets)
    if styles is None or (strings is None and b"sharedStrings" in book):  # too much to keep (a big workbook)
        styles = styles if styles is not None else workbook_part(book, "styles.xml")
        strings = strings if strings is not None else workbook_part(book, "sharedStrings.xml")
    if not suspicious_styles(styles or b"") and not marked_strings(strings) and not found.marked_runs:
        return sheets
    skip = {s.name for s in sheets if is_checklist(s)}
    shown = shown_otherwise(dict(sheet_parts(book, skip)), styles, strings, inline=found.marked_runs)
    return tuple(replace(s, shown=shown[s.name]) if s.name in shown else s for s in sheets) if shown else sheets


def _filled(sheets: tuple[SheetData, ...]) -> int:
    """The cells calamine gave a value: as many as the guard counted cells with a child element, unless some
    child held nothing (an empty <v/>, a formula's missing result, an empty text, an error)."""
    return sum(len(row) - row.count("") for s in sheets for row in s.rows)


# An error cell (t="e") holds no text for the guard; calamine gives it as "" today, a reader that gave its
# text ("#DIV/0!", "#GETTING_DATA") would give at most this many bytes.
_ERROR_TEXT_BYTES = 16


def _at_most(found: guard.Inspected) -> tuple[int, int] | None:
    """(value cells, text bytes) the guard counted over the whole .xlsx, as upper bounds of what calamine gives:
    a cell with any child element counts, and a text the bytes of its XML (an escape is longer than what it
    stands for) or of its shared string; an error cell, which the guard counts as no text, an error's longest text."""
    if found.kind != "xlsx":
        return None
    counts = dict(found.counts)
    if "cells" not in counts or "text_bytes" not in counts:
        return None
    return counts["cells"], counts["text_bytes"] + _ERROR_TEXT_BYTES * counts["cells"]


def _calamine_sheets(data: bytes, shown: str, retried: bool = False) -> tuple[SheetData, ...]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ReturnUnusable(shown, guard.PASSWORD) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken files
        raise ReturnUnusable(shown, f"文件已损坏或不完整，无法作为 Excel 工作簿读取（{_short(exc)}）") from None
    except BaseException as exc:  # noqa: BLE001 - calamine's Rust panic (PyO3's PanicException) is one
        _reraise_exits(exc)
        raise ReturnUnusable(shown, _panic(exc)) from None
    sheets = []
    merges = covered = 0
    try:
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            visible = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
            merged = tuple((r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ())
            merges, covered = _count_merges(meta.name, merged, merges, covered)
            sheets.append(
                SheetData(
                    meta.name,
                    rows,  # calamine's lists as they are: "" stands for an empty cell
                    visible,
                    merged,
                )
            )
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for broken sheets
        if isinstance(exc, _TooManyMerges):
            raise ReturnUnusable(shown, str(exc)) from None
        if not retried and "boolean cell value" in str(exc) and data.startswith(ZIP_MAGIC):
            # LibreOffice saves -(A1>0) as the boolean "-0" or "-1", which calamine refuses: read as FALSE / TRUE.
            return _calamine_sheets(_booleans_unsigned(data), shown, retried=True)
        raise ReturnUnusable(shown, f"文件内容已损坏，无法读取工作表（{_short(exc)}）") from None
    except BaseException as exc:  # noqa: BLE001 - the panic again, from a sheet
        _reraise_exits(exc)
        raise ReturnUnusable(shown, _panic(exc)) from None
    finally:
        book.close()
    return tuple(sheets)


class _TooManyMerges(Exception):
    pass


def _count_merges(sheet: str, merged: Merged, merges: int, covered: int) -> tuple[int, int]:
    """The merges and the cells under them so far, with ``sheet``'s; past the limits the guard keeps for an
    .xlsx's (an .xls's and an .ods's are counted here), ``_TooManyMerges``."""
    merges += len(merged)
    covered += sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in merged)
    if merges > L.MAX_MERGES or covered > L.MAX_MERGED_CELLS:
        raise _TooManyMerges(f"工作簿的合并单元格过多或范围过大（到工作表“{sheet[:60]}”为止 {merges:,} 处，"
                             f"覆盖 {covered:,} 个单元格，一份统计表不到 20 处），不予读取")
    return merges, covered


def _with_ods_merges(sheets: tuple[SheetData, ...], merged: dict[str, Merged], shown: str) -> tuple[SheetData, ...]:
    """python-calamine gives an .ods no merged cells: ``ods_seen``'s, under the same limits."""
    merges = covered = 0
    try:
        for s in sheets:
            merges, covered = _count_merges(s.name, merged.get(s.name, ()), merges, covered)
    except _TooManyMerges as exc:
        raise ReturnUnusable(shown, str(exc)) from None
    return tuple(replace(s, merged=merged[s.name]) if s.name in merged else s for s in sheets)


_SIGNED_BOOLEAN = re.compile(rb'(<(?:\w+:)?c\b[^>]*\st="b"[^>]*>(?:(?!</(?:\w+:)?c\s*>).){0,300}?<(?:\w+:)?v>)-([01])(?=</)', re.S)


def _booleans_unsigned(data: bytes) -> bytes:
    """The workbook (already passed by the guard) again, its worksheets' boolean values "-0" and "-1" as 0 and 1."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            body = source.read(info)
            if "worksheets/" in info.filename and b'"b"' in body:
                body = _SIGNED_BOOLEAN.sub(rb"\1\2", body)
            target.writestr(info.filename, body)
    return out.getvalue()


def _reraise_exits(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _panic(exc: BaseException) -> str:
    return f"文件结构异常，读取程序出错（{type(exc).__name__}: {_short(exc)}）；请对方用 Excel 重新保存后发送，或将此文件转交技术人员"


def defined_names(entries) -> dict[str, CellRef]:
    """Single-cell defined names: ``'附件1'!$E$9`` and ``附件1!$E$9`` both occur. Ranges, formulas,
    #REF! and print areas are not input cells; precedence between duplicates is ``core.workbook.name_table``'s.
    ``entries``: (name, text) or (name, text, sheet-scoped?) as the guard read them from workbook.xml."""
    entries = tuple(entries)
    return dict(_names(entries) if len(entries) <= _NAMES_KEPT_ENTRIES else _name_table(entries))


def _name_table(entries: tuple) -> dict[str, CellRef]:
    return name_table((raw[0], _name_target(raw[0], raw[1]), bool(raw[2]) if len(raw) > 2 else False)
                      for raw in entries)


# Returns from one template define the same ~160 names: the table is made once per set of names (a copy
# each time: callers own theirs).
_NAMES_KEPT_ENTRIES = 2_000
_names = functools.lru_cache(maxsize=16)(_name_table)


def _name_target(raw_name: str, raw_target: str) -> CellRef | None:
    target = raw_target.strip()
    if not raw_name or "!" not in target or raw_name.upper().startswith("_XLNM."):
        return None
    sheet_part, _, cell_part = target.rpartition("!")
    if sheet_part.startswith("'") and sheet_part.endswith("'"):
        sheet_part = sheet_part[1:-1].replace("''", "'")
    rc = parse_a1(cell_part)
    return CellRef(sheet_part, rc[0], rc[1]) if rc is not None else None


_ODS_ADDRESS = re.compile(r"\$?('(?:[^']|'')*'|[^.']+)\.\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def ods_names(pairs) -> dict[str, CellRef]:
    """Single-cell named ranges of an .ods: ``$附件1.$E$9`` or ``$'附件 1'.$E$9``."""
    return name_table((raw_name, _ods_target(address), False) for raw_name, address in pairs)


def _ods_target(address: str) -> CellRef | None:
    m = _ODS_ADDRESS.fullmatch(address.strip())
    if m is None:
        return None
    sheet = m.group(1)
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    rc = parse_a1(m.group(2) + m.group(3))
    return CellRef(sheet, rc[0], rc[1]) if rc is not None else None


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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]

