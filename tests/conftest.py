"""Fixtures every test folder shares: the shipped campaign and its rules, loaded once per session."""

import pytest
from system_tools import require_tool

from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.files.campaign_files import load_campaign, load_rules


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def rules(campaign: Campaign) -> RuleSet:
    return load_rules(campaign)


@pytest.fixture(scope="session")
def soffice_path() -> str:
    """LibreOffice, the independent engine: a skip on a developer's machine without it, a failure in CI."""
    return require_tool("soffice")
