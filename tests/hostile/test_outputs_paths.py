"""Outputs never over an input, names any file system takes, every exit path clean and truthful.

The file-system failures (read-only, permission denied, disk full) are real: a tmpfs mounted in a private
mount namespace (``unshare``), and a process run as another user; they skip where neither is possible.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.files.atomic import TEMP_PREFIX

from . import corpus
from .attacks import ods
from .conftest import sha256_tree

ROOT = Path(__file__).resolve().parents[2]


def _run(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _bad_values(seed: int) -> dict:
    values = corpus.good_values(seed)
    values["A1.02B"] = values["A1.02A"] + 1  # an 错误, so that copies are written
    return values


def test_a_flagged_copy_never_lands_on_another_input(tmp_path, campaign):
    """A unit sends back its corrected flagged copy under the name our copy of the first file would get."""
    folder = tmp_path / "收件"
    folder.mkdir()
    corpus.plain_return(folder / "市中区.xlsx", campaign, "市中区总工会", _bad_values(1))
    corpus.plain_return(folder / "市中区-审核标记.xlsx", campaign, "市中区总工会", _bad_values(2))
    before = sha256_tree(folder)
    code, _out, err = _run(["check", str(folder / "市中区.xlsx"), str(folder / "市中区-审核标记.xlsx"),
                            "--flagged-copy", str(folder)])
    assert code == 1, err
    after = sha256_tree(folder)
    assert {k: after[k] for k in before} == before  # both inputs byte-identical
    assert sorted(set(after) - set(before)) == ["市中区-审核标记 (2).xlsx", "市中区-审核标记-审核标记.xlsx"]
    assert "审核结果" in openpyxl.load_workbook(folder / "市中区-审核标记 (2).xlsx").sheetnames


def test_an_output_that_is_a_hard_link_to_an_input_is_refused(tmp_path, campaign):
    folder = tmp_path / "r"
    folder.mkdir()
    corpus.plain_return(folder / "市中区.xlsx", campaign, "市中区总工会", corpus.good_values(3))
    os.link(folder / "市中区.xlsx", tmp_path / "同一文件.xlsx")
    before = sha256_tree(folder)
    code, _out, err = _run(["consolidate", str(folder), "-o", str(tmp_path / "同一文件.xlsx")])
    assert code == 2 and "输入文件" in err
    assert sha256_tree(folder) == before


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_a_file_name_that_is_not_utf8_is_kept_and_shown(tmp_path, campaign, capsys):
    folder = tmp_path / "returns"
    folder.mkdir()
    raw = "市中区".encode("gbk") + b".xlsx"  # what an old unzip tool leaves
    good = corpus.good_bytes(campaign, tmp_path)
    with open(os.fsencode(folder) + b"/" + raw, "wb") as f:
        f.write(good)
    corpus.plain_return(folder / "沙湾区.xlsx", campaign, "沙湾区总工会", corpus.good_values(4))
    out = tmp_path / "汇总.xlsx"
    code, stdout, err = _run(["consolidate", str(folder), "-o", str(out), "--json"])
    assert code in (0, 1), err
    files = {u["file"] for u in json.loads(stdout)["units"]}
    assert os.fsdecode(raw) in files  # the raw name, escaped in the JSON and read back byte for byte
    assert "\\udc" in stdout
    ws = openpyxl.load_workbook(out)["上报情况"]
    shown = [c.value for c in ws["C"] if isinstance(c.value, str)] + [c.value for c in ws["B"] if isinstance(c.value, str)]
    assert any("\ufffd" in (v or "") for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)), shown
    code, text, _ = _run(["check", os.fsdecode(os.fsencode(folder) + b"/" + raw)])
    assert code == 0 and "\\x" in text  # the undecodable bytes shown as escapes, never raw


def test_feedback_for_a_long_or_strange_unit_name_is_written_and_the_others_too(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    long_unit = "峨边彝族自治县" + "长" * 200 + "总工会"
    strange = "马边\x1b[2K\x07工会\u202e"
    corpus.plain_return(folder / "a.xlsx", campaign, long_unit, _bad_values(5))
    corpus.plain_return(folder / "b.xlsx", campaign, strange, _bad_values(6))
    corpus.plain_return(folder / "c.xlsx", campaign, "沙湾区总工会", _bad_values(7))
    fb = tmp_path / "意见"
    code, out, err = _run(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(fb),
                           "--feedback-date", "2017-01-21"])
    assert code == 1, err
    names = sorted(p.name for p in fb.iterdir())
    assert len(names) == 3, (names, err)
    assert all(len(n.encode()) <= 255 and "\x1b" not in n and "\u202e" not in n for n in names)
    assert "\x1b" not in out + err  # the terminal never gets the escape raw
    for p in fb.iterdir():
        book = openpyxl.load_workbook(p)
        assert book.sheetnames[0] == "审核意见"


def test_check_never_sends_a_units_escape_sequence_to_the_terminal(tmp_path, campaign):
    path = tmp_path / "r.xlsx"
    fake = "\x1b[2K\x1b[1A\r结果：未发现问题\n"
    values = _bad_values(8)
    corpus.plain_return(path, campaign, fake, values, PERSON="\x9b31m张三")
    code, out, _err = _run(["check", str(path)])
    assert code == 1
    assert not any(ch in out for ch in ("\x1b", "\x9b", "\r"))
    assert "\\x1b[2K" in out
    code, out, _err = _run(["check", "--json", str(path)])
    assert "\x1b" not in out and "\x9b" not in out
    assert json.loads(out)["unit"] == fake.strip()  # as typed (the reader trims the line end)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_like_a_workbook_is_refused_at_once(tmp_path, campaign):
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    corpus.plain_return(tmp_path / "市中区.xlsx", campaign, "市中区总工会", corpus.good_values(9))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "wennuan_xl", "check", "--json", str(fifo), str(tmp_path / "市中区.xlsx")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    first, second = json.loads(done.stdout)
    assert "命名管道" in first["error"] and second["unit"] == "市中区总工会"
    _code, stdout, _ = _run(["consolidate", str(tmp_path), "-o", str(tmp_path / "out" / "汇总.xlsx"), "--json"])
    units = {u["file"]: u for u in json.loads(stdout)["units"]}
    assert units["x.xlsx"]["status"] == "无法读取"


def test_a_link_out_of_the_folder_is_reported_not_read(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    secret = tmp_path / "别处" / "机密.xlsx"
    secret.parent.mkdir()
    corpus.plain_return(secret, campaign, "市中区总工会", _bad_values(10))
    (folder / "市中区.xlsx").symlink_to(secret)
    corpus.plain_return(folder / "inner.xlsx", campaign, "沙湾区总工会", corpus.good_values(11))
    (folder / "沙湾区.xlsx").symlink_to(folder / "inner.xlsx")  # inside the folder: read
    fb = tmp_path / "fb"
    _code, stdout, _err = _run(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--json", "--feedback", str(fb)])
    units = {u["file"]: u for u in json.loads(stdout)["units"]}
    assert units["市中区.xlsx"]["status"] == "无法读取"
    assert units["沙湾区.xlsx"]["status"] in ("已报", "已被替代")
    assert not fb.exists() or not any("市中区" in p.name for p in fb.iterdir())  # its contents go nowhere


# --- real file-system failures ----------------------------------------------------------------------


def _namespace() -> list[str] | None:
    """A command prefix that runs its argument in a private mount namespace where we may mount tmpfs."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    prefix = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$TMPDIR\""], capture_output=True, check=False,
                           env={**os.environ, "TMPDIR": "/tmp"})
    return prefix if probe.returncode == 0 else None


NAMESPACE = _namespace()


def _in_tmpfs(tmp_path: Path, options: str, argv: list[str]) -> subprocess.CompletedProcess:
    mount = tmp_path / "盘"
    mount.mkdir(exist_ok=True)
    tmp = tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    script = f'mount -t tmpfs -o {options} tmpfs "$1" && shift && exec "$@"'
    assert NAMESPACE is not None
    return subprocess.run([*NAMESPACE, "sh", "-c", script, "sh", str(mount), sys.executable, "-m", "wennuan_xl", *argv],
                          capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp)},
                          check=False)


@pytest.fixture
def small_folder(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    for i, unit in enumerate(u.name for u in campaign.roster[:4]):
        corpus.plain_return(folder / f"{unit}.xlsx", campaign, unit, _bad_values(20 + i))
    return folder


@pytest.mark.skipif(NAMESPACE is None, reason="needs a private mount namespace (unshare) for tmpfs")
@pytest.mark.parametrize("case", ["full", "readonly"])
def test_disk_full_or_read_only_is_exit_2_with_the_reason_and_nothing_left(tmp_path, small_folder, case):
    before = sha256_tree(small_folder)
    options = "size=24k" if case == "full" else "ro,size=1m"
    target = tmp_path / "盘" / "汇总.xlsx"
    done = _in_tmpfs(tmp_path, options, ["consolidate", str(small_folder), "-o", str(target)])
    assert done.returncode == 2, done.stderr
    assert ("磁盘空间不足" if case == "full" else "只读") in done.stderr
    assert str(target) in done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "ZipFile" not in done.stderr
    assert "本次没有写入任何文件" in done.stderr or "原有的文件未被改动" in done.stderr
    assert not list((tmp_path / "tmp").iterdir())  # no xlsxwriter temp file left in $TMPDIR
    assert sha256_tree(small_folder) == before


@pytest.mark.skipif(NAMESPACE is None, reason="needs a private mount namespace (unshare) for tmpfs")
def test_a_feedback_copy_that_cannot_be_written_is_reported_and_the_workbook_message_is_true(tmp_path, small_folder):
    target = tmp_path / "汇总.xlsx"
    done = _in_tmpfs(tmp_path, "ro,size=1m", ["consolidate", str(small_folder), "-o", str(target), "--feedback",
                                              str(tmp_path / "盘" / "意见")])
    assert done.returncode == 2, done.stderr
    assert target.exists()  # the consolidated workbook was written, and the message says so
    assert "汇总工作簿已写入" in done.stderr and "未能生成审核意见副本" in done.stderr
    assert "原有的文件未被改动" not in done.stderr.split("汇总工作簿已写入")[0].splitlines()[-1]
    assert "Traceback" not in done.stderr


def _without_override() -> list[str] | None:
    """A prefix under which permissions apply: root without CAP_DAC_OVERRIDE (setpriv), or any other user."""
    if not hasattr(os, "geteuid") or sys.platform == "win32":
        return None
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if shutil.which("setpriv") else None


@pytest.mark.skipif(_without_override() is None, reason="as root, needs setpriv to give up CAP_DAC_OVERRIDE")
def test_permission_denied_is_exit_2_with_the_reason(tmp_path, small_folder):
    locked = tmp_path / "锁定"
    locked.mkdir()
    os.chmod(locked, 0o555)
    prefix = _without_override() or []
    done = subprocess.run([*prefix, sys.executable, "-m", "wennuan_xl", "consolidate", str(small_folder), "-o",
                           str(locked / "汇总.xlsx")], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    os.chmod(locked, 0o755)
    assert done.returncode == 2, done.stderr
    assert "没有写入权限" in done.stderr and "Traceback" not in done.stderr
    assert not list(locked.iterdir())


def test_xlsx_named_ods_and_ods_named_xlsx_get_their_real_format(tmp_path, campaign):
    good = corpus.good_bytes(campaign, tmp_path)
    (tmp_path / "表.ods").write_bytes(good)
    (tmp_path / "表.xlsx").write_bytes(ods(b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:'
                                          b'names:tc:opendocument:xmlns:office:1.0"/>'))
    code, out, _ = _run(["check", "--json", str(tmp_path / "表.ods"), str(tmp_path / "表.xlsx")])
    assert code == 2
    first, second = json.loads(out)
    assert "Excel 工作簿（.xlsx）" in first["error"] and "扩展名却是 .ods" in first["error"]
    assert "OpenDocument 表格（.ods" in second["error"] and "扩展名却是 .xlsx" in second["error"]
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))
