"""What the testers' corpora share (tests/seen_attack, tests/refusal_attack): each field of each file a test case,
the open ones strict expected failures, and one way to say two values are the same."""

from __future__ import annotations

import pytest


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-6
    return a == b


def field_cases(expected: dict, known_open: dict):
    """(file, field, what a person reads) for every field of every file in ``expected``; those in ``known_open``
    marked as strict expected failures with the reason, so that mending one makes its test say so."""
    for name, case in sorted(expected.items()):
        for code, want in sorted(case["truth"].items()):
            marks = [pytest.mark.xfail(strict=True, reason=known_open[(name, code)])] if (name, code) in known_open else []
            yield pytest.param(name, code, want, id=f"{name}:{code}", marks=marks)
