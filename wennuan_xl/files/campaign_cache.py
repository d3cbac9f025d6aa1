"""The compiled campaign (forms + rules), cached on disk between processes.

Each click of an Excel button is a fresh Python (xlwings' RunPython without the UDF server), so each
click would parse ~32 KB of campaign YAML and validate ~120 rules again. This module keeps the result
of ``load_campaign`` + ``load_rules`` in the user's cache folder and reuses it while the campaign's
files are unchanged:

* key: sha256 over the name and contents of every file of the campaign folder (campaign.yaml, the
  annex*.yaml forms, the rules*.yaml files, the roster), of a roster given from elsewhere, plus the
  package version and the Python version. A file edited for next year's campaign gives a new key;
* kept as a pickle in ``%LOCALAPPDATA%\\wennuan-xl\\cache`` (Windows) or ``$XDG_CACHE_HOME/wennuan-xl``
  (``~/.cache/wennuan-xl``); ``WENNUAN_CACHE_DIR`` overrides both;
* the compiled closures of the rules are not pickled (they cannot be): a ``Rule`` pickles as its AST
  and compiles itself again on load (``core.rules.Rule.__setstate__``), which takes about a millisecond;
* a cache file that is corrupt, foreign, from another version, or that names files which changed since,
  is ignored and rebuilt; it is written to a temp file and renamed, so a reader never sees half a file;
  a cache folder that cannot be written only means no cache.

This wraps the loader's ``load_campaign`` and ``load_rules`` (``files/campaign_files.py``) and returns
exactly what they return.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import fields, replace
from pathlib import Path

from .. import __version__
from ..core.forms import Campaign
from ..core.rules import RuleSet
from .campaign_files import DEFAULT_CAMPAIGN_DIR, load_campaign, load_rules

FORMAT = "wennuan-xl campaign cache 3"  # 2: rules pickle as their AST; 3: the Campaign carries the 实名制 list's sources
KEEP = 8  # cache files kept (one per campaign version seen), newest first
ENV_DIR = "WENNUAN_CACHE_DIR"


def cache_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "wennuan-xl" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wennuan-xl"


def compiled_campaign(folder: Path | str | None = None, roster: Path | str | None = None) -> tuple[Campaign, RuleSet]:
    """``load_campaign(folder, roster)`` and ``load_rules`` of it, from the cache when the files are unchanged."""
    folder = Path(folder) if folder else DEFAULT_CAMPAIGN_DIR
    try:
        key, sources = _key(folder, roster)
    except OSError:
        return _build(folder, roster)  # an unreadable folder: let the loader name the file in its own words
    path = cache_dir() / f"campaign-{key[:32]}.pickle"
    cached = _read(path, key, sources)
    if cached is not None:
        return cached
    campaign, rules = _build(folder, roster)
    external = _external_sources(campaign, folder, roster)
    _write(path, key, campaign, rules, sources | external)
    return campaign, rules


def with_tolerance(campaign: Campaign, rules: RuleSet, tolerance: float | None) -> tuple[Campaign, RuleSet]:
    """The campaign and rules for another money tolerance (设置's WN_TOLERANCE), without reloading:
    the tolerance enters the rules only as the constant TOLERANCE (tests pin this against a reload)."""
    if tolerance is None or tolerance == campaign.tolerance:
        return campaign, rules
    return replace(campaign, tolerance=tolerance), replace(rules, constants={**rules.constants, "TOLERANCE": tolerance})


def _build(folder: Path, roster: Path | str | None) -> tuple[Campaign, RuleSet]:
    campaign = load_campaign(folder, roster)
    return campaign, load_rules(campaign)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _key(folder: Path, roster: Path | str | None) -> tuple[str, dict[str, str]]:
    """The cache key, and the files it covers (path -> sha256)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if roster:
        files.append(Path(roster))
    sources = {str(p.resolve()): _digest(p) for p in files}
    h = hashlib.sha256()
    for part in (FORMAT, __version__, sys.version, str(folder.resolve()), str(roster or ""), _code_stamp()):
        h.update(part.encode("utf-8") + b"\0")
    for name, digest in sources.items():
        h.update(f"{name}\0{digest}\0".encode())
    return h.hexdigest(), sources


def _code_stamp() -> str:
    """The code that builds and holds the campaign (the core, this loader), by size and modification time:
    a package changed in place without a new version number (an upgrade over the same version, a developer's
    checkout) must not get objects pickled by the old classes, which lack the new fields."""
    core = Path(__file__).resolve().parent.parent / "core"
    files = sorted(core.rglob("*.py")) + [Path(__file__).resolve(), Path(__file__).resolve().with_name("campaign_files.py")]
    stamp = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        stamp.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(stamp)


def _complete(obj: object) -> bool:
    """Every field of the dataclass is there (an object pickled by an older class lacks the newer ones)."""
    return all(f.name in vars(obj) for f in fields(obj))  # type: ignore[arg-type]


def _external_sources(campaign: Campaign, folder: Path, roster: Path | str | None) -> dict[str, str]:
    """Files the campaign read from outside its folder (a rules file named ``../x.yaml``): checked on every load."""
    inside = folder.resolve()
    out = {}
    for p in campaign.rule_files:
        resolved = Path(p).resolve()
        if resolved.parent != inside:
            out[str(resolved)] = _digest(resolved)
    return out


def _read(path: Path, key: str, known: dict[str, str]) -> tuple[Campaign, RuleSet] | None:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, corrupt, truncated or foreign: no cache, rebuild it
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    campaign, rules, sources = data.get("campaign"), data.get("rules"), data.get("sources")
    if not isinstance(campaign, Campaign) or not isinstance(rules, RuleSet) or not isinstance(sources, dict):
        return None
    if not (_complete(campaign) and _complete(rules) and all(_complete(r) for r in rules.rules)):
        return None
    try:
        if any(known.get(name, "") != digest and _digest(Path(name)) != digest for name, digest in sources.items()):
            return None
    except OSError:
        return None
    return campaign, rules


def _write(path: Path, key: str, campaign: Campaign, rules: RuleSet, sources: dict[str, str]) -> None:
    campaign = replace(campaign)  # without the lookup table Campaign builds on first use
    payload = {"format": FORMAT, "key": key, "campaign": campaign, "rules": rules, "sources": sources}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        pass  # no cache folder to write to (read-only profile, full disk): the next click loads the YAML again
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # gone after the rename; left only by a write that failed


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("campaign-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
