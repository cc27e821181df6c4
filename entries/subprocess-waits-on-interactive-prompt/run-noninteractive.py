"""Run a command so that a question it asks fails at once instead of waiting forever."""

import os
import re
import signal
import subprocess
from dataclasses import dataclass

# WRONG: stdin inherited from a terminal nobody watches, or a pipe nobody writes or closes:
#     proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE,
#                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
#     ... read proc.stdout / proc.stderr in threads, then proc.wait()
#     -> the last output is "[sudo] password for agent: " (or "Username for 'https://...':",
#        "Are you sure you want to continue connecting (yes/no/[fingerprint])?", "[Y/n]",
#        a pager's ":") and the call never returns, or a timeout kills it with no reason.

NON_INTERACTIVE_ENV = {
    "GIT_TERMINAL_PROMPT": "0",  # git: fail instead of asking for a username or password
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",  # ssh under git: no password or host-key question
    "GIT_PAGER": "cat",  # git log / diff / show: no pager waiting for a key
    "PAGER": "cat",
    "DEBIAN_FRONTEND": "noninteractive",  # apt / dpkg: no debconf dialog
}
PROMPTS = re.compile(
    r"\[sudo\] password for [^\n]*|password[^\n]*:|passphrase[^\n]*:|Username for [^\n]*"
    r"|continue connecting \([^\n]*\)\?|\[[Yy]/[Nn]\]|\([yY]/[nN]\)|Ok to proceed\?[^\n]*"
    r"|\(END\)|--More--",
    re.IGNORECASE,
)


@dataclass
class Finished:
    returncode: int
    output: str  # stdout and stderr merged, in the order the child wrote them


class CommandFailed(RuntimeError):
    """The command failed or timed out; the message names the prompt it stopped at."""


def run_noninteractive(args: list[str], *, timeout: float = 120.0, cwd: str | None = None) -> Finished:
    """Run args with no stdin and no terminal; kill its whole process group at the timeout."""
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,  # a read gets EOF at once: the prompt fails instead of waiting
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **NON_INTERACTIVE_ENV},
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened either
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and every grandchild holding the pipe
        output, _ = proc.communicate()
        raise CommandFailed(_reason(args, f"timed out after {timeout:g} s", output)) from None
    text = output.decode(errors="replace")
    if proc.returncode != 0:
        raise CommandFailed(_reason(args, f"exited with status {proc.returncode}", output))
    return Finished(proc.returncode, text)


def _reason(args: list[str], what: str, output: bytes) -> str:
    text = output.decode(errors="replace")
    prompts = PROMPTS.findall(text)
    if prompts:
        return (
            f"{args[0]} {what} at an interactive prompt: {prompts[-1].strip()!r}; it needs an"
            " answer nobody can type here: use its non-interactive flag or supply the input"
        )
    return f"{args[0]} {what}: {text.strip()[-2000:] or 'no output'}"
