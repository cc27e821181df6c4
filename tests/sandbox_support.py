"""The sandbox for tests: available, or a skip (a failure under CI=true) with the reason."""

from __future__ import annotations

import os

import pytest
from errata.config import load_settings
from errata.harness.sandbox import Sandbox


def require_sandbox() -> Sandbox:
    """A self-tested sandbox (ERRATA_SANDBOX honoured); under CI, unavailable fails, not skips."""
    box = Sandbox.from_settings(load_settings())
    if not box.available:
        if os.environ.get("CI") == "true":
            pytest.fail(f"sandbox unavailable under CI: {box.reason}")
        pytest.skip(f"sandbox unavailable: {box.reason}")
    return box
