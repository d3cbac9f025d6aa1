"""System programs the independent checks run (LibreOffice, poppler), found or explained.

On a developer's machine a missing program skips its tests, with the command that installs it; under CI
(``CI=true``) it fails them, so a run without LibreOffice cannot pass with the only independent engine
for our formulas silently gone.
"""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL = (
    "sudo apt-get install --no-install-recommends libreoffice-calc-nogui poppler-utils fonts-noto-cjk"
)
PACKAGES = {"soffice": "LibreOffice (libreoffice-calc-nogui)", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} ({PACKAGES.get(name, name)}) is not installed; on Debian/Ubuntu: {INSTALL}"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"CI needs {message}", pytrace=False)
    pytest.skip(message)
