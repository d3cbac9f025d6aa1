"""Reading a PDF that LibreOffice printed from a workbook: which sheet each page is, and text that overprints.

Every sheet we write prints its own name at the left of the footer and “第 n 页，共 N 页” in the centre
(files/style.py), so a page is told to its sheet by its footer. Text that is clipped at a cell's edge or
overflows a row too low for it is drawn over the text beside or below it: two words whose boxes overlap.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from html import unescape
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_FOOTER = re.compile(r"第\s*(\d+)\s*页，共\s*(\d+)\s*页")


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int  # 1-based in the PDF
    sheet: str  # from the footer; "" when the page has none
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    result = []
    for i, body in enumerate(_PAGE.findall(out), start=1):
        words = tuple(Word(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in _WORD.findall(body))
        result.append(Page(i, _sheet(words), words))
    return result


def _sheet(words: tuple[Word, ...]) -> str:
    """The sheet's name: the words left of “第 n 页” on the footer's line."""
    for w in words:
        if w.text.startswith("第"):
            line = [v for v in words if abs(v.y0 - w.y0) < 2]
            text = "".join(v.text for v in sorted(line, key=lambda v: v.x0))
            if _FOOTER.search(text):
                return "".join(v.text for v in sorted(line, key=lambda v: v.x0) if v.x1 <= w.x0 + 0.5)
    return ""


def sheet_pages(pdf_pages: list[Page]) -> Counter:
    return Counter(p.sheet for p in pdf_pages)


def overlaps(page: Page, slack: float = 0.6) -> list[tuple[str, str]]:
    """Pairs of words on ``page`` whose boxes overlap by more than ``slack`` points both ways."""
    found = []
    words = sorted(page.words, key=lambda w: w.y0)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.y0 >= a.y1 - slack:
                break
            if min(a.x1, b.x1) - max(a.x0, b.x0) > slack and min(a.y1, b.y1) - max(a.y0, b.y0) > slack:
                found.append((a.text, b.text))
    return found
