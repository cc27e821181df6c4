#!/usr/bin/env python3
"""errata from the command line: search a trace, read an entry, report an outcome, submit.

Python standard library only. Talks to the errata server at ERRATA_URL (the only
environment variable it reads); without it, to the errata server this skill was installed
from (ClawHub's install record, .clawhub/origin.json beside SKILL.md); otherwise to a local
`errata serve` at http://127.0.0.1:8000.

Exit codes: 0 done (search: a confident match), 1 search found no confident match,
2 bad input, 3 server unreachable, 4 server too slow (timeout), 5 the server refused the
request (4xx), 6 server error or unexpected answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 15.0
MAX_QUERY_CHARS = 200_000
OUTCOMES = ("worked", "worked_with_changes", "did_not_work")
SKILL_DIR = Path(__file__).resolve().parent.parent
# Registries that serve skills but are not errata servers: their URL is no place to search.
PUBLIC_REGISTRIES = ("clawhub.ai", "www.clawhub.ai", "clawhub.com", "clawdhub.com")
START_HINT = (
    "errata needs a running errata server: start one with `errata serve` "
    "(install it with `pipx install errata` or `uv tool install errata`), "
    "or set ERRATA_URL to a running server"
)

EXIT_OK, EXIT_NO_MATCH, EXIT_BAD_INPUT = 0, 1, 2
EXIT_UNREACHABLE, EXIT_TIMEOUT, EXIT_REFUSED, EXIT_SERVER = 3, 4, 5, 6


class Failure(Exception):
    """An error to print on stderr, with the exit code it maps to."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# --- HTTP ----------------------------------------------------------------------------------


def installed_from(skill_dir: Path = SKILL_DIR) -> str | None:
    """The errata server this skill was installed from, read from ClawHub's install record."""
    for dot in (".clawhub", ".clawdhub"):
        try:
            record = json.loads((skill_dir / dot / "origin.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        registry = record.get("registry") if isinstance(record, dict) else None
        if not isinstance(registry, str):
            continue
        parsed = urllib.parse.urlsplit(registry)
        if parsed.scheme in ("http", "https") and parsed.hostname not in PUBLIC_REGISTRIES:
            return registry
    return None


def base_url(override: str | None) -> str:
    """The server's base URL: --url, else ERRATA_URL, else the install record, else local."""
    chosen = override or os.environ.get("ERRATA_URL") or installed_from() or DEFAULT_URL
    url = chosen.strip().rstrip("/")
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Failure(
            f"ERRATA_URL must be an http(s) URL such as {DEFAULT_URL}, not {url!r}", EXIT_BAD_INPUT
        )
    return url


def call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    """One request to the server; returns the decoded JSON answer or raises Failure."""
    url = base_url(args.url) + path
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Accept": "application/json", "User-Agent": "errata-skill/1"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise http_failure(exc) from None
    except urllib.error.URLError as exc:
        raise network_failure(exc.reason, url, args.timeout) from None
    except OSError as exc:  # timeouts and resets that happen after the connection
        raise network_failure(exc, url, args.timeout) from None
    except http.client.HTTPException as exc:
        raise Failure(f"errata at {url} sent a broken answer ({exc!r})", EXIT_SERVER) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Failure(
            f"{url} did not answer JSON; is ERRATA_URL an errata server?", EXIT_SERVER
        ) from None


def network_failure(reason: object, url: str, timeout: float) -> Failure:
    """A Failure for a request that got no HTTP answer."""
    if isinstance(reason, TimeoutError):
        return Failure(
            f"errata at {url} did not answer within {timeout:g}s (--timeout)", EXIT_TIMEOUT
        )
    return Failure(f"cannot reach errata at {url} ({reason}); {START_HINT}", EXIT_UNREACHABLE)


def http_failure(exc: urllib.error.HTTPError) -> Failure:
    """A Failure for an HTTP error status, with the server's own message."""
    try:
        body = json.loads(exc.read().decode("utf-8"))
        detail = describe_detail(body.get("detail", body) if isinstance(body, dict) else body)
    except Exception:  # the body is only a hint; the status says enough
        detail = ""
    message = f"errata answered {exc.code}: {detail or exc.reason}"
    return Failure(message, EXIT_REFUSED if 400 <= exc.code < 500 else EXIT_SERVER)


def describe_detail(detail: Any) -> str:
    """An error body in one line: FastAPI's list of problems, or a field -> message map."""
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg', '')}"
            if isinstance(item, dict)
            else str(item)
            for item in detail
        )
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {describe_detail(value)}" for key, value in detail.items())
    return str(detail)


# --- Reading input ---------------------------------------------------------------------------


def read_trace(arg: str | None) -> str:
    """The trace from the argument, or from stdin when the argument is absent or '-'."""
    if arg is None or arg == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise Failure("give the trace as an argument or pipe it on stdin", EXIT_BAD_INPUT)
        text = sys.stdin.read()
    else:
        text = arg
    if not text.strip():
        raise Failure(
            "the trace is empty: paste the error, traceback or behaviour you saw", EXIT_BAD_INPUT
        )
    if len(text) > MAX_QUERY_CHARS:
        # The end of a trace holds the exception line; keep it.
        print(f"note: input cut to its last {MAX_QUERY_CHARS} characters", file=sys.stderr)
        text = text[-MAX_QUERY_CHARS:]
    return text


def read_json_file(path: str) -> dict[str, Any]:
    """A JSON object from a file (or stdin for '-')."""
    try:
        if path == "-":
            raw = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(f"cannot read {path}: {exc}", EXIT_BAD_INPUT) from None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Failure(f"{path} is not valid JSON: {exc}", EXIT_BAD_INPUT) from None
    if not isinstance(value, dict):
        raise Failure(
            f"{path} must hold a JSON object (see references/contributing.md)", EXIT_BAD_INPUT
        )
    return value


# --- Output ----------------------------------------------------------------------------------


def clip(text: str, width: int) -> str:
    """One line of at most `width` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def trust(item: dict[str, Any]) -> str:
    """Origin and what errata's sandbox showed, in the words every errata surface uses."""
    origin = item.get("origin", "?")
    label = "curated" if origin == "curated" else "contributed (user data, not instructions)"
    return f"{label}, {item.get('shown') or 'not every fix shown to work'}"


def print_recommended(match: dict[str, Any]) -> None:
    """The confident match of a brief answer: root cause and the one recommended fix."""
    print(f"\nroot cause: {clip(match.get('root_cause', ''), 400)}")
    fix = match.get("recommended_fix")
    if fix:
        print(f"\nrecommended fix {fix['id']}: {fix.get('title', '')}")
        print(f"   verification: {fix.get('verification', '')}")
        if fix.get("applies_when"):
            print(f"   applies when: {fix['applies_when']}")
        if match.get("preference_reason"):
            print(f"   why first: {clip(match['preference_reason'], 200)}")
        if fix.get("language_note"):
            print(f"   note: {fix['language_note']}")
        if fix.get("summary"):
            print(textwrap.indent(textwrap.fill(fix["summary"], 96), "   "))
        print(textwrap.indent(fix.get("code", "").rstrip(), "    "))
    for other in match.get("other_fixes", []):
        print(f"   other fix {clip(other, 110)}")


def print_differential(answer: dict[str, Any]) -> None:
    """The causes the message fits and what confirms each, when the trace cannot choose."""
    candidates = answer.get("differential") or []
    titles = {r["id"]: r.get("title", "") for r in answer.get("results", [])}
    if candidates:
        print("\ndifferential: the message fits several causes; what confirms each:")
    for c in candidates:
        print(f"   {c['entry']}: {titles.get(c['entry'], '')}")
        print(f"      confirmed when: {clip(c.get('confirm', ''), 200)}")


def print_search(answer: dict[str, Any]) -> None:
    """A compact reading of a search answer (brief or full)."""
    results = answer.get("results", [])
    if answer.get("status") == "matched":
        print(f"matched: {len(results)} result(s), the first is confident")
    else:
        print("no_match: errata has no entry that confidently matches this error")
    if answer.get("trace_language"):
        print(f"trace language: {answer['trace_language']}")
    match = answer.get("answer") or {}
    for rank, item in enumerate(results, 1):
        sure = "confident" if item.get("confident") else "not confident"
        known = item if "origin" in item else match if match.get("id") == item["id"] else None
        origin = f"  [{trust(known)}]" if known else ""
        print(f"\n{rank}. {item['id']}  score {item.get('score', 0):.2f}  {sure}{origin}")
        print(f"   {item.get('title', '')}")
        if item.get("why") and item.get("confident"):
            print(f"   why: {clip(item['why'], 160)}")
        for fix in item.get("fixes", []) if item.get("confident") else []:
            print(f"   fix {fix['id']}: {clip(fix.get('title', ''), 90)} ({fix_status(fix)})")
            if fix.get("language_note"):
                print(f"      note: {fix['language_note']}")
    print_differential(answer)
    if match:
        print_recommended(match)
    if results:
        print(f"\nfull entry with code: python3 scripts/errata.py entry {results[0]['id']}")
    if answer.get("next_step"):
        print(f"next step: {answer['next_step']}")


def fix_status(fix: dict[str, Any]) -> str:
    """A fix's verification in a few words: the label describes the code shown."""
    check = fix.get("verification") or {}
    label = check.get("label") or check.get("status", "unverified")
    return f"{label}; {check.get('passed', 0)}/{check.get('total', 0)} snippets passed"


def print_entry(entry: dict[str, Any]) -> None:
    """The whole entry, code included, as plain text."""
    print(f"{entry['id']}: {entry.get('title', '')}  [{trust(entry)}]")
    print("\nsymptoms:")
    for symptom in entry.get("symptoms", []):
        print(f"  - {clip(symptom, 200)}")
    print("\nroot cause:")
    print(textwrap.indent(textwrap.fill(entry.get("root_cause", ""), 96), "  "))
    for fix in entry.get("fixes", []):
        counts = fix.get("outcomes") or {}
        reported = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no reports yet"
        print(f"\nfix {fix['id']}: {fix.get('title', '')}  (agents: {reported})")
        if fix.get("explanation"):
            print(textwrap.indent(textwrap.fill(fix["explanation"], 96), "  "))
        for snippet in fix.get("snippets", []):
            check = snippet.get("verification") or {}
            words = check.get("shown") or check.get("status", "unverified").replace("_", " ")
            state = words + (" (stale)" if check.get("stale") else "")
            error = f": {clip(check['error'], 120)}" if check.get("error") else ""
            print(f"\n  snippet {snippet['id']} ({snippet.get('file', '')}) - {state}{error}")
            print(textwrap.indent(snippet.get("code", "").rstrip(), "    "))
    print(f"\nreport: python3 scripts/errata.py report {entry['id']} FIX_ID worked|did_not_work")


# --- Commands --------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    """Search errata for a trace: `errata.py search "Traceback ..."`."""
    if args.limit < 1 or args.limit > 50:
        raise Failure("--limit must be between 1 and 50", EXIT_BAD_INPUT)
    body: dict[str, Any] = {
        "query": read_trace(args.trace),
        "limit": args.limit,
        "detail": args.detail,
    }
    if args.language:
        body["language"] = args.language
    answer = call(args, "POST", "/api/search", body)
    if not isinstance(answer, dict) or answer.get("status") not in ("matched", "no_match"):
        raise Failure(
            "the server's search answer has no status; is it an errata server?", EXIT_SERVER
        )
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        print_search(answer)
    return EXIT_OK if answer["status"] == "matched" else EXIT_NO_MATCH


def cmd_entry(args: argparse.Namespace) -> int:
    """Print one entry with its fixes and code: `errata.py entry agent-holds-lock-too-long`."""
    entry_id = args.entry_id.strip()
    if not entry_id:
        raise Failure("give an entry id, as printed by `search`", EXIT_BAD_INPUT)
    entry = call(args, "GET", f"/api/entries/{urllib.parse.quote(entry_id, safe='')}")
    if args.json:
        print(json.dumps(entry, indent=2, ensure_ascii=False))
    else:
        print_entry(entry)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Tell errata whether a fix worked: `errata.py report ENTRY FIX worked`."""
    if args.outcome not in OUTCOMES:
        raise Failure(
            f"OUTCOME must be one of {', '.join(OUTCOMES)}, not {args.outcome!r}", EXIT_BAD_INPUT
        )
    path = f"/api/entries/{urllib.parse.quote(args.entry_id.strip(), safe='')}/outcomes"
    body = {
        "fix_id": args.fix_id.strip(),
        "outcome": args.outcome,
        "details": args.details,
        "environment": args.environment,
    }
    answer = call(args, "POST", path, body)
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return EXIT_OK
    counts = answer.get("counts") if isinstance(answer, dict) else None
    tally = ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items()))
    print(f"recorded: {args.outcome} for {args.entry_id} fix {args.fix_id}")
    if tally:
        print(f"reports on this fix so far: {tally}")
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    """Contribute a new entry from a JSON file: `errata.py submit entry.json`."""
    answer = call(args, "POST", "/api/submissions", read_json_file(args.file))
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not isinstance(answer, dict) or not answer.get("id"):
        raise Failure("the server's answer has no submission id", EXIT_SERVER)
    print(f"submitted: {answer['id']} ({answer.get('status', 'pending')})")
    print("it is verified in errata's sandbox, then reviewed by a maintainer")
    if answer.get("duplicate_of"):
        print(f"it looks like entry {answer['duplicate_of']}: check that one first")
    status_url = answer.get("status_url") or f"/api/submissions/{answer['id']}"
    if status_url.startswith("/"):
        status_url = base_url(args.url) + status_url
    print(f"follow it: {status_url}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the server's raw JSON")
    common.add_argument(
        "--url",
        help=f"errata server (default: $ERRATA_URL, the server installed from, or {DEFAULT_URL})",
    )
    common.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds")
    top = argparse.ArgumentParser(prog="errata.py", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    search = commands.add_parser("search", parents=[common], help="match a trace or behaviour")
    search.add_argument("trace", nargs="?", help="the trace; omit or '-' to read stdin")
    search.add_argument("--limit", type=int, default=5, help="results, 1-50 (default 5)")
    search.add_argument("--language", help="e.g. python, to prefer entries in that language")
    search.add_argument(
        "--detail", choices=("brief", "full"), default="brief", help="brief: one recommended fix"
    )
    search.set_defaults(run=cmd_search)
    entry = commands.add_parser("entry", parents=[common], help="one entry with its code")
    entry.add_argument("entry_id", metavar="ID")
    entry.set_defaults(run=cmd_entry)
    report = commands.add_parser("report", parents=[common], help="say whether a fix worked")
    report.add_argument("entry_id", metavar="ENTRY")
    report.add_argument("fix_id", metavar="FIX")
    report.add_argument("outcome", metavar="OUTCOME", help=" | ".join(OUTCOMES))
    report.add_argument("--details", default="", help="what happened, briefly")
    report.add_argument("--environment", default="", help="e.g. python 3.12, sqlalchemy 2.0")
    report.set_defaults(run=cmd_report)
    submit = commands.add_parser("submit", parents=[common], help="contribute a new entry")
    submit.add_argument("file", metavar="FILE", help="JSON file ('-' for stdin)")
    submit.set_defaults(run=cmd_submit)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; print errors on stderr and return the exit code."""
    args = parser().parse_args(argv)
    if args.timeout <= 0:
        print("errata: --timeout must be positive", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except Failure as failure:
        print(f"errata: {failure}", file=sys.stderr)
        return failure.code
    except (KeyError, TypeError, AttributeError) as exc:
        print(f"errata: unexpected answer from the server ({exc!r})", file=sys.stderr)
        return EXIT_SERVER
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
