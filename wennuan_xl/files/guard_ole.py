"""Old .xls files (BIFF records in an OLE2 compound file), checked the way calamine will read them.

calamine's compound-file reader follows sector chains without looking for loops (a chain that comes back
on itself grows memory until the process dies), reserves room for counts read from the header, and panics
on a chain that points past its tables. So the walk below is calamine's (``cfb.rs``) step by step, with the
loops, the impossible counts and the out-of-range pointers refused, and it yields the same Workbook
stream calamine will parse. The BIFF records are then read as calamine reads them (``xls.rs``): the
DIMENSIONS record (calamine reserves rows x columns cells from it), the shared-string table (each string's
length, so that a string copied into thousands of cells is counted in every one), the cell records and
their farthest position, the formula cells (a second grid), and the sheet list (each entry is parsed).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from . import limits as L
from .limits import Refused

ENDOFCHAIN = 0xFFFF_FFFE
DIFSECT = 0xFFFF_FFFC
RESERVED = 0xFFFF_FFFA

_BROKEN = "文件已损坏或不完整（旧版 .xls 的文件结构有误），请对方重新保存后发送"
_ODD = "旧版 .xls 文件的结构异常（{}），不是 Excel 正常保存的工作簿，可能是损坏或恶意构造的文件，不予读取"
PASSWORD = "工作簿设有打开密码（已加密），无法读取；请对方取消密码后重新发送"
# An .xls keeps every sheet's grid for the whole read, and hands a copy of it to Python: its grid counts
# twice against the area limit.
AREA_WEIGHT = 2


def _u16(b: bytes, at: int = 0) -> int:
    return struct.unpack_from("<H", b, at)[0]


def _u32(b: bytes, at: int = 0) -> int:
    return struct.unpack_from("<I", b, at)[0]


def _u32s(b: bytes) -> list[int]:
    if len(b) % 4:
        raise Refused(_BROKEN)  # calamine asserts here (a panic)
    return list(struct.unpack(f"<{len(b) // 4}I", b))


@dataclass
class _Dir:
    name: str
    start: int
    length: int


class _Sectors:
    def __init__(self, body: bytes, size: int, maxid: int):
        self.body = body
        self.size = size
        self.maxid = maxid

    def get(self, sid: int) -> bytes:
        start = sid * self.size
        if sid > self.maxid or start >= len(self.body):
            raise Refused(_BROKEN)  # calamine: "sector points past end of file", or a panic at the very end
        return self.body[start : start + self.size]

    def chain(self, sid: int, fats: list[int], length: int) -> bytes:
        out = bytearray()
        seen: set[int] = set()
        while sid != ENDOFCHAIN:
            if sid in seen:
                raise Refused(_ODD.format("扇区链首尾相接，读取时会无限循环"))
            seen.add(sid)
            sector = self.get(sid)
            out += sector[: max(0, length - len(out))]
            if len(out) >= length:
                break
            if sid >= len(fats):
                raise Refused(_BROKEN)  # calamine indexes past its table (a panic)
            sid = fats[sid]
        return bytes(out)


def workbook_stream(data: bytes) -> tuple[bytes | None, list[str]]:
    """(the Workbook stream as calamine extracts it, or None when there is none; the directory names)."""
    n = len(data)
    if n < 512:
        raise Refused(_BROKEN)
    version = _u16(data, 26)
    shift = _u16(data, 30)
    if shift == 9:
        size = 512
    elif shift == 12 and n >= 4096:
        size = 4096
    else:
        raise Refused(_BROKEN)
    if _u16(data, 32) != 6:
        raise Refused(_BROKEN)
    fat_len = _u32(data, 44)
    dir_start = _u32(data, 48)
    mini_fat_start = _u32(data, 60)
    mini_fat_len = _u32(data, 64)
    difat_start = _u32(data, 68)
    difat_len = _u32(data, 62)  # sic: calamine reads this (misaligned) field as the DIFAT length
    if difat_len > L.MAX_DIFAT_ENTRIES:
        raise Refused(_ODD.format(f"文件头声明了 {difat_len:,} 个扇区分配表项"))
    maxid = n // size
    sectors = _Sectors(data[size:], size, maxid)
    if fat_len > maxid + 1:
        raise Refused(_ODD.format(f"文件头声明了 {fat_len:,} 个分配表扇区，文件只有 {maxid:,} 个扇区"))
    difat = _u32s(data[76:512])
    seen: set[int] = set()
    sid = difat_start
    while sid < RESERVED:
        if sid in seen or len(seen) > maxid:
            raise Refused(_ODD.format("扇区分配表的链首尾相接，读取时会无限循环"))
        seen.add(sid)
        difat.extend(_u32s(sectors.get(sid)))
        sid = difat.pop()
    fat_ids = [i for i in difat if i < DIFSECT]
    if len(fat_ids) > maxid + 1 or len(set(fat_ids)) != len(fat_ids):
        raise Refused(_ODD.format("扇区分配表重复或多于文件的扇区"))
    fats: list[int] = []
    for i in fat_ids:
        fats.extend(_u32s(sectors.get(i)))
    raw_dirs = sectors.chain(dir_start, fats, 1 << 62)
    if len(raw_dirs) % 128:
        raise Refused(_BROKEN)
    dirs = []
    for at in range(0, len(raw_dirs), 128):
        entry = raw_dirs[at : at + 128]
        name = entry[:64].decode("utf-16-le", "replace").split("\x00", 1)[0]
        start = _u32(entry, 116)
        length = _u32(entry, 120) if size == 512 else struct.unpack_from("<Q", entry, 120)[0]
        dirs.append(_Dir(name, start, length))
    if not dirs or (version != 3 and dirs[0].start == ENDOFCHAIN):
        raise Refused(_BROKEN)
    names = [d.name for d in dirs]
    if mini_fat_len > 0:
        ministream = sectors.chain(dirs[0].start, fats, dirs[0].length)
        minifat = _u32s(sectors.chain(mini_fat_start, fats, mini_fat_len * size))
    else:
        ministream, minifat = b"", []
    for wanted in ("Workbook", "Book", "WORKBOOK", "BOOK"):
        d = next((d for d in dirs if d.name == wanted), None)
        if d is None:
            continue
        if d.length < 4096:
            mini = _Sectors(ministream, 64, maxid * 8)
            return mini.chain(d.start, minifat, d.length), names
        return sectors.chain(d.start, fats, d.length), names
    return None, names


# --- BIFF -----------------------------------------------------------------------------------------------


class _Stop(Exception):
    """calamine stops here with an error: nothing further is read (the file is reported as damaged)."""


def _records(stream: bytes, pos: int = 0):
    """calamine's RecordIter: (type, data, continue records)."""
    n = len(stream)
    while True:
        if n - pos < 4:
            if n - pos:
                raise _Stop
            return
        typ, length = struct.unpack_from("<HH", stream, pos)
        if n - pos < length + 4:
            raise _Stop
        data = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        conts = []
        while n - pos > 4 and _u16(stream, pos) == 0x003C:
            clen = _u16(stream, pos + 2)
            if n - pos < clen + 4:
                raise _Stop
            conts.append(stream[pos + 4 : pos + 4 + clen])
            pos += 4 + clen
        yield typ, data, conts


@dataclass
class XlsTotals:
    cells: int = 0
    area: int = 0
    text_bytes: int = 0
    names: int = 0  # NAME records (files/xls_names.py reads them)
    sheets: list[str] = field(default_factory=list)


def _shared_string_lengths(data: bytes, conts: list[bytes], runs_out: list[bytes] | None = None) -> list[int]:
    """calamine's parse_sst, keeping only each string's character count (and, into ``runs_out``, each
    string's rich-text formatting runs: 4 bytes a run, the first character and the font)."""
    if len(data) < 8:
        raise _Stop
    total, unique = struct.unpack_from("<II", data, 0)
    if max(total, unique) > L.MAX_SHARED_STRINGS:
        raise Refused(
            f"工作簿的共享字符串表声明了 {max(total, unique):,} 个字符串（正常只有几百个），"
            "读取时会预留相应的内存，可能是恶意构造的文件，不予读取"
        )
    conts = list(conts)
    buf = data[8:]
    lengths: list[int] = []

    def next_cont() -> bool:
        nonlocal buf
        if not conts:
            return False
        buf = conts.pop(0)
        return True

    while buf or next_cont():
        if len(lengths) > L.MAX_SHARED_STRINGS:
            raise Refused(f"工作簿有超过 {L.MAX_SHARED_STRINGS:,} 个共享字符串，远超一份统计表，不予读取")
        if not buf:
            lengths.append(0)
            continue
        if len(buf) < 3:
            raise _Stop
        cch, flags = _u16(buf), buf[2]
        buf = buf[3:]
        runs = ext = 0
        if flags & 0x8:
            if len(buf) < 2:
                raise Refused(_BROKEN)  # a panic in calamine
            runs, buf = _u16(buf), buf[2:]
        if flags & 0x4:
            if len(buf) < 4:
                raise Refused(_BROKEN)
            ext, buf = struct.unpack_from("<i", buf)[0] & 0xFFFF_FFFF_FFFF_FFFF, buf[4:]
        wide = bool(flags & 0x1)
        left = cch
        while left > 0:
            take = min(len(buf) // 2 if wide else len(buf), left)
            buf = buf[take * (2 if wide else 1) :]
            left -= take
            if left > 0:
                if not next_cont():
                    raise _Stop
                if not buf:
                    raise Refused(_BROKEN)  # an empty continue record here is a panic in calamine
                wide, buf = bool(buf[0] & 0x1), buf[1:]
        for k, skip in enumerate((runs * 4, ext)):
            taken: list[bytes] = []
            while skip > 0:
                if not buf and not next_cont():
                    raise _Stop
                take = min(skip, len(buf))
                if runs_out is not None and k == 0:
                    taken.append(buf[:take])
                buf, skip = buf[take:], skip - take
            if runs_out is not None and k == 0:
                runs_out.append(b"".join(taken))
        lengths.append(cch)
    return lengths


def shared_string_runs(data: bytes, conts: list[bytes]) -> list[bytes]:
    """Each shared string's formatting runs (4 bytes a run: first character, font index), from an SST record
    the guard has passed; empty where it cannot be read."""
    runs: list[bytes] = []
    try:
        _shared_string_lengths(data, conts, runs)
    except (_Stop, Refused):
        return []
    return runs


# Cell records and where calamine places them (0-based row, column in the first 4 bytes).
_CELL_RECORDS = {0x0203: 14, 0x0204: 6, 0x00D6: 6, 0x0205: 8, 0x027E: 10}
_BYTES_PER_UNIT = 6  # UTF-8 bytes one BIFF character unit can become (two replacement characters at worst)


def check_biff(stream: bytes, totals: XlsTotals) -> None:
    try:
        _check_biff(stream, totals)
    except _Stop:
        return  # calamine stops with an error at the same record: the file is reported as damaged


def _check_biff(stream: bytes, t: XlsTotals) -> None:
    biff8 = True
    sheets: list[tuple[int, str]] = []
    strings: list[int] = []
    for typ, data, conts in _records(stream):
        if typ == 0x002F:
            raise Refused(PASSWORD)
        if typ == 0x0809 and len(data) >= 2:
            biff8 = _u16(data) == 0x0600
        elif typ == 0x0085:
            if len(data) < 6:
                raise Refused(_BROKEN)  # calamine indexes bytes 4 and 5 (a panic)
            pos = _u32(data)
            if pos >= len(stream):
                raise Refused(_ODD.format("工作表的位置超出了文件"))
            sheets.append((pos, _sheet_name(data[6:], biff8)))
            if len(sheets) > L.MAX_SHEETS:
                raise Refused(f"工作簿列出了超过 {L.MAX_SHEETS} 个工作表（正常只有 1-5 个），不予读取")
        elif typ == 0x00FC:
            strings = _shared_string_lengths(data, conts)
        elif typ == 0x0018:
            t.names += 1
            if t.names > L.MAX_DEFINED_NAMES:
                raise Refused(L.TOO_MANY_NAMES)
        elif typ == 0x000A:
            break
    positions = [p for p, _ in sheets]
    if len(set(positions)) != len(positions):
        raise Refused(_ODD.format("多个工作表指向同一段数据，读取时会被重复解析"))
    t.sheets = [name for _, name in sheets]
    for pos, name in sheets:
        _check_sheet(stream, pos, f"工作表“{name[:60]}”", strings, t)


def _sheet_name(data: bytes, biff8: bool) -> str:
    if not data:
        return ""
    cch = data[0]
    if biff8 and len(data) >= 2:
        raw = data[2:]
        return (raw[: 2 * cch].decode("utf-16-le", "replace") if data[1] & 1 else raw[:cch].decode("latin-1"))
    return data[1 : 1 + cch].decode("latin-1")


def _check_sheet(stream: bytes, pos: int, where: str, strings: list[int], t: XlsTotals) -> None:
    max_row = max_col = -1
    f_min = [1 << 32, 1 << 32]
    f_max = [-1, -1]
    fmla = (0, 0)
    seen_bof = False
    depth = 0

    def place(row: int, col: int, text: int = 0) -> None:
        nonlocal max_row, max_col
        t.cells += 1
        t.text_bytes += text
        max_row, max_col = max(max_row, row), max(max_col, col)

    for typ, data, _conts in _records(stream, pos):
        if depth:
            if typ == 0x0809:
                depth += 1
            elif typ == 0x000A:
                depth -= 1
            continue
        if typ == 0x0809:
            if seen_bof:
                depth += 1
            seen_bof = True
        elif typ == 0x0200:
            _dimensions(data, where)
        elif typ in _CELL_RECORDS:
            if len(data) < _CELL_RECORDS[typ]:
                raise _Stop
            text = _BYTES_PER_UNIT * len(data) if typ in (0x0204, 0x00D6) else 0
            place(_u16(data), _u16(data, 2), text)
        elif typ == 0x00FD:
            if len(data) < 10:
                raise _Stop
            i = _u32(data, 6)
            if i < len(strings):
                place(_u16(data), _u16(data, 2), _BYTES_PER_UNIT * strings[i])
        elif typ == 0x00BD:
            if len(data) < 6:
                raise _Stop
            first, last = _u16(data, 2), _u16(data, len(data) - 2)
            count = ((last - first + 1) & 0xFFFF)
            if len(data) != 6 + 6 * count:
                raise _Stop
            for k in range((len(data) - 6) // 6):
                place(_u16(data), first + k)
        elif typ == 0x0207:
            place(fmla[0], fmla[1], _BYTES_PER_UNIT * len(data))
        elif typ == 0x0006:
            if len(data) < 20:
                raise _Stop
            fmla = (_u16(data), _u16(data, 2))
            place(*fmla)
            f_min = [min(f_min[0], fmla[0]), min(f_min[1], fmla[1])]
            f_max = [max(f_max[0], fmla[0]), max(f_max[1], fmla[1])]
        elif typ == 0x000A:
            break
        if t.cells > L.MAX_CELLS:
            raise Refused(f"{where}有超过 {L.MAX_CELLS:,} 个填有内容的单元格，远超一份统计表，不予读取")
        if t.text_bytes > L.MAX_TEXT_BYTES:
            raise Refused(
                f"{where}的文字内容合计超过 {L.MAX_TEXT_BYTES // 1024:,} KB（同一段文字被大量单元格重复引用时按每个单元格计），"
                "远超一份统计表，不予读取"
            )
    if max_row >= 0:
        t.area += AREA_WEIGHT * (max_row + 1) * (max_col + 1)
    if f_max[0] >= 0:
        t.area += (f_max[0] - f_min[0] + 1) * (f_max[1] - f_min[1] + 1)
    if t.area > L.MAX_AREA:
        from .guard_xml import column_letters

        raise Refused(
            f"{where}的内容一直延伸到很远的 {column_letters(max_col + 1)}{max_row + 1} 单元格附近（可能在远处误输入了内容），"
            "范围过大，不予读取；请删除多余内容后重新发送"
        )


def _dimensions(data: bytes, where: str) -> None:
    """calamine reserves (last row - first row + 1) x (last column - first column + 1) cells, in 32-bit
    arithmetic that wraps when the record says last < first."""
    if len(data) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", data)
    elif len(data) == 14:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", data)
    else:
        raise _Stop
    if cf > 0xFF or cl < cf:
        cf = 0
    if rl >= 1 and cl >= 1:
        start, end = (rf, cf), (rl - 1, cl - 1)
    else:
        start = end = (rf, cf)
    m = 0xFFFF_FFFF
    rows = (((end[0] - start[0]) & m) + 1) & m
    cols = (((end[1] - start[1]) & m) + 1) & m
    if rows * cols > L.MAX_AREA:
        from .guard_xml import column_letters

        far = end[0] + 1 <= L.EXCEL_ROWS and end[1] + 1 <= L.EXCEL_COLUMNS and rows <= L.EXCEL_ROWS
        extent = f"内容一直延伸到 {column_letters(end[1] + 1)}{end[0] + 1} 单元格，" if far else ""
        raise Refused(
            f"{where}的尺寸记录声明{extent}共 {rows:,} 行 × {cols:,} 列（正常不到 200 行），读取时会预留相应的内存，"
            "范围过大或是恶意构造的文件，不予读取；请删除多余内容后重新发送"
        )
