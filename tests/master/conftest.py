from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from wennuan_xl.files.campaign_files import load_campaign

REPO = Path(__file__).resolve().parents[2]
SHIMS = REPO / "vba_shims"
COMMITTED = REPO / "workbooks" / "wennuan_master.xlsm"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "customui14.xsd"  # Microsoft's RibbonX schema, see schemas/README.md


@pytest.fixture(scope="session")
def campaign():
    return load_campaign()


@pytest.fixture(scope="session")
def built(tmp_path_factory, campaign) -> Path:
    """A fresh build of the master, made once per test session."""
    from wennuan_xl.files.master import build_master

    return build_master(campaign, tmp_path_factory.mktemp("master") / "wennuan_master.xlsm")


@pytest.fixture(scope="session")
def parts(built) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as z:
        return {name: z.read(name) for name in z.namelist()}
