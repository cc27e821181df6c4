"""Helpers for tests and benches that run several real `errata serve` processes on one database."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from errata.config import REPO_ROOT

T = TypeVar("T")
TOKEN = "maintainer-secret"
SEED = "agent-holds-lock-too-long"


def copy_entries(target: Path, ids: tuple[str, ...] = (SEED,)) -> Path:
    """Copy some entries (default: the seed; empty: every committed one) to `target`.

    Other work may be adding entry folders to the working tree right now; copying only
    committed entries keeps a half-written folder out of the test.
    """
    if not ids:
        listed = subprocess.run(
            ["git", "ls-files", "entries"], cwd=REPO_ROOT, capture_output=True, text=True
        )
        ids = tuple(sorted({line.split("/")[1] for line in listed.stdout.split() if "/" in line}))
    for entry_id in ids:
        shutil.copytree(REPO_ROOT / "entries" / entry_id, target / entry_id)
    return target


def server_env(
    data_dir: Path, entries_dir: Path = REPO_ROOT / "entries", database_url: str = "", **extra: str
) -> dict[str, str]:
    """The environment of one server: a data folder, the shared database, a known token."""
    env = {
        "ERRATA_DATA_DIR": str(data_dir),
        "ERRATA_ENTRIES_DIR": str(entries_dir),
        "DATABASE_URL": database_url,
        "ERRATA_MAINTAINER_TOKEN": TOKEN,
        "ERRATA_SANDBOX": "off",
        "ERRATA_VERIFY_ON_START": "0",
    }
    env.update(extra)
    return env


def call(
    method: str,
    url: str,
    body: Any = None,
    *,
    token: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], Any]:
    """One HTTP request: (status, lower-cased headers, JSON or text); HTTP errors are returned."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, headers, raw = exc.code, dict(exc.headers), exc.read()
    headers = {name.lower(): value for name, value in headers.items()}
    text = raw.decode("utf-8", "replace")
    try:
        return status, headers, json.loads(text)
    except ValueError:
        return status, headers, text


def submission(n: int, marker: str = "Zorblax") -> dict[str, Any]:
    """A valid submission whose symptoms carry a unique, searchable error name."""
    error = f"{marker}{n}FrobnicationError"
    return {
        "title": f"Frobnicator {n} stalls the quux pipeline",
        "symptoms": [
            f"{error}: quux pipeline stalled at stage {n}",
            f"frobnicator {n} holds the quux lock while it waits for the network",
        ],
        "root_cause": "The frobnicator keeps its lock across a slow network call.",
        "fixes": [
            {
                "title": "Release the lock before the call",
                "explanation": "Copy what you need under the lock, then call outside it.",
                "code": f"value = {n}\nprint(value * 2)\n",
                "check": "",
            }
        ],
        "languages": ["python"],
        "tags": ["locks"],
        "environment": ["Python 3.11"],
        "source": "own experience",
        "contact": "",
    }


def wait_for(
    probe: Callable[[], T | None], deadline_s: float, every: float = 0.05, what: str = "it"
) -> T:
    """Call `probe` until it returns something truthy or the deadline passes (then fail)."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {deadline_s} s")
        time.sleep(every)
