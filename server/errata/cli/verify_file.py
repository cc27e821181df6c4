"""`errata verify --file PATH [--check PATH] [--json]`: run one file in the sandbox, print it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import Settings
from ..harness.runtimes import UnknownLanguage, language_of_file
from ..harness.sandbox import Sandbox, SandboxUnavailable
from .terminal import printable

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3
MAX_FILE_BYTES = 1_048_576


def _read(path_text: str, what: str) -> str:
    path = Path(path_text)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"{what} {path} is larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} {path} is not UTF-8 text") from exc


def verify_file(args: argparse.Namespace, settings: Settings) -> int:
    """Run `args.file` (with `args.check` as the program, if given) in the sandbox.

    Each file's extension names its language: .py, .js/.mjs (JavaScript, as an ES module),
    .ts/.mts (TypeScript); a check and its snippet run under the same runtime.
    Exit status: 0 passed (or ran without error, with no check), 1 failed/timeout/error,
    2 bad input, 3 sandbox unavailable.
    """
    if args.ids or args.all or args.stale:
        print(
            "errata: --file runs one file; it takes no entry ids, --all or --stale", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    try:
        code = _read(args.file, "file")
        check = _read(args.check, "check") if args.check else None
        language = language_of_file(args.file)
        check_language = language_of_file(args.check) if args.check else None
    except ValueError as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sandbox = Sandbox.from_settings(settings)
    if not sandbox.available:
        print(
            f"errata: verification unavailable, nothing was run: {sandbox.reason}", file=sys.stderr
        )
        return EXIT_UNAVAILABLE
    try:
        result = sandbox.run(
            code,
            check,
            timeout=settings.verify_timeout_seconds,
            language=language,
            check_language=check_language,
        )
    except UnknownLanguage as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SandboxUnavailable as exc:
        print(f"errata: verification unavailable, nothing was run: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if args.json:
        fields = ("status", "exit_code", "duration_ms", "stdout", "stderr", "figures", "error")
        payload = {name: getattr(result, name) for name in fields}
        payload["python_version"] = result.python_version
        payload["sandbox_version"] = result.sandbox_version
        print(json.dumps(payload, indent=2))
    else:
        sys.stdout.write(printable(result.stdout))
        sys.stderr.write(printable(result.stderr))
        line = f"{result.status} in {result.duration_ms:.0f} ms"
        print(printable(line + (f": {result.error}" if result.error else "")), file=sys.stderr)
        if result.figures:
            print(f"figures: {json.dumps(result.figures, sort_keys=True)}", file=sys.stderr)
    return 0 if result.status in ("passed", "ran_without_error") else EXIT_FAILED
