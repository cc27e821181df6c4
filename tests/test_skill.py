"""The errata skill: SKILL.md as skill validators read it, and its script against a live errata."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from errata.config import REPO_ROOT

from .liveserver import LiveServer, free_port, run_server

SKILL = REPO_ROOT / "skill"
SCRIPT = SKILL / "scripts" / "errata.py"
SEED = "agent-holds-lock-too-long"
# The rules of anthropics/skills: skills/skill-creator/scripts/quick_validate.py.
ALLOWED_KEYS = {"name", "description", "license", "allowed-tools", "metadata", "compatibility"}

# A lock held too long, timed out: one cause, so errata answers it confidently (a pool
# timeout alone has several causes and gets a differential).
SEED_TRACE = """\
2025-03-14 10:22:01 WARNING worker-7 waited 58.9s for state_lock, held across a slow LLM call
Traceback (most recent call last):
  File "/srv/agents/worker.py", line 57, in run_worker
    await process_item(item_id, state_lock)
  File "/srv/agents/worker.py", line 43, in process_item
    async with acquire_with_timeout(state_lock, 5.0):
  File "/srv/agents/locks.py", line 12, in acquire_with_timeout
    raise RuntimeError(f"Could not acquire lock within {timeout}s — possible deadlock")
RuntimeError: Could not acquire lock within 5.0s — possible deadlock
"""


def front_matter() -> dict[str, Any]:
    """SKILL.md's front matter, parsed exactly as quick_validate.py parses it."""
    content = (SKILL / "SKILL.md").read_text(encoding="utf-8")
    assert content.startswith("---"), "SKILL.md must start with YAML front matter"
    match = re.match(r"^---\n(.*?)\n---", content, re.DOTALL)
    assert match, "SKILL.md front matter must be closed by a '---' line"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict), "front matter must be a YAML mapping"
    return data


def body() -> str:
    """SKILL.md without its front matter."""
    content = (SKILL / "SKILL.md").read_text(encoding="utf-8")
    return content.split("\n---", 1)[1]


def run_script(
    *args: str, url: str | None, stdin: str = "", script: Path = SCRIPT, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the skill's script as an agent would, with ERRATA_URL pointing at `url`."""
    env = {k: v for k, v in os.environ.items() if k != "ERRATA_URL"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if url is not None:
        env["ERRATA_URL"] = url
    return subprocess.run(
        [sys.executable, str(script), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


# --- SKILL.md ----------------------------------------------------------------------------------


def test_front_matter_passes_the_skill_creator_validation_rules() -> None:
    data = front_matter()
    assert set(data) <= ALLOWED_KEYS, f"unexpected keys: {set(data) - ALLOWED_KEYS}"
    name = data["name"]
    assert isinstance(name, str) and name == "errata"
    assert re.match(r"^[a-z0-9-]+$", name) and not name.startswith("-") and "--" not in name
    assert len(name) <= 64
    description = data["description"]
    assert isinstance(description, str) and description.strip()
    assert len(description.strip()) <= 1024, len(description)
    assert "<" not in description and ">" not in description
    if "compatibility" in data:
        assert isinstance(data["compatibility"], str) and 0 < len(data["compatibility"]) <= 500


def test_description_says_what_errata_does_and_when_to_use_it() -> None:
    description = front_matter()["description"].lower()
    for word in ("traceback", "error", "hang", "concurrency", "sandbox", "errata_url"):
        assert word in description, word


def test_metadata_declares_python3_and_errata_url_with_its_default() -> None:
    openclaw = front_matter()["metadata"]["openclaw"]
    assert "python3" in openclaw["requires"]["bins"]
    (errata_url,) = [v for v in openclaw["envVars"] if v["name"] == "ERRATA_URL"]
    assert errata_url["default"] == "http://127.0.0.1:8000"
    assert errata_url["required"] is False


def test_every_env_var_the_script_reads_is_declared() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    read = set(re.findall(r"os\.environ(?:\.get)?[\[(]\s*[\"'](\w+)[\"']", source))
    read |= set(re.findall(r"os\.getenv\(\s*[\"'](\w+)[\"']", source))
    declared = {v["name"] for v in front_matter()["metadata"]["openclaw"]["envVars"]}
    assert read == declared == {"ERRATA_URL"}


def test_every_command_the_skill_mentions_exists_in_the_script() -> None:
    texts = [body(), *(p.read_text(encoding="utf-8") for p in SKILL.glob("references/*.md"))]
    mentioned = set()
    for text in texts:
        mentioned |= set(re.findall(r"scripts/errata\.py\s+([a-z][a-z_-]*)", text))
    commands_table = (SKILL / "references" / "script.md").read_text(encoding="utf-8")
    mentioned |= set(re.findall(r"^\| `([a-z]+)[ `]", commands_table, flags=re.MULTILINE))
    assert {"search", "entry", "report", "submit"} <= mentioned
    for command in sorted(mentioned):
        result = run_script(command, "--help", url=None)
        assert result.returncode == 0, f"{command}: {result.stderr}"
    unknown = run_script("frobnicate", url=None)
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_skill_folder_holds_text_files_only_and_no_readme() -> None:
    files = [p for p in SKILL.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {p.relative_to(SKILL).as_posix() for p in files} >= {"SKILL.md", "scripts/errata.py"}
    for path in files:
        path.read_bytes().decode("utf-8")  # raises on a binary file
        assert not path.name.lower().startswith("readme"), path
    assert list(SKILL.glob("references/*.md")), "details belong in references/"


def test_script_imports_only_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules and modules <= set(sys.stdlib_module_names) | {"__future__"}, modules


def test_every_request_the_script_makes_has_a_timeout() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    calls = re.findall(r"urlopen\(([^)]*)\)", source)
    assert calls and all("timeout=" in call for call in calls)


# --- The script against a live errata ------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`errata serve` on a free loopback port, with a temp SQLite and the repository's entries."""
    tmp = tmp_path_factory.mktemp("skill-server")
    entries = tmp / "entries"
    shutil.copytree(REPO_ROOT / "entries", entries)
    env = {"ERRATA_DATA_DIR": str(tmp / "data"), "ERRATA_ENTRIES_DIR": str(entries)}
    with run_server(env, tmp / "serve.log") as live:
        yield live


def test_search_on_stdin_prints_the_seed_entry_first(server: LiveServer) -> None:
    result = run_script("search", url=server.url, stdin=SEED_TRACE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("matched")
    first = next(line for line in lines if re.match(r"^1\. ", line))
    assert first.split()[1] == SEED and "confident" in first and "curated" in first
    assert f"entry {SEED}" in result.stdout


def test_a_pool_timeout_prints_the_differential_of_its_causes(server: LiveServer) -> None:
    pool = "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
    pool += "connection timed out, timeout 30.00"
    result = run_script("search", url=server.url, stdin=pool)
    differential = result.stdout.split("differential:", 1)[1]  # a leak prints the same message
    assert "db-connection-leak-pool-exhausted: Connection pool exhausted by leaked" in differential
    assert "confirmed when: checked-out count grows" in differential


def test_search_json_prints_the_raw_search_response(server: LiveServer) -> None:
    result = run_script("search", SEED_TRACE, "--json", "--limit", "3", url=server.url)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "matched"
    assert answer["results"][0]["id"] == SEED
    assert len(answer["results"]) <= 3


def test_search_for_an_error_errata_does_not_know_exits_1_with_no_match(
    server: LiveServer,
) -> None:
    trace = "ld: warning: object file libfoo.a(bar.o) was built for newer macOS version (14.0)"
    result = run_script("search", trace, url=server.url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("no_match")


def test_entry_prints_root_cause_fixes_and_their_code(server: LiveServer) -> None:
    result = run_script("entry", SEED, url=server.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{SEED}: Agent Holds Lock Too Long")
    assert "root cause:" in result.stdout
    assert result.stdout.count("\nfix ") >= 6
    assert "async with" in result.stdout  # snippets' code is printed


def test_unknown_entry_exits_5_with_the_server_message(server: LiveServer) -> None:
    result = run_script("entry", "no-such-entry", url=server.url)
    assert result.returncode == 5
    assert result.stdout == ""
    assert "404" in result.stderr and "no-such-entry" in result.stderr


def test_report_records_an_outcome_the_entry_then_counts(server: LiveServer) -> None:
    entry = json.loads(run_script("entry", SEED, "--json", url=server.url).stdout)
    fix = entry["fixes"][0]
    before = fix["outcomes"].get("worked", 0)
    result = run_script(
        "report",
        SEED,
        fix["id"],
        "worked",
        "--details",
        "lock now wraps the dict update only",
        url=server.url,
    )
    assert result.returncode == 0, result.stderr
    assert f"recorded: worked for {SEED} fix {fix['id']}" in result.stdout
    after = json.loads(run_script("entry", SEED, "--json", url=server.url).stdout)
    assert after["fixes"][0]["outcomes"]["worked"] == before + 1


def test_report_with_an_unknown_outcome_exits_2_before_calling_the_server() -> None:
    result = run_script("report", SEED, "fix", "maybe", url=f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 2
    assert "worked, worked_with_changes, did_not_work" in result.stderr


def test_report_on_an_unknown_fix_exits_5(server: LiveServer) -> None:
    result = run_script("report", SEED, "no-such-fix", "worked", url=server.url)
    assert result.returncode == 5
    assert "no-such-fix" in result.stderr


def test_submit_sends_a_contribution_and_prints_where_to_follow_it(
    server: LiveServer, tmp_path: Path
) -> None:
    submission = {
        "title": "Pytest collects nothing because test files are named check_*.py",
        "symptoms": ["collected 0 items", "no tests ran in 0.01s"],
        "root_cause": "pytest only collects files matching python_files (test_*.py by default).",
        "fixes": [
            {
                "title": "Name the files test_*.py",
                "code": "python_files = ['test_*.py', 'check_*.py']\n",
                "check": "assert 'check_*.py' in python_files\n",
            }
        ],
        "languages": ["python"],
        "source": "own experience",
    }
    path = tmp_path / "entry.json"
    path.write_text(json.dumps(submission), encoding="utf-8")
    result = run_script("submit", str(path), url=server.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("submitted: ")
    follow = re.search(r"follow it: (\S+)", result.stdout)
    assert follow and follow.group(1).startswith(server.url)


def test_submit_with_missing_fields_exits_5_naming_them(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "entry.json"
    path.write_text(json.dumps({"title": "Something broke"}), encoding="utf-8")
    result = run_script("submit", str(path), url=server.url)
    assert result.returncode == 5
    assert "symptoms" in result.stderr and "root_cause" in result.stderr


def test_submit_of_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "entry.json"
    path.write_text("title: not json\n", encoding="utf-8")
    result = run_script("submit", str(path), url=f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr
    missing = run_script("submit", str(tmp_path / "nope.json"), url=None)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_empty_trace_exits_2_with_a_message() -> None:
    result = run_script("search", url=f"http://127.0.0.1:{free_port()}", stdin="  \n")
    assert result.returncode == 2
    assert "empty" in result.stderr


def test_server_down_exits_3_and_says_how_to_fix_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_script("search", "ValueError: boom", url=url)
    assert result.returncode == 3
    assert url in result.stderr and "ERRATA_URL" in result.stderr


def test_a_server_that_never_answers_exits_4_after_the_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = run_script("entry", SEED, "--timeout", "0.5", url=url, timeout=30)
    assert result.returncode == 4
    assert "did not answer within 0.5s" in result.stderr


def test_a_bad_errata_url_exits_2() -> None:
    result = run_script("entry", SEED, url="ftp://example.invalid")
    assert result.returncode == 2
    assert "ERRATA_URL must be an http(s) URL" in result.stderr
