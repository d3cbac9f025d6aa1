"""Which segment is which field: marks and words scored, then one order-keeping assignment for the form.

Forms are printed in their own order, and units keep it when they retype them; what they change is the
wording, the marks and the columns. So segments (in reading order) are aligned with the form's fields (in
form order) by dynamic programming, as two sequences are aligned: each pair scores by what agrees —
our code, the item number, the letter, the words, the unit — and pairs that contradict (another code,
item or letter) cannot be aligned at all. A pair is only accepted with enough evidence of its own; where
the words alone are ambiguous (five fields are called 运送), the neighbours in the alignment decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import printed
from .forms import Field, Form
from .segments import Segment

_UNIT_FAMILY = {"万元": "money", "万": "money", "是/否": "yesno"}
# The intros a form prints before an item's sub-items (``2017年元旦、春节期间送温暖活动中``) are
# dropped from both sides before comparing: they say nothing about which field a row is.
_YEAR_LEAD = re.compile(r"^(?:19|20)\d\d年(?:度)?")


# Words of one label are at most ~40 characters (the longest printed label is 31); longer text is prose
# that names no field by its words alone.
MAX_LABEL = 80


@dataclass(frozen=True)
class Match:
    field: Field
    segment: Segment
    how: str  # code | letter | label
    score: float


class FieldWords:
    """The comparable words of every field of a form, computed once per form."""

    def __init__(self, form: Form):
        self.form = form
        self.fields = form.fields
        self.index = {f.code: i for i, f in enumerate(self.fields)}
        intros = {printed.words(i.intro) for i in form.items if i.intro}
        self._intros = sorted((w for w in intros if w), key=len, reverse=True)
        self.words = [tuple(dict.fromkeys(self.strip(printed.label_words(t)) for t in f.labels)) for f in self.fields]
        # Which fields share a character pair with a label: the only ones its words can name.
        self._by_pair: dict[str, set[int]] = {}
        for j, aliases in enumerate(self.words):
            for a in aliases:
                for pair in printed.bigrams(a):
                    self._by_pair.setdefault(pair, set()).add(j)
        self._by_mark: dict[tuple[int, str], list[int]] = {}
        for j, f in enumerate(self.fields):
            self._by_mark.setdefault((int(f.item), f.letter), []).append(j)
            self._by_mark.setdefault((-1, f.letter), []).append(j)
            self._by_mark.setdefault((int(f.item), "*"), []).append(j)

    def candidates(self, seg: Segment) -> list[int]:
        """The fields a segment could be at all: by its code, by its printed letter (and item), or by
        sharing some words — never all fields for every row, which a sheet of 50,000 rows would make slow."""
        if seg.code:
            j = self.index.get(seg.code)
            return [j] if j is not None else []
        out: set[int] = set()
        if seg.letter:
            out.update(self._by_mark.get((-1, seg.letter), ()))
        if seg.item is not None:
            out.update(self._by_mark.get((seg.item, "*"), ()))
        if seg.words and len(seg.words) <= MAX_LABEL:
            w = self.strip(seg.words)
            for pair in printed.bigrams(w):
                out.update(self._by_pair.get(pair, ()))
        return sorted(out)

    def lettered_sim(self, seg: Segment, item: int) -> float:
        """How well the segment's words fit the field of ``item`` that carries its printed letter."""
        for j in self._by_mark.get((item, seg.letter), ()):
            return self.similarity(seg.words, j)
        return 0.0

    def named_elsewhere(self, seg: Segment, j: int, item: int | None) -> bool:
        """Do the words name another field of the same item exactly?"""
        if item is None:
            return False
        return any(jj != j and self.similarity(seg.words, jj) >= 0.95 for jj in self._by_mark.get((item, "*"), ()))

    def strip(self, w: str) -> str:
        for intro in self._intros:
            if w.startswith(intro) and len(w) > len(intro):
                w = w[len(intro):]
                break
        w = _YEAR_LEAD.sub("", w)
        return printed.label_words(w)

    def similarity(self, seg_words: str, j: int) -> float:
        if not seg_words or len(seg_words) > MAX_LABEL:
            return 0.0
        w = self.strip(seg_words)
        return max((printed.similarity(w, a) for a in self.words[j] if a), default=0.0)


def _unit_fits(seg_unit: str, f: Field) -> bool | None:
    if not seg_unit:
        return None
    if seg_unit == f.unit:
        return True
    fam = _UNIT_FAMILY.get(seg_unit, "count")
    return fam == _UNIT_FAMILY.get(f.unit, "count") and fam != "count"


def score(seg: Segment, j: int, fw: FieldWords) -> tuple[float, str] | None:
    """(score, how) of segment ``seg`` as field ``j``; None when something printed contradicts it."""
    f = fw.fields[j]
    if seg.code:
        return (100.0 - (50.0 if seg.hidden else 0.0), "code") if seg.code == f.code else None
    item = seg.item
    if item is not None and item != int(f.item):
        if seg.item_printed:
            return None
        item = None  # carried down from a row above, and the row that printed this item is gone: no say
    sim = fw.similarity(seg.words, j)
    if seg.letter and seg.letter != f.letter:
        # Relettered by the clerk ((A) 中央财政拨款, where the form prints (B)): the words decide, if they
        # name this field exactly and not the field that carries the printed letter.
        if sim < 0.95 or fw.lettered_sim(seg, item if item is not None else int(f.item)) >= 0.5:
            return None
        return 3.0 * sim + (1.5 if item is not None else 0.0) - (2.5 if seg.hidden else 0.0), "label"
    unit = _unit_fits(seg.unit, f)
    positional = item is not None and seg.letter == f.letter and (bool(seg.letter) or seg.item_printed)
    if positional and seg.words and sim < 0.7 and fw.named_elsewhere(seg, j, item):
        return None  # the letter says this field, the words clearly another of the item's: letters shifted
    if positional:
        ok = sim >= 0.2 or not seg.words or (unit is True and sim >= 0.1)
    elif seg.letter:
        ok = sim >= 0.45 or (not seg.words and unit is not False)
    elif f.letter and item is not None:
        ok = sim >= 0.6  # a sub-item retyped without its letter, inside its item
    else:
        ok = sim >= 0.62
    if unit is False and sim < 0.9:
        ok = False
    if not ok:
        return None
    value = 3.0 * sim + (2.0 if seg.letter else 0.0) + (1.5 if item is not None else 0.0)
    value += 0.5 if unit else 0.0
    value += 1.0 if seg.filled else 0.0  # the filled copy of a form before the empty one pasted beside it
    if seg.hidden:
        value -= 2.5  # a hidden row is taken only where no visible row says the same
    how = "letter" if seg.letter and item is not None else "label"
    return value, how


def align(segments: list[Segment], fw: FieldWords) -> list[Match]:
    """The best order-keeping assignment of segments to fields, then the checks on weak pairs."""
    m = len(fw.fields)
    all_scores: list[dict[int, tuple[float, str]]] = []
    for seg in segments:
        row: dict[int, tuple[float, str]] = {}
        for j in fw.candidates(seg):
            s = score(seg, j, fw)
            if s is not None:
                row[j] = s
        all_scores.append(row)
    # Only segments that could be some field take part; their places in the sheet are kept for the
    # neighbours' test, so a junk row between two rows still breaks their run.
    keep = [i for i, row in enumerate(all_scores) if row]
    places = keep
    segments = [segments[i] for i in keep]
    scores = [all_scores[i] for i in keep]
    n = len(segments)
    # best[i][j]: the best total using segments[:i] and fields[:j]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[0] * (m + 1) for _ in range(n + 1)]  # 0 skip segment, 1 skip field, 2 pair
    for i in range(1, n + 1):
        cand = scores[i - 1]
        prev, cur = best[i - 1], best[i]
        srow = step[i]
        for j in range(1, m + 1):
            a, b = prev[j], cur[j - 1]
            if a >= b:
                v, move = a, 0
            else:
                v, move = b, 1
            pair = cand.get(j - 1)
            if pair is not None and prev[j - 1] + pair[0] > v:
                v, move = prev[j - 1] + pair[0], 2
            cur[j] = v
            srow[j] = move
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        move = step[i][j]
        if move == 2:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move == 0:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    matches = [Match(fw.fields[j], segments[i], scores[i][j][1], scores[i][j][0]) for i, j in pairs]
    return _supported(matches, [(places[i], j) for i, j in pairs], fw)


def _supported(matches: list[Match], pairs: list[tuple[int, int]], fw: FieldWords) -> list[Match]:
    """Keep a pair identified by its words alone only if the words name one field, or if it sits in an
    unbroken run of rows aligned with consecutive fields that starts or ends at a sure pair (the 省级 after
    县级以上帮扶中心 is 01's, the 运送 after 共包专列 is 专列's)."""
    intrinsic = [sure(match.segment, j, fw) for match, (_i, j) in zip(matches, pairs)]

    def adjacent(a: int, b: int) -> bool:
        return pairs[b][0] == pairs[a][0] + 1 and pairs[b][1] == pairs[a][1] + 1

    supported = list(intrinsic)
    for k in range(1, len(pairs)):
        if not supported[k] and supported[k - 1] and adjacent(k - 1, k):
            supported[k] = True
    for k in range(len(pairs) - 2, -1, -1):
        if not supported[k] and supported[k + 1] and adjacent(k, k + 1):
            supported[k] = True
    return [m for m, ok in zip(matches, supported) if ok]


def sure(seg: Segment, j: int, fw: FieldWords) -> bool:
    """A pair that needs no neighbour: a code, a printed item with its letter, or words naming one field."""
    if seg.code or (seg.item == int(fw.fields[j].item) and (seg.letter or seg.item_printed)):
        return True
    if not seg.words:
        return False
    sim = fw.similarity(seg.words, j)
    return not any(fw.similarity(seg.words, jj) >= sim - 0.02 for jj in fw.candidates(seg) if jj != j)
