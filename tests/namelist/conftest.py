"""Fixtures of the 实名制 tests; the list writers are in lists.py."""

from __future__ import annotations

import pytest

from wennuan_xl.core.namelist.spec import ListSpec, namelist_spec


@pytest.fixture(scope="session")
def spec(campaign) -> ListSpec:
    loaded = namelist_spec(campaign)
    assert loaded is not None
    return loaded
