"""A worksheet's ``sheetData``, and the shared strings, counted at C speed when written the way spreadsheet
programs write them.

``guard_xml.scan_part`` runs a Python callback for every start and end of every element: for a return's
two sheets (~2,500 elements) that was two thirds of the guard's time. Nearly all of those elements are
the rows and cells inside ``<sheetData>``, and every program that writes .xlsx (Excel, WPS, LibreOffice,
openpyxl, xlsxwriter) writes them in one plain shape:

    <row r="7" ht="30" customHeight="1"><c r="A7" s="9" t="s"><v>12</v></c><c r="E7" s="9"/>...</row>

``count_sheet_data`` checks, with one regular expression over the bytes, that the whole of ``sheetData``
has exactly that shape (rows with ``r`` first; cells with ``r`` first; as children only ``<v>``, ``<f>``
and ``<is><t>…</t></is>``; attributes double-quoted, single spaces between them, no ``<``, ``>`` or ``&``
in their values; no comments, CDATA or processing instructions), and then counts from the bytes what the
callbacks would have counted there: elements, rows, cell elements, value cells, the farthest value cell,
each cell's text as the callbacks measure it, the hidden rows. Every address is checked as the callbacks
check it, and anything they would refuse (an address past Excel's grid, a row 0) makes this give up.

``scan_part`` then parses the part with expat as before, the callbacks on for everything before and after
``sheetData`` and off inside it: expat still checks the whole part (well-formedness, encoding, entities,
duplicate attributes), and the limits are checked on the same totals in the same order, so every verdict
and every message is the one the callbacks alone give. A part of any other shape, or one whose events do
not come where the bytes say, is scanned with the callbacks throughout. ``tests/files/test_guard_sheet.py``
holds the two ways to identical counts on real and mutated parts.

``count_shared_strings`` does the same for sharedStrings.xml (an Excel-saved return keeps every text there):
``<sst>`` holding only ``<si>`` with a ``<t>`` or rich-text runs (and Chinese Excel's ``<phoneticPr/>``), each
string's length being the bytes of its element as the callbacks measure it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN, _CLOSE = b"<sheetData>", b"</sheetData>"
# Inside sheetData only these tags (the shape every writer uses); anything else leaves the part to the callbacks.
# Addresses only as the callbacks accept them (columns to XFD, rows 1 to 1,048,576, no leading zero); text and
# attribute values without '<' or '>', so that a cell ends at the first "/c>".
_WS = rb"[ \t\r\n]*+"
_COLUMN = rb"(?:[A-Z]{1,2}+|[A-W][A-Z]{2}|X[A-E][A-Z]|XF[A-D])"
_ROW_NUMBER = rb"(?:[1-9][0-9]{0,5}+|10[0-3][0-9]{4}|104[0-7][0-9]{3}|1048[0-4][0-9]{2}|10485[0-6][0-9]|104857[0-6])"
_ATTRS = rb'(?: [A-Za-z_][A-Za-z0-9_.:-]*+="[^"<>&]*+")*+'
_TEXT = rb"[^<>]*+"
_CHILD = (rb"(?:<v(?:>" + _TEXT + rb"</v>|" + _WS + rb"/>)"
          rb"|<f" + _ATTRS + _WS + rb"(?:/>|>" + _TEXT + rb"</f>)"
          rb"|<is>" + _WS + rb"<t" + _ATTRS + _WS + rb"(?:/>|>" + _TEXT + rb"</t>)" + _WS + rb"</is>)")
_CELL = (rb'<c r="' + _COLUMN + _ROW_NUMBER + rb'"' + _ATTRS + _WS
         + rb"(?:/>|>(?:" + _WS + _CHILD + rb")*+" + _WS + rb"</c>)")
_ROW = (rb'<row r="' + _ROW_NUMBER + rb'"' + _ATTRS + _WS
        + rb"(?:/>|>(?:" + _WS + _CELL + rb")*+" + _WS + rb"</row>)")
_SHAPE = re.compile(rb"(?:" + _WS + _ROW + rb")*+" + _WS)
# Once the shape holds: the address of each cell with a value (a child element); each such cell with text
# (a t other than n, b, e, s), up to and with its "/c>"; the t="s" cells with a value, by a plain index or
# otherwise (their content); each row's start tag; each formula and each <v> in a cell.
_NOT_T = rb'(?: (?!t=)[^ "=<>/]++="[^"]*+")*+'  # the attributes before t (a cell's own)
_HAS_CHILD = rb"[^>]*+(?<!/)>[ \t\r\n]*+<(?!/)"
_TO_END = rb"[^/]*+(?:/(?!c>)[^/]*+)*+/c>"
_VALUED = re.compile(rb'<c r="([A-Z]++)([0-9]++)"' + _HAS_CHILD)
_TEXTY = re.compile(rb'<c r="[^"]*+"' + _NOT_T + rb' t="(?!n"|b"|e"|s")[^"]*+"' + _HAS_CHILD + _TO_END)
_SHARED = rb'<c r="[^"]*+"' + _NOT_T + rb' t="s"'
_SHARED_INDEX = re.compile(_SHARED + rb'[^>]*+(?<!/)><v>([0-9]++)</v></c>')
_SHARED_OTHER = re.compile(_SHARED + rb'[^>]*+(?<!/)>(?!<v>[0-9]++</v></c>)[ \t\r\n]*+(<(?!/)' + _TO_END + rb")")
_ROWS = re.compile(rb'<row r="([0-9]++)"([^>]*+)>')
_FORMULAS = re.compile(rb"<f[^>]*?(/?)>(?:[^<]*+</f>)?")
_V = re.compile(rb"<v(?:>([^<]*+)</v>|[^>]*/>)")
_COLUMNS: dict[bytes, int] = {}
# The deepest an element inside sheetData sits below it (row, c, is, t).
DEPTH = 4


@dataclass(frozen=True)
class SheetDataCounts:
    """What the callbacks would count between ``<sheetData>`` and ``</sheetData>``."""

    start: int  # offset of the first byte after <sheetData>
    end: int  # offset of </sheetData>
    elements: int
    rows: int
    cell_elements: int
    cells: int  # value cells
    text: int
    max_row: int  # 0-based, of value cells; -1 without any
    max_col: int
    hidden: frozenset[int]  # 1-based rows written hidden="1" / "true"


def _column(letters: bytes) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = col
    return col


def count_sheet_data(data: bytes, lengths: list[int]) -> SheetDataCounts | None:
    """The counts of ``data``'s sheetData, or None when it is not in the plain shape (or holds an address
    the callbacks would refuse): the callbacks then scan it."""
    if data.count(b"sheetData") != 2:
        return None
    opened = data.find(_OPEN)
    closed = data.find(_CLOSE)
    if opened < 0 or closed < opened:
        return None
    start = opened + len(_OPEN)
    inner = data[start:closed]
    if _SHAPE.fullmatch(inner) is None:
        return None
    hidden: frozenset[int] = frozenset()
    if b"hidden" in inner:
        hidden = frozenset(int(r) for r, rest in _ROWS.findall(inner)
                           if b' hidden="1"' in rest or b' hidden="true"' in rest)
    valued = _VALUED.findall(inner)
    max_row = max_col = 0  # the farthest value cell, 1-based
    if valued:
        letters, digits = zip(*valued)
        max_row = max(map(int, digits))
        max_col = max(map(_column, set(letters)))
    texty = _TEXTY.findall(inner)
    text = sum(map(len, texty)) - 4 * len(texty)  # from <c to </c>, as the callbacks' byte positions
    for cell in texty:
        if b"<f" in cell:
            for formula in _FORMULAS.finditer(cell):
                # an element <f>…</f> up to its end tag, an empty <f …/> whole (expat's positions)
                text -= formula.end() - formula.start() - (0 if formula.group(1) else 4)
    if b' t="s"' in inner:
        known = len(lengths)
        text += sum(lengths[i] if i < known else 0 for i in map(int, _SHARED_INDEX.findall(inner)))
        text += sum(_shared_length(cell, lengths) for cell in _SHARED_OTHER.findall(inner))
    return SheetDataCounts(start, closed, inner.count(b"<") - inner.count(b"</"), inner.count(b"<row "),
                           inner.count(b"<c "), len(valued), text, max_row - 1, max_col - 1, hidden)


def _shared_length(cell: bytes, lengths: list[int]) -> int:
    """The text a t="s" cell holds: the string its one <v> names by a plain index (none past the table), else
    the longest (the callbacks' rule for a <v> in pieces, or a second one)."""
    values = _V.findall(cell)
    if len(values) == 1 and values[0].isdigit():
        index = int(values[0])
        return lengths[index] if index < len(lengths) else 0
    return max(lengths, default=0)


# --- sharedStrings.xml ------------------------------------------------------------------------------------

_ATTR = rb' [A-Za-z_][A-Za-z0-9_.:-]*+="[^"<>&\t\r\n]*+"'
_T = rb"(?:<t(?: xml:space=\"preserve\")?>[^<]*+</t>|<t/>)"
# A run's properties, by the names Excel writes (CT_RPrElt): any other name could be one the scanner counts (a
# <mergeCell ref> or <c> inside <rPr> is counted by the callbacks, and refused when it breaks a limit).
_RPR_ITEM = rb"(?:rFont|charset|family|b|i|strike|outline|shadow|condense|extend|color|sz|u|vertAlign|scheme)"
_RUN = rb"<r>(?:<rPr>(?:<" + _RPR_ITEM + rb"(?:" + _ATTR + rb")*+ ?/>)*+</rPr>)?" + _T + rb"</r>"
_SI = (rb"<si>(?:" + _T + rb"|(?:" + _RUN + rb")++)(?:<rPh(?:" + _ATTR + rb")*+>" + _T + rb"</rPh>)*+"
       rb"(?:<phoneticPr(?:" + _ATTR + rb")*+ ?/>)?</si>")
_SST = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[^?<>]*+\?>)?[ \t\r\n]*+<sst((?:" + _ATTR + rb")*+) ?>((?:" + _SI + rb")*+)"
                  rb"</sst>[ \t\r\n]*+")
_SST_ATTR = re.compile(rb' ([^=]++)="([^"]*+)"')


@dataclass(frozen=True)
class SharedStringsCounts:
    lengths: list[int]  # each <si>'s bytes, from <si to </si>
    elements: int
    declared: dict[str, str]  # the <sst> element's attributes (count, uniqueCount …)


def count_shared_strings(data: bytes) -> SharedStringsCounts | None:
    """The counts of a sharedStrings.xml in the plain shape, or None (the callbacks then scan it)."""
    m = _SST.fullmatch(data)
    if m is None:
        return None
    body = m.group(3)
    pieces = body.split(b"</si>")
    try:
        declared = {k.decode(): v.decode() for k, v in _SST_ATTR.findall(m.group(2))}
    except UnicodeDecodeError:
        return None  # not UTF-8: the scanner says where the XML is broken, in Chinese
    return SharedStringsCounts([len(p) for p in pieces[:-1]], 1 + body.count(b"<") - body.count(b"</"), declared)
