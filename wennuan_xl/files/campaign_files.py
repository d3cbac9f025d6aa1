"""Reading a campaign folder: campaign.yaml, the annex forms, the rule files, the roster, and the 实名制 list's
files (namelist.yaml, its rules and the administrative-division codes, issue #16).

The core builds the campaign and its rules from plain data (``core.forms.campaign_from_data``,
``core.rules.rules_from_data``); this loader is the only place their files are opened. The roster has
one reader for every surface: the campaign folder's own ``roster.csv``, a ``--roster`` given on the command
line (CSV in UTF-8 or GB18030, as Excel for Chinese Windows saves it, or an Excel workbook), and the rows of
the master's 单位名单 sheet all go through ``core.forms.roster_from_rows``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..core.forms import Campaign, CampaignError, RosterUnit, campaign_from_data, roster_from_rows
from ..core.namelist.spec import RULES_FILE, SPEC_FILE, ListSources, namelist_spec
from ..core.rules import RuleError, RuleSet, rules_from_data

DEFAULT_CAMPAIGN_DIR = Path(__file__).resolve().parent.parent / "campaign"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def yaml_loader():
    """libyaml's loader (C) reads the campaign ~4x faster than the pure-Python one, with the same result
    (tests/files/test_yaml_loaders.py); PyYAML built without libyaml falls back to the pure-Python loader.
    Imported on first use: a process that finds the compiled campaign in the cache (files/campaign_cache.py),
    such as an Excel button's, never pays the ~35 ms of importing PyYAML."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_campaign(folder: Path | str | None = None, roster: Path | str | None = None) -> Campaign:
    """The campaign of ``folder`` (default: the one shipped with the package), with the roster file
    ``roster`` instead of the folder's own when given."""
    folder = Path(folder) if folder else DEFAULT_CAMPAIGN_DIR
    main_file = folder / "campaign.yaml"
    main = _yaml(main_file, CampaignError)
    try:
        names = [str(n) for n in main["forms"]]
        roster_file = Path(roster) if roster else folder / str(main["roster"])
    except (KeyError, TypeError) as exc:
        raise CampaignError(f"{main_file}: 设置不完整或格式有误（{exc!r}）") from exc
    forms = {name: _yaml(folder / name, CampaignError) for name in names}
    campaign = campaign_from_data(main, forms, read_roster(roster_file), folder, str(main_file),
                                  namelist=read_namelist(folder))
    spec = namelist_spec(campaign)  # a mistake in the list's files stops here, as one in the annexes' does
    if spec is not None:
        len(spec.divisions)  # the division codes too (parsed on first use)
    return campaign


def read_namelist(folder: Path) -> ListSources | None:
    """The 实名制 list's files of a campaign folder: its ``namelist.yaml`` (none: the campaign has no list), the
    rule file and the division-code file that it names."""
    path = folder / SPEC_FILE
    if not path.is_file():
        return None
    data = _yaml(path, CampaignError)
    try:
        divisions_file = folder / str(data["divisions"])
    except KeyError:
        raise CampaignError(f"{path}: 缺少 divisions（行政区划代码表的文件名）") from None
    rules_file = folder / str(data.get("rules") or RULES_FILE)
    return ListSources(str(path), data, str(rules_file), _yaml(rules_file, RuleError, empty_ok=True),
                       str(divisions_file), read_divisions(divisions_file))


def read_divisions(path: Path) -> tuple[tuple[str, ...], ...]:
    """The rows of a division-code CSV (UTF-8), its header first; blank lines and ``#`` comments left out."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            lines = [line for line in fh if line.strip() and not line.startswith("#")]
    except OSError as exc:
        raise CampaignError(f"{path}: 无法读取（{exc.strerror}）") from exc
    except UnicodeDecodeError:
        raise CampaignError(f"{path}: 不是 UTF-8 编码的文字文件，请另存为 UTF-8 的 CSV") from None
    return tuple(tuple(row) for row in csv.reader(lines))


def load_rules(campaign: Campaign, files: Sequence[Path | str] | None = None) -> RuleSet:
    """The rules of the campaign's rule files (or of ``files``), in order."""
    paths = [Path(p) for p in files] if files else list(campaign.rule_files)
    return rules_from_data(campaign, [(str(p), _yaml(p, RuleError, empty_ok=True)) for p in paths])


def with_roster(campaign: Campaign, roster: Path | str | None) -> Campaign:
    return campaign if roster is None else replace(campaign, roster=read_roster(Path(roster)))


def read_roster(path: Path) -> tuple[RosterUnit, ...]:
    """Column 1 the unit's name, column 2 (optional) 是/否 for 选择汇总, and under a header row the optional
    联系人, 联系电话, 电子邮箱 (core/roster_rows.py); CSV or the first sheet of a workbook."""
    if not path.exists():
        raise CampaignError(f"{path}: 单位名单文件不存在")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        import python_calamine as pc

        try:
            with open(path, "rb") as fh:
                book = pc.CalamineWorkbook.from_filelike(fh)
                rows = book.get_sheet_by_index(0).to_python()
                book.close()
        except Exception as exc:  # noqa: BLE001 - calamine raises many types for a file it cannot read
            raise CampaignError(f"{path}: 无法读取单位名单（{exc}）") from None
        return roster_from_rows(rows, str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, encoding=encoding, newline="") as fh:
                return roster_from_rows(list(csv.reader(fh)), str(path))
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise CampaignError(f"{path}: 无法读取（{exc.strerror}）") from exc
    raise CampaignError(f"{path}: 单位名单的文字编码无法识别，请另存为 UTF-8 或 Excel 文件")


def _yaml(path: Path, error: type[ValueError], empty_ok: bool = False) -> dict:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=yaml_loader())
    except OSError as exc:
        raise error(f"{path}: 无法读取（{exc.strerror}）") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: YAML 格式错误：{exc}") from exc
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: 内容应为键值表")
    return data
