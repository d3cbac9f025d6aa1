"""Matching the 填报单位 a clerk typed against the roster of expected units."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .forms import Campaign, RosterUnit

_SUFFIXES = ("委员会", "总工会", "工会")


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
        for u in roster:
            self.normal.setdefault(unit_key(u.name, prefixes), u)

    def match(self, typed: str) -> UnitMatch:
        text = (typed or "").strip()
        if not text:
            return UnitMatch(text, None, "none")
        if text in self.exact:
            return UnitMatch(text, self.exact[text], "exact")
        key = unit_key(text, self.prefixes)
        if key in self.normal:
            return UnitMatch(text, self.normal[key], "normalised")
        best, best_score = None, 0.0
        for unit in self.roster:
            other = unit_key(unit.name, self.prefixes)
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
