"""One palette and one font: files/style.py names every colour and the font a writer uses; no other module
of the package spells a colour or a font of its own (so a colour means the same on every sheet)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import wennuan_xl

PACKAGE = Path(wennuan_xl.__file__).resolve().parent
STYLE = PACKAGE / "files" / "style.py"
COLOUR = re.compile(r"^#?(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}$")
FONTS = {"宋体", "黑体", "仿宋", "楷体", "微软雅黑", "SimSun", "SimHei", "Arial", "Calibri", "Microsoft YaHei"}


def spelled(source: str) -> list[str]:
    """String constants that are a colour or a font's name: a hex colour with a letter in it ("FFC7CE",
    "#9C0006"), any text given as a colour (``color="808080"``, ``{"font_color": "#808080"}``: all digits,
    like a division code, is a colour only there), a font's name anywhere."""
    found = []
    tree = ast.parse(source)
    given: set[int] = set()  # ids of constants passed where a colour goes
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and "colo" in node.arg.lower():
            given.add(id(node.value))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and "colo" in key.value.lower():
                    given.add(id(value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            hexed = COLOUR.match(text) and not text.lstrip("#").isdigit()
            if hexed or text in FONTS or (id(node) in given and COLOUR.match(text)):
                found.append(f"{text!r} line {node.lineno}")
    return found


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p != STYLE)


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_but_style_spells_a_colour_or_a_font(path):
    assert spelled(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    'FILL = PatternFill("solid", fgColor="FFF2CC")',
    'fmt = {"bg_color": "#FFC7CE"}',
    'Font(name="宋体")',
    'Font(size=9, color="808080")',
    'fmt = {"font_color": "#808080"}',
])
def test_the_scan_sees_a_colour_or_a_font(source):
    assert spelled(source) != []


def test_a_division_code_is_no_colour():
    assert spelled('CODE = "511102"') == []


def test_the_style_module_holds_them():
    from wennuan_xl.files import style

    assert spelled(STYLE.read_text(encoding="utf-8"))  # the palette is spelled here, once
    assert style.FONT == "宋体" and style.FLAG_FILLS
    # The input fill of every blank template is unlike each colour a finding gives a cell.
    assert style.INPUT not in (style.ERROR, style.WARNING, style.EXPLAINED)
