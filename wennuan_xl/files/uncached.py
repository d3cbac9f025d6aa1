"""Formula cells whose result the file does not hold, which python-calamine reads as empty.

Excel, WPS and LibreOffice save every formula with the value it last computed (``<f>…</f><v>73295</v>``), and
the readers take that value. A workbook written by a program that computes nothing (openpyxl, many export
scripts) holds the formula alone (``<f>70000+3295</f><v/>``): Excel shows 73295 when it opens it, calamine
reads an empty cell, and a unit's figure would count as not filled, as 0 in the totals. The locator refuses such
a field instead (F-LOCATE-FORMULA, naming the cell and its formula), so this lists those cells, from the
worksheets' own XML, after the guard has checked every part.

A formula whose saved result is an empty text (``t="str"`` with an empty ``<v>``: ``=IF(A1>0,"",…)``) is not one:
that empty text is its value. A cell showing an error value (``#REF!``, ``#DIV/0!``: ``t="e"``) reads as empty too;
those are listed beside (F-LOCATE-ERROR): a person sees no blank there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Container

from ..core.workbook import column_index
from .visibility import sheet_parts

_QUICK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_F_OPEN = re.compile(rb"<f[\s/>]")
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f|v|is)(?=[\s/>])([^>]*?)(/?)>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
MAX_FORMULA = 200  # characters of a formula quoted in a message

Uncached = tuple[tuple[int, int, str], ...]  # (row, col, formula), 1-based


def _attrs(text: bytes) -> dict[bytes, bytes]:
    """Attributes by local name (``r``, ``t``)."""
    return {m.group(1).rpartition(b":")[2]: (m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(text)}


# Formula cells as every writer spells them: the address first, the formula, at most one <v>, nothing else.
_ADDRESSED = rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^<>]*?)>'
_FORMULA = rb"(<f(?:\s[^<>]*)?/>|<f(?:\s[^<>]*)?>[^<]*</f>)"
_ANY_FORMULA_CELL = re.compile(_ADDRESSED + _FORMULA + rb"(?:<v\s*/>|<v>[^<]*</v>)?</c>")
_NO_RESULT = re.compile(_ADDRESSED + _FORMULA + rb"(?:<v\s*/>|<v>\s*</v>)?</c>")


def uncached_xlsx(data: bytes, skip: Container[str] = ()) -> dict[str, Uncached]:
    """Sheet name -> its formula cells without a saved result, for an .xlsx/.xlsm already passed by the guard;
    not in the sheets named in ``skip`` (our templates' 审核 sheet: a thousand formulas, and no field)."""
    return {name: found[0] for name, found in unreadable_xlsx(data, skip).items() if found[0]}


def unreadable_xlsx(data: bytes, skip: Container[str] = ()) -> dict[str, tuple[Uncached, Uncached]]:
    """Sheet name -> (formula cells without a saved result, cells showing an error value: (row, col, "#REF!"
    and its formula)), which calamine both reads as empty."""
    out: dict[str, tuple[Uncached, Uncached]] = {}
    for name, xml in sheet_parts(data, skip):
        start, end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
        if start < 0:
            continue
        body = xml[start:end]
        formulas, errors = _QUICK.search(body) is not None, b'"e"' in body
        if not formulas and not errors:
            continue
        plain = _plain(body) if formulas else ()
        plain_errors = _plain_errors(body) if errors and plain is not None else ()
        if plain is None or plain_errors is None:
            found, shown, _ = _walk(body)  # something not in the plain shape: the walk over every tag
        else:
            found, shown = plain, plain_errors
        if found or shown:
            out[name] = (found, shown)
    return out


def _plain(xml: bytes) -> Uncached | None:
    """The cells without a result by two regular expressions, when every formula element of the sheet is in
    a cell of the plain shape (what Excel, WPS, LibreOffice and openpyxl write): a template's hidden 审核 sheet
    holds a thousand formulas, which the tag-by-tag walk takes ~20 ms over. None when some formula is not."""
    if b":f" in xml:
        return None  # a prefixed formula element, perhaps: the walk below reads any prefix
    if _ANY_FORMULA_CELL.subn(b"", xml)[1] != _F_OPEN.subn(b"", xml)[1]:
        return None
    out = []
    columns: dict[bytes, int] = {}
    for m in _NO_RESULT.finditer(xml):
        if b' t="str"' in m.group(3):
            continue  # its result is an empty text
        letters, element = m.group(1), m.group(4)
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index(letters.decode())
        if element.endswith(b"/>"):
            formula = _formula_text(b"", _attrs(element[2:-2]))
        else:
            opened = element.index(b">")
            formula = _formula_text(element[opened + 1 : -4], {})
        out.append((int(m.group(2)), col, formula))
    return tuple(out)


def recalculated_xlsx(data: bytes, skip: Container[str] = ()) -> dict[str, Uncached]:
    """Sheet name -> its formula cells that carry a saved result, (row, col, formula) with the formula whole ("="
    for a shared formula's follower, whose text is its master's): ``core/cell_formulas.py`` computes them again,
    to tell a saved result that is not what Excel shows. A cell of an error or a boolean is not one. Any spelling:
    prefixed elements, attributes in any order, an array or shared formula, white space between elements."""
    out: dict[str, Uncached] = {}
    for name, xml in sheet_parts(data, skip):
        start, end = xml.find(b"sheetData"), xml.rfind(b"sheetData")
        if start < 0:
            continue
        body = xml[start:end]
        found = _plain_cached(body)
        if found is None:
            found = _walk(body)[2]
        if found:
            out[name] = found
    return out


_CACHED = re.compile(_ADDRESSED + _FORMULA + rb"<v>([^<]+)</v></c>")
_RESULT_TYPES = (b"", b"n", b"str")  # a number, or a text (xlsxwriter's value="0"): not e, b, s


def _plain_cached(xml: bytes) -> Uncached | None:
    """``recalculated_xlsx`` by one regular expression, when every formula is in a plain cell; else None."""
    if b":f" in xml or _ANY_FORMULA_CELL.subn(b"", xml)[1] != _F_OPEN.subn(b"", xml)[1]:
        return None
    out = []
    for m in _CACHED.finditer(xml):
        kind = _attrs(m.group(3)).get(b"t", b"")
        if kind not in _RESULT_TYPES:
            continue
        element = m.group(4)
        text = b"" if element.endswith(b"/>") else element[element.index(b">") + 1 : -4]
        out.append((int(m.group(2)), column_index(m.group(1).decode()), _whole_formula(text)))
    return tuple(out)


def _whole_formula(text: bytes) -> str:
    return "=" + html.unescape(text.decode("utf-8", "replace")).strip()


_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^<>]*?\st="e"[^<>]*>' + _FORMULA + rb"?<v>([^<]*)</v></c>")


def _plain_errors(xml: bytes) -> Uncached | None:
    """The cells of type e (an error value) when all of them are in the plain shape, else None."""
    out = []
    for m in _ERROR_CELL.finditer(xml):
        element = m.group(3)
        formula = ""
        if element:
            formula = _formula_text(b"" if element.endswith(b"/>") else element[element.index(b">") + 1 : -4], {})
        out.append((int(m.group(2)), column_index(m.group(1).decode()), _error_text(m.group(4), formula)))
    if len(out) != xml.count(b' t="e"'):
        return None
    return tuple(out)


def _error_text(value: bytes, formula: str) -> str:
    shown = html.unescape(value.decode("utf-8", "replace")).strip() or "#错误"
    return f"{shown}，公式 {formula}" if formula else shown


def _walk(xml: bytes) -> tuple[Uncached, Uncached, Uncached]:
    """The cells of one sheetData, followed as calamine follows them: ``<row r>`` sets the row (else the next),
    ``<c r>`` the cell (else the next column); (formula cells without a result, error cells, formula cells with
    a saved number or text and their whole formula)."""
    out: list[tuple[int, int, str]] = []
    errors: list[tuple[int, int, str]] = []
    results: list[tuple[int, int, str]] = []
    whole = ""
    value = b""
    row, col = 0, 0
    in_cell = False
    formula: str | None = None
    cached = False
    cell_type = b""
    for m in _TAG.finditer(xml):
        closing, tag, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"row":
            if closing:
                continue
            r = _attrs(attrs).get(b"r", b"")
            row = int(r) if r.isdigit() else row + 1
            col = 0
        elif tag == b"c":
            if closing:
                if in_cell and cell_type == b"e":
                    errors.append((row, col, _error_text(value, formula or "")))
                elif in_cell and formula is not None and not cached and cell_type != b"str":
                    out.append((row, col, formula))
                elif in_cell and formula is not None and cached and cell_type in _RESULT_TYPES:
                    results.append((row, col, whole))
                in_cell = False
                continue
            a = _attrs(attrs)
            ref = _REF.fullmatch(a.get(b"r", b""))
            if ref is not None:
                row, col = int(ref.group(2)), column_index(ref.group(1).decode())
            else:
                col += 1
            in_cell, formula, cached, cell_type, value = not empty, None, False, a.get(b"t", b""), b""
            if empty and cell_type == b"e":
                errors.append((row, col, "#错误"))
        elif not in_cell or closing:
            continue
        elif tag == b"f":
            text = b"" if empty else xml[m.end(): xml.find(b"<", m.end())]
            formula = _formula_text(text, _attrs(attrs))
            whole = _whole_formula(text)
        elif tag == b"v":
            if not empty:
                stop = xml.find(b"<", m.end())
                value = xml[m.end(): stop]
                cached = cached or bool(value.strip())
        elif tag == b"is":
            cached = True
    return tuple(out), tuple(errors), tuple(results)


_ENTITIES = ((b"&quot;", b'"'), (b"&lt;", b"<"), (b"&gt;", b">"), (b"&apos;", b"'"), (b"&amp;", b"&"))


def _formula_text(text: bytes, attrs: dict[bytes, bytes]) -> str:
    text = text[: MAX_FORMULA * 8]  # what a message quotes, and room for the escapes in it
    if b"&" in text:
        if b"&#" in text:
            text = html.unescape(text.decode("utf-8", "replace")).encode()
        else:
            for entity, char in _ENTITIES:
                text = text.replace(entity, char)
    shown = text.decode("utf-8", "replace").strip()
    if not shown and attrs.get(b"t") == b"shared":
        return "（共享公式）"
    shown = "=" + shown if shown else "（公式）"
    return shown if len(shown) <= MAX_FORMULA else shown[:MAX_FORMULA] + "…"
