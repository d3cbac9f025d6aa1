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


class _Grams:
    """The roster's keys indexed by character (each occurrence of a character is a token of its own: a unit
    whose key has 区 twice is in the lists of the first and the second 区), by whole key, and by length."""

    def __init__(self, keys: list[str]):
        self.postings: dict[str, list[list[int]]] = {}
        self.by_key: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            self.by_key.setdefault(key, []).append(i)
            for ch, n in Counter(key).items():
                lists = self.postings.setdefault(ch, [])
                while len(lists) < n:
                    lists.append([])
                for r in range(n):
                    lists[r].append(i)
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


class RosterIndex:
    """Exact and normalised names in dictionaries, close ones through a character index: matching stays
    fast for a roster of thousands. ``shortlist=False`` compares every unit (the reference the index is
    tested against, and how the matcher worked before it)."""

    def __init__(self, roster: tuple[RosterUnit, ...], prefixes: tuple[str, ...] = (), shortlist: bool = True):
        self.roster = roster
        self.prefixes = prefixes
        self.shortlist = shortlist
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

    def __getstate__(self) -> dict:
        # Sent to spawned workers with the campaign: the memo of typed names stays in its process, and the
        # character index is rebuilt where it is first needed.
        return {**self.__dict__, "_seen": {}, "_grams": None}

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

    def _match(self, text: str) -> UnitMatch:
        if text in self.exact:
            return UnitMatch(text, self.exact[text], "exact", self.fingerprint)
        long = len(text) > MAX_EXACT
        key = unit_key(text[:MAX_EXACT], self.prefixes)
        if not long and key in self.normal:
            return UnitMatch(text, self.normal[key], "normalised", self.fingerprint)
        key = key[:MAX_COMPARED]
        i = self._closest(key) if self.shortlist else self._closest_exhaustive(key)
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
        characters, each once), or 0.8 when one key holds the other. The typed key's characters are taken
        rarest first; a unit holding none of the first p of them shares at most la - p, so scores at most
        2 (la - p) / (2 la - p) whatever its length. Units held in the typed key are looked up as its
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
