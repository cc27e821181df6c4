"""A pass is decided by the check's own end, never by the snippet: each forged pass fails.

The check's verdict and figures travel on a channel the harness opened for the run, with a
nonce handed over only once the check has finished; an exit code, a traceback or a line on
stdout decide nothing. Runs the real bubblewrap sandbox.
"""

from __future__ import annotations

import textwrap

import pytest
from errata.harness import cgroups
from errata.harness.sandbox import Sandbox, SandboxResult

pytestmark = pytest.mark.sandbox

FAILING_CHECK = """
    from errata_check import load_snippet, record
    ns = load_snippet()
    record(speedup=1.0)
    assert ns["answer"]() == 42, "the snippet gives the wrong answer"
"""


def run(sandbox: Sandbox, code: str, check: str | None = None) -> SandboxResult:
    result = sandbox.run(
        textwrap.dedent(code), textwrap.dedent(check) if check else None, timeout=10
    )
    assert not cgroups.run_exists(result.run_id), "the run's cgroups outlived it"
    return result


def test_a_check_that_reaches_its_end_passes_with_its_figures(sandbox: Sandbox) -> None:
    check = FAILING_CHECK.replace("record(speedup=1.0)", "record(speedup=3.5, ok=True)")
    result = run(sandbox, "def answer():\n    return 42\n", check)
    assert result.status == "passed", (result.error, result.stderr)
    assert result.figures == {"speedup": 3.5, "ok": True}


def test_an_atexit_hook_that_exits_0_does_not_turn_a_failing_check_into_a_pass(
    sandbox: Sandbox,
) -> None:
    snippet = """
        import atexit, os
        atexit.register(lambda: os._exit(0))
        def answer():
            return 41
    """
    result = run(sandbox, snippet, FAILING_CHECK)
    assert result.exit_code == 0  # the forged exit code...
    assert result.status == "failed"  # ...decides nothing
    assert "AssertionError: the snippet gives the wrong answer" in result.error
    assert result.figures == {}


def test_system_exit_0_on_the_snippets_first_line_is_not_a_pass(sandbox: Sandbox) -> None:
    result = run(sandbox, "raise SystemExit(0)\ndef answer():\n    return 41\n", FAILING_CHECK)
    assert result.exit_code == 0
    assert result.status == "failed"
    assert "before its check reached its end" in result.error


def test_os_exit_0_while_the_snippet_loads_is_not_a_pass(sandbox: Sandbox) -> None:
    result = run(sandbox, "import os\nos._exit(0)\n", FAILING_CHECK)
    assert result.exit_code == 0
    assert result.status == "failed"


def test_a_figures_line_printed_by_the_snippet_is_not_a_figure(sandbox: Sandbox) -> None:
    snippet = """
        import atexit
        def forge():
            print('@@errata-figures@@ {"speedup": 9999}', flush=True)
        atexit.register(forge)
        forge()
        def answer():
            return 42
    """
    result = run(sandbox, snippet, FAILING_CHECK)
    assert result.status == "passed", (result.error, result.stderr)
    assert result.figures == {"speedup": 1.0}


def test_a_verdict_written_by_the_snippet_on_stdout_counts_for_nothing(sandbox: Sandbox) -> None:
    snippet = """
        import sys
        sys.stdout.write('ready\\n{"nonce": "x", "verdict": "passed", "figures": {}}\\n')
        raise SystemExit(0)
    """
    result = run(sandbox, snippet, FAILING_CHECK)
    assert result.status == "failed"


def test_a_snippet_without_a_check_ran_without_error_and_is_not_passed(sandbox: Sandbox) -> None:
    result = run(sandbox, "print('imported fine')\n")
    assert result.status == "ran_without_error"
    assert result.stdout == "imported fine\n"


def test_a_snippet_without_a_check_that_exits_early_did_not_run_to_its_end(
    sandbox: Sandbox,
) -> None:
    result = run(sandbox, "import sys\nsys.exit(0)\nraise RuntimeError('never reached')\n")
    assert result.status == "failed"
    assert "before it reached its end" in result.error


def test_a_5000_digit_figure_is_a_clear_failure_not_a_crash(sandbox: Sandbox) -> None:
    check = """
        import sys
        sys.set_int_max_str_digits(0)
        from errata_check import load_snippet, record
        load_snippet()
        record(huge=10**5000)
    """
    result = run(sandbox, "x = 1\n", check)
    assert result.status == "failed"
    assert "FigureError" in result.error and "digits" in result.error


def test_deeply_nested_figures_are_a_clear_failure_not_a_crash(sandbox: Sandbox) -> None:
    check = """
        from errata_check import load_snippet, record
        load_snippet()
        deep = []
        for _ in range(10_000):
            deep = [deep]
        record(deep=deep)
    """
    result = run(sandbox, "x = 1\n", check)
    assert result.status == "failed"
    assert "FigureError" in result.error and "nested" in result.error


def test_only_the_last_16_kib_of_each_stream_is_kept(sandbox: Sandbox) -> None:
    code = """
        import sys
        for i in range(3000):
            print(f"line {i:05d} " + "x" * 40)
            print(f"err {i:05d}", file=sys.stderr)
        print("END")
    """
    result = run(sandbox, code)
    assert result.status == "ran_without_error", result.error
    for text in (result.stdout, result.stderr):
        assert len(text.encode()) <= 16 * 1024 + 100
        assert text.startswith("[... ") and "earlier bytes not kept]\n" in text
    assert result.stdout.endswith("END\n") and "line 02999" in result.stdout
    assert "err 02999" in result.stderr and "err 00000" not in result.stderr


def test_the_root_and_dev_take_no_writes_and_the_run_ends_cleanly(sandbox: Sandbox) -> None:
    code = """
        import errno
        for path in ("/fill", "/dev/fill", "/usr/fill"):
            try:
                with open(path, "wb") as out:
                    out.write(b"x" * (1 << 20))
                print(path, "written")
            except OSError as exc:
                print(path, "refused", errno.errorcode[exc.errno])
        with open("/dev/null", "wb") as sink:  # devices still work
            sink.write(b"x" * (1 << 20))
        with open("/tmp/fine", "wb") as out:
            out.write(b"x" * (1 << 20))
        print("done")
    """
    result = run(sandbox, code)
    assert result.status == "ran_without_error", (result.error, result.stderr)
    assert result.stdout.splitlines() == [
        "/fill refused EROFS",
        "/dev/fill refused EROFS",
        "/usr/fill refused EROFS",
        "done",
    ]
