"""Fixtures every test folder shares: the shipped campaign and its rules, loaded once per session."""

import pytest

from wennuan_xl.core.forms import Campaign, load_campaign
from wennuan_xl.core.rules import RuleSet, load_rules


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def rules(campaign: Campaign) -> RuleSet:
    return load_rules(campaign)
