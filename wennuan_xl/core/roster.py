"""Matching the 填报单位 a clerk typed against the roster of expected units.

Exact and normalised names are dictionary look-ups. A name that is neither is compared with difflib, but not
with every unit: a character index of the roster's keys gives, for each unit, an upper bound of its score
(difflib's own ``quick_ratio``: a unit can match no more characters than the two names share), and units are
compared best bound first, until no unit left, seen or not, can reach the best score found. The answer is
exactly what comparing every unit gives (tests/consolidation/test_roster_shortlist.py checks it against the
exhaustive loop), at a cost that no longer grows with the roster for a name with a close unit.
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from .forms import Campaign, RosterUnit

_SUFFIXES = ("委员会", "总工会", "工会")
# A unit's name is < 30 characters. A 填报单位 is compared by its first MAX_COMPARED characters (difflib is
# quadratic in the length: a 1,000,000-character name took 20 s against 16 units, twice), and a name longer
# than MAX_EXACT can equal no roster name, so only its beginning is normalised at all.
MAX_COMPARED = 200
MAX_EXACT = 1_000
# Matches are remembered per roster (a file's two annexes name the same unit); only names of a sensible
# length are kept, so the memory stays small whatever units type.
_CACHE_ENTRIES = 4_096
CLOSE = 0.6  # the least difflib ratio of a "close" unit
CONTAINED = 0.8  # the score of a unit whose key holds the typed key, or is held by it
# From this many units on, the bounds of all units are computed at once with numpy (a name near no unit
# must be bounded against every unit that shares characters with it: thousands, in a big roster); smaller
# rosters stay in Python and never import numpy (one click in Excel checks against 16 units).
VECTOR_FROM = 512


@dataclass(frozen=True)
class UnitMatch:
    typed: str
    unit: RosterUnit | None
    how: str  # exact | normalised | close | none
    # The roster it was matched against (RosterIndex.fingerprint): a match carried in a report from a worker
    # is reused by the consolidation only against the same roster.
    roster: str = field(default="", compare=False)

    @property
    def confirmed(self) -> bool:
        return self.how in ("exact", "normalised")


def unit_key(name: str, prefixes: tuple[str, ...] = ()) -> str:
    s = re.sub(r"[\s　]+", "", unicodedata.normalize("NFKC", name or ""))
    s = s.replace("(", "").replace(")", "")
    for prefix in prefixes:
        if s.startswith(prefix) and len(s) > len(prefix) + 1:
            s = s[len(prefix) :]
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return s


def _score(key: str, other: str) -> float:
    """What the exhaustive matcher scores a unit by: difflib's ratio, at least 0.8 when one key holds the other."""
    score = difflib.SequenceMatcher(None, key, other).ratio()
    if key and (key in other or other in key):
        score = max(score, CONTAINED)
    return score


def _positions(text: str) -> dict[str, int]:
    """Each character's positions in ``text`` as the bits of an int."""
    masks: dict[str, int] = {}
    for j, ch in enumerate(text):
        masks[ch] = masks.get(ch, 0) | (1 << j)
    return masks


def _common_subsequence(masks: dict[str, int], length: int, other: str) -> int:
    """The length of the longest common subsequence of the text of ``masks`` and ``other`` (bit-parallel,
    Allison and Dix). difflib's matching blocks are in the same order in both texts: they match at most
    that many characters."""
    full = (1 << length) - 1
    v = full
    for ch in other:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return length - v.bit_count()


class _Grams:
    """The roster's keys indexed by character (each occurrence of a character is a token of its own: a unit
    whose key has 区 twice is in the lists of the first and the second 区), by whole key, and by length;
    with each character's positions in the keys (as bits), for the common subsequence."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.postings: dict[str, list[list[int]]] = {}
        self.by_key: dict[str, list[int]] = {}
        self.masks: dict[str, tuple[list[int], list[int]]] = {}  # keys < 64 long: units, positions
        for i, key in enumerate(keys):
            self.by_key.setdefault(key, []).append(i)
            short = len(key) < 64
            for ch, mask in _positions(key).items():
                lists = self.postings.get(ch)
                if lists is None:
                    lists = self.postings[ch] = [[]]
                n = mask.bit_count()
                while len(lists) < n:
                    lists.append([])
                for r in range(n):
                    lists[r].append(i)
                if short:
                    units, masks = self.masks.setdefault(ch, ([], []))
                    units.append(i)
                    masks.append(mask)
        self.lengths = sorted({len(k) for k in self.by_key})

    def posting(self, token: tuple[str, int]) -> list[int]:
        lists = self.postings.get(token[0])
        return lists[token[1]] if lists is not None and token[1] < len(lists) else []

    def held_in(self, text: str, empty: bool = True) -> dict[str, list[int]]:
        """The roster keys that occur in ``text`` (the empty key too, when ``empty``), with their units."""
        found: dict[str, list[int]] = {}
        for length in self.lengths:
            if length > len(text):
                break
            if length == 0:
                if empty:
                    found[""] = self.by_key[""]
                continue
            for start in range(len(text) - length + 1):
                part = text[start : start + length]
                units = self.by_key.get(part)
                if units is not None:
                    found[part] = units
        return found


def _has_numpy() -> bool:
    # numpy is an optional extra (``table``): a clerk's Excel PC goes without it, since xlwings imports it on
    # every click when it is installed. The pure-Python shortlist gives the same matches, only slower.
    import importlib.util

    return importlib.util.find_spec("numpy") is not None


class _Arrays:
    """The character lists as numpy arrays, and the keys' lengths (for rosters of VECTOR_FROM units and more)."""

    def __init__(self, grams: _Grams):
        import numpy

        self.np = numpy
        self.postings = {ch: [numpy.array(units, dtype=numpy.intp) for units in lists]
                         for ch, lists in grams.postings.items()}
        self.lengths = numpy.array([len(k) for k in grams.keys], dtype=numpy.int64)
        self.empty = numpy.zeros(0, dtype=numpy.intp)
        self.masks = {ch: (numpy.array(units, dtype=numpy.intp), numpy.array(masks, dtype=numpy.uint64))
                      for ch, (units, masks) in grams.masks.items()}
        self.none = (self.empty, numpy.zeros(0, dtype=numpy.uint64))

    def posting(self, ch: str, r: int):
        lists = self.postings.get(ch)
        return lists[r] if lists is not None and r < len(lists) else self.empty

    def positions(self, ch: str, near):
        """The positions of ``ch`` in the keys of the units ``near`` (sorted), 0 where a key lacks it."""
        np = self.np
        units, masks = self.masks.get(ch, self.none)
        if not len(units):
            return np.zeros(len(near), dtype=np.uint64)
        at = np.minimum(np.searchsorted(units, near), len(units) - 1)
        return np.where(units[at] == near, masks[at], np.uint64(0))

    def popcount(self, v):
        np = self.np
        if hasattr(np, "bitwise_count"):
            return np.bitwise_count(v).astype(np.int64)
        return np.unpackbits(v.view(np.uint8)).reshape(len(v), 64).sum(axis=1).astype(np.int64)


class RosterIndex:
    """Exact and normalised names in dictionaries, close ones through a character index: matching stays
    fast for a roster of thousands. ``shortlist=False`` compares every unit (the reference the index is
    tested against, and how the matcher worked before it)."""

    def __init__(self, roster: tuple[RosterUnit, ...], prefixes: tuple[str, ...] = (), shortlist: bool = True,
                 vector: bool | None = None):
        self.roster = roster
        self.prefixes = prefixes
        self.shortlist = shortlist
        self.vector = (len(roster) >= VECTOR_FROM and _has_numpy()) if vector is None else vector
        self.exact = {u.name: u for u in roster}
        self.normal: dict[str, RosterUnit] = {}
        self.keys = [(u, unit_key(u.name, prefixes)) for u in roster]
        for u, key in self.keys:
            self.normal.setdefault(key, u)
        digest = hashlib.blake2b(digest_size=16)
        for part in (*prefixes, "\x00", *(u.name for u in roster)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        self.fingerprint = digest.hexdigest()
        self._seen: dict[str, UnitMatch] = {}
        self._grams: _Grams | None = None
        self._arrays: _Arrays | None = None

    def __getstate__(self) -> dict:
        # Sent to spawned workers with the campaign: the memo of typed names stays in its process, and the
        # character index is rebuilt where it is first needed.
        return {**self.__dict__, "_seen": {}, "_grams": None, "_arrays": None}

    def grams(self) -> _Grams:
        if self._grams is None:
            self._grams = _Grams([key for _, key in self.keys])
        return self._grams

    def match(self, typed: str) -> UnitMatch:
        text = (typed or "").strip()
        if not text:
            return UnitMatch(text, None, "none", self.fingerprint)
        known = self._seen.get(text) if len(text) <= MAX_EXACT else None
        if known is not None:
            return known
        found = self._match(text)
        if len(text) <= MAX_EXACT and len(self._seen) < _CACHE_ENTRIES:
            self._seen[text] = found
        return found

    def confirm(self, typed: str) -> UnitMatch:
        """``match`` without looking for a close unit: exact or normalised, else none (a file name, which
        counts only when it names a unit)."""
        text = (typed or "").strip()
        if not text:
            return UnitMatch(text, None, "none", self.fingerprint)
        known = self._seen.get(text)
        if known is not None:
            return known if known.confirmed else UnitMatch(text, None, "none", self.fingerprint)
        if text in self.exact:
            return UnitMatch(text, self.exact[text], "exact", self.fingerprint)
        key = unit_key(text, self.prefixes) if len(text) <= MAX_EXACT else None
        if key is not None and key in self.normal:
            return UnitMatch(text, self.normal[key], "normalised", self.fingerprint)
        return UnitMatch(text, None, "none", self.fingerprint)

    def _match(self, text: str) -> UnitMatch:
        if text in self.exact:
            return UnitMatch(text, self.exact[text], "exact", self.fingerprint)
        long = len(text) > MAX_EXACT
        key = unit_key(text[:MAX_EXACT], self.prefixes)
        if not long and key in self.normal:
            return UnitMatch(text, self.normal[key], "normalised", self.fingerprint)
        key = key[:MAX_COMPARED]
        if not self.shortlist:
            i = self._closest_exhaustive(key)
        elif self.vector and key:
            i = self._closest_vector(key)
        else:
            i = self._closest(key)
        if i is None:
            return UnitMatch(text, None, "none", self.fingerprint)
        return UnitMatch(text, self.keys[i][0], "close", self.fingerprint)

    def _closest_exhaustive(self, key: str) -> int | None:
        """The first unit with the highest score, compared with every unit; None below 0.6."""
        best, best_score = None, 0.0
        for i, (_, other) in enumerate(self.keys):
            score = _score(key, other)
            if score > best_score:
                best, best_score = i, score
        return best if best is not None and best_score >= CLOSE else None

    def _closest(self, key: str) -> int | None:
        """The same answer as ``_closest_exhaustive``, comparing only units that could beat the best so far.

        A unit's score is at most 2c / (la + lb), c the characters the keys share (difflib matches equal
        characters, each once, in order: c is at most their longest common subsequence too), or 0.8 when
        one key holds the other. The typed key's characters are taken rarest first; a unit holding none of
        the first p of them shares at most la - p, so scores at most 2 (la - p) / (2 la - p) whatever its
        length. Units held in the typed key are looked up as its
        substrings, those holding it are in every list of its characters: both are seen before that bound
        is trusted. Seen units are compared best bound first, a tie on the score going to the earlier unit.
        """
        if not key:
            # An empty key shares nothing and holds nothing: difflib scores 1.0 for an empty unit key only.
            return next((i for i, (_, other) in enumerate(self.keys) if not other), None)
        grams = self.grams()
        keys = self.keys
        la = len(key)
        wanted = Counter(key)
        few = len(wanted) <= 16
        masks = _positions(key)
        seen: set[int] = set()
        heap: list[tuple[float, int]] = []

        def see(i: int) -> None:
            seen.add(i)
            other = keys[i][1]
            lb = len(other)
            held = key in other or other in key
            if not held and 2.0 * min(la, lb) / (la + lb) < CLOSE:
                return
            if few:
                shared = sum(min(n, other.count(ch)) for ch, n in wanted.items())
            else:
                shared = sum((Counter(other) & wanted).values())
            if 2.0 * shared / (la + lb) >= CLOSE:
                shared = _common_subsequence(masks, la, other)
            bound = 2.0 * shared / (la + lb)
            if held:
                bound = max(bound, CONTAINED)
            if bound >= CLOSE:
                heapq.heappush(heap, (-bound, i))

        for units in grams.held_in(key).values():
            for i in units:
                if i not in seen:
                    see(i)
        tokens = sorted(((ch, r) for ch, n in wanted.items() for r in range(n)),
                        key=lambda t: (len(grams.posting(t)), t))
        best, best_score = -1, 0.0  # only scores >= 0.6 count
        p = 0
        while True:
            bar = max(best_score, CLOSE)
            unseen = 2.0 * (la - p) / (2 * la - p) if p < la else 0.0
            while heap and -heap[0][0] >= bar and -heap[0][0] >= unseen:
                bound, i = heapq.heappop(heap)
                if -bound == best_score and i > best:
                    continue  # it could only tie, and the earlier unit wins a tie
                score = _score(key, keys[i][1])
                if score >= CLOSE and (score > best_score or (score == best_score and i < best)):
                    best, best_score = i, score
                    bar = score
            if unseen < bar:
                return best if best >= 0 else None
            for i in grams.posting(tokens[p]):
                if i not in seen:
                    see(i)
            p += 1

    def _closest_vector(self, key: str) -> int | None:
        """``_closest`` with every unit's bound at once: the characters each unit shares with the typed key
        counted by numpy over the character lists, the longest common subsequence of those that could
        reach 0.6 computed bit-parallel for all of them together, then units compared best bound first."""
        if self._arrays is None:
            self._arrays = _Arrays(self.grams())
        arrays = self._arrays
        np = arrays.np
        keys = self.keys
        la = len(key)
        wanted = Counter(key)
        lists = [arrays.posting(ch, r) for ch, n in wanted.items() for r in range(n)]
        shared = np.bincount(np.concatenate(lists), minlength=len(keys)) if lists else np.zeros(len(keys), np.int64)
        bound = 2.0 * shared / (la + arrays.lengths)
        # Units short enough for one machine word get the tighter bound of the common subsequence.
        near = np.flatnonzero((bound >= CLOSE) & (arrays.lengths < 64))
        if len(near):
            lengths = arrays.lengths[near].astype(np.uint64)
            full = (np.uint64(1) << lengths) - np.uint64(1)
            v = full.copy()
            at = {ch: arrays.positions(ch, near) for ch in wanted}
            for ch in key:
                u = v & at[ch]
                v = ((v + u) | (v - u)) & full
            common = lengths.astype(np.int64) - arrays.popcount(v)
            bound[near] = 2.0 * np.minimum(shared[near], common) / (la + arrays.lengths[near])
        held = {i for units in self.grams().held_in(key).values() for i in units}
        held.update(int(i) for i in np.flatnonzero(shared == la) if key in keys[int(i)][1])
        for i in held:
            bound[i] = max(bound[i], CONTAINED)
        candidates = np.flatnonzero(bound >= CLOSE)
        order = candidates[np.lexsort((candidates, -bound[candidates]))]
        best, best_score = -1, 0.0
        for i, b in zip(order.tolist(), bound[order].tolist()):
            if b < best_score:
                break
            if b == best_score and i > best:
                continue
            score = _score(key, keys[i][1])
            if score >= CLOSE and (score > best_score or (score == best_score and i < best)):
                best, best_score = i, score
        return best if best >= 0 else None

    def named_in(self, text: str) -> RosterUnit | None:
        """The one unit whose key occurs in ``text`` (a file name), none when none or two unrelated ones do;
        a key found only inside a longer found key is not a second unit."""
        found = {k: self.keys[units[-1]][0] for k, units in self.grams().held_in(text, empty=False).items()}
        best = [u for k, u in found.items() if not any(k != other and k in other for other in found)]
        return best[0] if len(best) == 1 else None


def match_unit(typed: str, roster: tuple[RosterUnit, ...], prefixes: tuple[str, ...] = ()) -> UnitMatch:
    return RosterIndex(roster, prefixes).match(typed)


def roster_index(campaign: Campaign) -> RosterIndex:
    """The campaign's roster lookup tables, built once per campaign object."""
    index = campaign.__dict__.get("_roster_index")
    if index is None or index.roster is not campaign.roster:
        index = RosterIndex(campaign.roster, campaign.unit_prefixes)
        object.__setattr__(campaign, "_roster_index", index)
    return index


def identify(typed: str, file: str, campaign: Campaign, carried: UnitMatch | None = None) -> UnitMatch:
    """The unit a return is counted for: the 填报单位 ``typed`` (exact, normalised); then a unit the file name
    names exactly, which beats a merely close 填报单位 (a file 峨眉山景区管委会-附件1 whose 填报单位 says 峨眉山
    is the 景区's, not 峨眉山市's); then the close 填报单位. ``carried``: the match a cover check already made
    of ``typed`` (reused when made against this roster). The consolidation and the 上年同期 look-up of a
    return (``core/previous.py``) both go by this."""
    index = roster_index(campaign)
    if carried is not None and carried.roster == index.fingerprint and carried.typed == typed.strip():
        by_cover = carried
    else:
        by_cover = index.match(typed)
    if by_cover.confirmed:
        return by_cover
    stem = PurePath(file).stem
    by_name = index.confirm(stem)  # a merely close file name counts for nothing
    if not by_name.confirmed:
        unit = unit_in_file_name(stem, campaign)
        if unit is not None:
            by_name = UnitMatch(stem, unit, "normalised")
    if by_name.confirmed:
        return UnitMatch(typed or stem, by_name.unit, "file")
    return by_cover if by_cover.unit is not None else UnitMatch(typed, None, "none")


def unit_in_file_name(stem: str, campaign: Campaign) -> RosterUnit | None:
    """The roster unit named inside a file name: "市中区总工会-附件1(修改)", or "沙湾区-附件1" (the name
    without 总工会, as units usually write it). None when no unit, or two unrelated units, are named."""
    return roster_index(campaign).named_in(re.sub(r"[\s()]+", "", unicodedata.normalize("NFKC", stem)))
