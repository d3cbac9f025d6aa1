"""Reading what a form prints: item numbers, sub-item letters, our codes, labels, inline values.

Units retype the forms in their own ways: ``01（A）当地职工总数``, ``(A) 职工总数``, ``A. 职工总数``,
``一、``, ``其中：（B）…``, a code ``A1.01A`` in its own column, or the notice's sentences pasted from Word
with the number inside (``为 800 户困难职工家庭提供过冬取暖补贴``). This module turns such text into marks
(item, letter, code, words) and compares words with a field's labels; it decides nothing about layout.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
# Punctuation and quotes that retyped labels add or drop; letters, digits and CJK stay.
_PUNCT = re.compile(r"[\s:：,，、。;；.．·()（）\[\]【】〔〕<>《》\"'“”‘’_\-—–~～/／\\|!！?？*＊#]+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』《》〈〉]")
CODE_RE = re.compile(r"^A(\d+)\.(\d{2})([A-Z]?)$")
_CODE_IN_TEXT = re.compile(r"(?<![A-Z0-9])A(\d)\s*[.．]\s*(\d{2})\s*([A-Z]?)(?![A-Za-z0-9])")

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


# Circled and bracketed numbers (①②③, ⑴⑵⑶) count an item's rows; they are not its letters (①生活救助 is
# 09(C)), so they say nothing about which field a row is. NFKC alone would turn them into digits, which
# would read as figures.
_CIRCLED = {chr(0x2460 + i): " " for i in range(20)} | {chr(0x2474 + i): " " for i in range(20)}
_CIRCLED_RE = re.compile("[" + "".join(_CIRCLED) + "]")


def nfkc(text: object) -> str:
    return _nfkc(text if isinstance(text, str) else str(text if text is not None else ""))


# A sheet's text is normalised once however many readings (segments, cover, pairs, columns) look at it: a
# sheet of long prose cells used to spend most of its time here.
@functools.lru_cache(maxsize=65536)
def _nfkc(s: str) -> str:
    if _CIRCLED_RE.search(s):
        s = _CIRCLED_RE.sub(lambda m: _CIRCLED[m.group(0)], s)
    return unicodedata.normalize("NFKC", s)


def squeeze(text: object) -> str:
    """Width and spaces do not matter: ``填 报 人：`` -> ``填报人:``."""
    return _squeeze(text if isinstance(text, str) else str(text if text is not None else ""))


@functools.lru_cache(maxsize=65536)
def _squeeze(s: str) -> str:
    return _SPACE.sub("", _nfkc(s))


@functools.lru_cache(maxsize=65536)
def words(text: str) -> str:
    """A label as compared: width, spaces, punctuation and quotes removed, upper case."""
    return _PUNCT.sub("", nfkc(text)).upper()


def title_words(text: object) -> str:
    """A title as compared: also without quotes (“送温暖”活动统计表 is 送温暖活动统计表)."""
    return words(_QUOTES.sub("", nfkc(text)))


def chinese_number(text: str) -> int | None:
    """一 … 十九 as printed for item numbers; None for anything else."""
    if not text or any(ch not in CHINESE_DIGITS for ch in text) or len(text) > 3:
        return None
    if text == "十":
        return 10
    if len(text) == 1:
        return CHINESE_DIGITS[text]
    if text[0] == "十" and len(text) == 2:
        return 10 + CHINESE_DIGITS[text[1]]
    if len(text) == 2 and text[1] == "十":
        return CHINESE_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return CHINESE_DIGITS[text[0]] * 10 + CHINESE_DIGITS[text[2]]
    return None


_ITEM_ONLY = re.compile(r"^(?:第)?\(?([0-9]{1,2}|[一二三四五六七八九十]{1,3})\)?(?:项)?[.、:]?$")


def item_number(value: object) -> int | None:
    """A cell that holds only an item number: ``01``, ``1``, ``1.``, ``一``, ``（一）``, ``一、``, 1.0."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 0 < value < 100 else None
    text = squeeze(value)
    m = _ITEM_ONLY.match(text)
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else chinese_number(token)


@dataclass(frozen=True)
class Marks:
    """What a piece of printed text says about which field it is."""

    item: int | None  # 1 for "01"
    letter: str  # "A", "" when none printed
    code: str  # "A1.01A" when our code is printed
    rest: str  # the text after the marks, as printed (NFKC)
    arabic: bool = False  # the item was printed in digits with a point (``1.``), which a form numbered
    # 一、二、… uses for its sub-items


_LEAD_ITEM = re.compile(r"^(?:第)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:项)?(?:[.、:]|(?=\()|\s+|$|(?=[^\dA-Za-z.]))")
_LEAD_ITEM_PAREN = re.compile(r"^\(([0-9]{1,2}|[一二三四五六七八九十]{1,3})\)")
_LEAD_LETTER = re.compile(r"^(?:其中[:]?)?\(\s*([A-Za-z])\s*\)|^([A-Z])(?:[.、:]|\s+(?=\S)|$)")
_LEAD_QIZHONG = re.compile(r"^其中[:]?")
# ``15 件，（B）…``: a number with its unit at the start of a line is a value, not an item number.
_COUNT_AT_START = re.compile(r"^\d{1,2}(?:\.\d+)?\s*(?:年|月|日|号|万|元|人次|人|户|家|个|列|节|辆|艘|架|张|对|件|%)")


def marks(text: object) -> Marks:
    """Item, letter and code printed at the start of a label: ``01（A）…``, ``其中：（B）…``, ``A.…``."""
    s = nfkc(text).strip()
    code_m = _CODE_IN_TEXT.search(s)
    if code_m and code_m.start() == 0:
        code = f"A{code_m.group(1)}.{code_m.group(2)}{code_m.group(3)}"
        return Marks(int(code_m.group(2)), code_m.group(3), code, s[code_m.end():].strip())
    item: int | None = None
    arabic = False
    m = _LEAD_ITEM_PAREN.match(s) or _LEAD_ITEM.match(s)
    if m and not s[m.end(1):m.end(1) + 1].isdigit():
        token = m.group(1)
        n = int(token) if token.isdigit() else chinese_number(token)
        # A year or a count at the start of a sentence is no item number.
        if n is not None and 0 < n < 100 and not _COUNT_AT_START.match(s):
            item = n
            arabic = token.isdigit() and s[m.end(1):m.end(1) + 1] in (".", "、")
            s = s[m.end():].strip()
    s = _LEAD_QIZHONG.sub("", s).strip()
    letter = ""
    m = _LEAD_LETTER.match(s)
    if m:
        letter = (m.group(1) or m.group(2)).upper()
        s = s[m.end():].strip()
    s = _LEAD_QIZHONG.sub("", s).strip()
    return Marks(item, letter, "", s, arabic)


def code_of(value: object) -> str:
    """Our code printed in a cell of its own: ``A1.01A`` (also ``a1．01a``, ``A1.01 A``); "" otherwise."""
    if not isinstance(value, str):
        return ""
    s = squeeze(value).upper().replace("．", ".")
    m = CODE_RE.match(s)
    return s if m else ""


_LETTER_MARK = re.compile(r"[(（]\s*([A-Za-z])\s*[)）]")


def letter_marks(text: str) -> list[tuple[int, str]]:
    """(offset, letter) of every ``（A）`` in a line of prose."""
    return [(m.start(), m.group(1).upper()) for m in _LETTER_MARK.finditer(text)]


# --- comparing labels -----------------------------------------------------------------------------

_DROP_WORDS = re.compile(r"^(?:其中|目前|你地区|本地区|当地)")


@functools.lru_cache(maxsize=65536)
def bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else frozenset((s,))


@functools.lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """0..1 for two labels in ``words`` form: equal 1; one inside the other scores by how much it covers;
    otherwise the share of common character pairs (Dice)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if (len(short) >= 2 and short in long_) or (len(short) == 1 and long_.startswith(short)):
        return 0.55 + 0.45 * len(short) / len(long_)
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def label_words(text: str) -> str:
    """The words of a label without the leading 其中 / 目前 / 当地 that retyped forms add or drop."""
    w = words(text)
    prev = None
    while prev != w:
        prev = w
        w = _DROP_WORDS.sub("", w)
    return w


# --- numbers inside text ---------------------------------------------------------------------------

_NUM = r"[+-]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
_INLINE = re.compile(rf"({_NUM})\s*(万元|人次|万人|千元|亿元|元|万|人|户|家|个|列|节|辆|艘|架|张|对|件|%)?")


@dataclass(frozen=True)
class Inline:
    start: int
    end: int
    number: str  # as printed, with separators
    unit: str  # "" when none follows


def inline_numbers(text: str) -> list[Inline]:
    """Numbers in a line of prose with the unit that follows each (``219977人``, ``40 万元``).
    A year (``2017年``), a month or a day is not a value; neither is a digit inside a code or word."""
    out = []
    for m in _INLINE.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end(1):m.end(1) + 2].lstrip()
        if before.isascii() and (before.isalnum() or before == "."):
            continue
        if after[:1] in ("年", "月", "日", "号", "届", "次") and not m.group(2):
            continue
        out.append(Inline(m.start(), m.end(), m.group(1), m.group(2) or ""))
    return out
