"""The settings every job takes, resolved once by the shell that runs it.

The CLI builds them from its arguments, the Excel buttons from the master's 设置 and 单位名单 sheets;
``jobs.py`` runs on them. They hold the compiled campaign and rules themselves, so the worker processes
get exactly what the shell resolved (pickled once per worker), never a reload of the campaign folder.
Light on purpose: an Excel click imports this, not the folder reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from .core.forms import Campaign, Contact, roster_from_rows
from .core.previous import PreviousYear
from .core.rules import RuleSet
from .files.campaign_cache import compiled_campaign, with_tolerance


@dataclass(frozen=True)
class Settings:
    """Everything a job needs, resolved once by the shell."""

    campaign: Campaign
    rules: RuleSet
    recursive: bool = False  # read sub-folders too
    exclude_errors: bool = False  # leave returns with a 错误 out of the totals
    workers: int | None = None  # worker processes (None: one per core, at most isolated.MAX_WORKERS)
    feedback_dir: Path | None = None  # where the feedback copies go (None: none are written)
    feedback_day: dt.date | None = None  # the date of the feedback letters (None: today)
    resubmit_by: dt.date | None = None  # the date the letters ask the corrected returns by (None: +3 working days)
    # Last year's figures (上年同期) the rules' PREV reads; None: none given. The rules carry the same object.
    previous: PreviousYear | None = None

    def __post_init__(self) -> None:
        if self.rules.previous is not self.previous:
            object.__setattr__(self, "rules", replace(self.rules, previous=self.previous))


def settings(campaign_folder: Path | str | None = None, roster: Path | str | None = None,
             roster_rows: list[list[object]] | None = None, roster_source: str = "",
             tolerance: float | None = None, previous: Path | str | None = None, unit: str | None = None,
             person: str | None = None, phone: str | None = None, **options) -> Settings:
    """The campaign of ``campaign_folder`` (default: the shipped one), compiled and from the disk cache when
    its files are unchanged, with the roster of a file (``roster``) or of sheet rows (``roster_rows``, the
    master's 单位名单), the money tolerance ``tolerance`` (设置's WN_TOLERANCE), last year's figures from
    ``previous`` (a consolidated workbook or a folder of returns, ``files/previous.py``; raises
    ``PreviousUnusable``), the union consolidating (``unit``, ``person``, ``phone``: see ``as_unit``), and
    the other options."""
    campaign, rules = compiled_campaign(campaign_folder, roster)
    if roster is None and roster_rows:
        campaign = replace(campaign, roster=roster_from_rows(roster_rows, roster_source))
    campaign, rules = with_tolerance(campaign, rules, tolerance)
    last_year = None
    if previous is not None and str(previous).strip():
        from .files.previous import load_previous

        last_year = load_previous(previous, campaign, rules, options.get("workers"), options.get("recursive", False))
    return Settings(as_unit(campaign, unit, person, phone), rules, previous=last_year, **options)


def as_unit(campaign: Campaign, unit: str | None, person: str | None = None, phone: str | None = None) -> Campaign:
    """The campaign as the union ``unit`` consolidates it (层层汇总: a county union rolling up its base unions):
    its name is the 填报单位 of the 汇总 sheets and signs the feedback letters, ``person`` and ``phone`` are
    the 填报人 and 联系电话 there. Another union than the campaign's issuer gets no contact of the issuer's."""
    unit = (unit or "").strip()
    if unit and unit != campaign.issuer:
        return replace(campaign, issuer=unit, contact=Contact(person=(person or "").strip(), phone=(phone or "").strip()))
    if person or phone:
        contact = campaign.contact
        return replace(campaign, contact=replace(contact, person=(person or contact.person).strip(),
                                                 phone=(phone or contact.phone).strip()))
    return campaign
