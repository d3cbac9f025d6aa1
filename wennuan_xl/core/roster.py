"""Matching the 填报单位 a clerk typed against the roster of expected units."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .forms import Campaign, RosterUnit

_SUFFIXES = ("委员会", "总工会", "工会")
# A unit's name is < 30 characters. A 填报单位 is compared by its first MAX_COMPARED characters (difflib is
# quadratic in the length: a 1,000,000-character name took 20 s against 16 units, twice), and a name longer
# than MAX_EXACT can equal no roster name, so only its beginning is normalised at all.
MAX_COMPARED = 200
MAX_EXACT = 1_000
# Matches are remembered per roster (a file is matched once by the check and again by the consolidation);
# only names of a sensible length are kept, so the memory stays small whatever units type.
_CACHE_ENTRIES = 4_096


@dataclass(frozen=True)
class UnitMatch:
    typed: str
    unit: RosterUnit | None
    how: str  # exact | normalised | close | none

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


class RosterIndex:
    """Exact and normalised names in dictionaries: matching stays fast for a roster of thousands."""

    def __init__(self, roster: tuple[RosterUnit, ...], prefixes: tuple[str, ...] = ()):
        self.roster = roster
        self.prefixes = prefixes
        self.exact = {u.name: u for u in roster}
        self.normal: dict[str, RosterUnit] = {}
        self.keys = [(u, unit_key(u.name, prefixes)) for u in roster]
        for u, key in self.keys:
            self.normal.setdefault(key, u)
        self._seen: dict[str, UnitMatch] = {}

    def match(self, typed: str) -> UnitMatch:
        text = (typed or "").strip()
        if not text:
            return UnitMatch(text, None, "none")
        known = self._seen.get(text) if len(text) <= MAX_EXACT else None
        if known is not None:
            return known
        found = self._match(text)
        if len(text) <= MAX_EXACT and len(self._seen) < _CACHE_ENTRIES:
            self._seen[text] = found
        return found

    def _match(self, text: str) -> UnitMatch:
        if text in self.exact:
            return UnitMatch(text, self.exact[text], "exact")
        long = len(text) > MAX_EXACT
        key = unit_key(text[:MAX_EXACT], self.prefixes)
        if not long and key in self.normal:
            return UnitMatch(text, self.normal[key], "normalised")
        key = key[:MAX_COMPARED]
        best, best_score = None, 0.0
        for unit, other in self.keys:
            score = difflib.SequenceMatcher(None, key, other).ratio()
            if key and (key in other or other in key):
                score = max(score, 0.8)
            if score > best_score:
                best, best_score = unit, score
        if best is not None and best_score >= 0.6:
            return UnitMatch(text, best, "close")
        return UnitMatch(text, None, "none")


def match_unit(typed: str, roster: tuple[RosterUnit, ...], prefixes: tuple[str, ...] = ()) -> UnitMatch:
    return RosterIndex(roster, prefixes).match(typed)


def roster_index(campaign: Campaign) -> RosterIndex:
    """The campaign's roster lookup tables, built once per campaign object."""
    index = campaign.__dict__.get("_roster_index")
    if index is None or index.roster is not campaign.roster:
        index = RosterIndex(campaign.roster, campaign.unit_prefixes)
        object.__setattr__(campaign, "_roster_index", index)
    return index
