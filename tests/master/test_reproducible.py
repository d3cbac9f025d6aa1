"""`wennuan build-master`: the same sources give the same bytes, and the committed master is in step."""

from __future__ import annotations

import zipfile

from wennuan_xl.cli.main import main

from .conftest import COMMITTED


def entries(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, i.date_time, i.compress_type, i.external_attr, z.read(i)) for i in z.infolist()]


def test_build_twice_gives_identical_bytes(tmp_path, capsys):
    first, second = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    assert main(["build-master", "--out", str(first)]) == 0
    assert main(["build-master", "--out", str(second)]) == 0
    assert "已生成" in capsys.readouterr().out
    assert first.read_bytes() == second.read_bytes()


def test_committed_master_equals_a_fresh_build(built):
    # Entry by entry (names, order, times, attributes, uncompressed bytes): what the file holds, so another
    # zlib build cannot make this fail. Compressed bytes are compared only between two builds on one machine.
    assert entries(COMMITTED) == entries(built), "workbooks/wennuan_master.xlsm is stale: run wennuan build-master"


def test_fixed_times(built):
    with zipfile.ZipFile(built) as z:
        assert {i.date_time for i in z.infolist()} == {(2016, 11, 7, 9, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2016-11-07T09:00:00Z") == 2
