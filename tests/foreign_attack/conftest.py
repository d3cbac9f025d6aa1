"""The attack tests reuse ``tests/foreign/scoring.py`` as ``tests.foreign.scoring``: the repository root must
be importable also when pytest is started as ``pytest`` rather than ``python -m pytest``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
