"""A program printing 100,000 lines into `head -n 3`: the plain one prints BrokenPipeError,
the wrapped one says nothing and exits 141."""

import shlex
import subprocess
import sys
from pathlib import Path

from errata_check import load_snippet, record

load_snippet()  # the snippet itself must load; the programs below run it as a script
body = "def main():\n    for i in range(100_000):\n        print(f'row {i}')\n"
plain = Path("plain.py")
plain.write_text(body + "main()\n", encoding="utf-8")
wrapped = Path("wrapped.py")
wrapped.write_text(
    Path("snippet.py").read_text(encoding="utf-8") + "\n" + body + "sys.exit(run_cli(main))\n",
    encoding="utf-8",
)


def pipe_to_head(script: Path) -> tuple[str, str, int]:
    python = shlex.quote(sys.executable)
    shell = f"{python} {script}; echo \"status=$?\" >&2"
    done = subprocess.run(
        ["sh", "-c", f"({shell}) | head -n 3"], capture_output=True, text=True, timeout=60
    )
    return done.stdout, done.stderr, done.returncode


out, err, _ = pipe_to_head(plain)
assert out == "row 0\nrow 1\nrow 2\n"
assert "BrokenPipeError: [Errno 32] Broken pipe" in err and "status=1" in err, err
out, err, _ = pipe_to_head(wrapped)
assert out == "row 0\nrow 1\nrow 2\n"
assert err == "status=141\n", err
record(plain_error="BrokenPipeError: [Errno 32] Broken pipe", wrapped_status=141)
