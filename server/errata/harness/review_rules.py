"""What the static review (review.py) flags: names, modules, attributes and texts, with why."""

from __future__ import annotations

EXIT = ("os-exit", "ends the process at once: a check cut short looks finished to its exit code")
TRACING = ("tracing", "installs a trace, profile or audit hook: it can watch and steer the check")
FRAMES = ("frame-access", "reaches other frames or every object: it can read or change the check")
RAW_FD = ("raw-fd", "uses raw file descriptors: it can reach the run's verdict channel")
PROBE = ("sandbox-probe", "asks who it runs as: code that behaves differently when verified")
SIGNALS = ("signal-handler", "installs a signal handler or timer: it can interrupt the check")
DYNAMIC = ("dynamic-code", "runs code built at run time, out of this review's sight")

NAMES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("os._exit", "posix._exit", "os.abort"), EXIT),
    "atexit.register": ("atexit", "registers code to run after the check has finished"),
    **dict.fromkeys(
        (
            "sys.settrace",
            "sys.setprofile",
            "sys.addaudithook",
            "sys.monitoring",
            "threading.settrace",
            "threading.setprofile",
            "threading.settrace_all_threads",
            "threading.setprofile_all_threads",
        ),
        TRACING,
    ),
    **dict.fromkeys(
        (
            "sys._getframe",
            "sys._current_frames",
            "inspect.currentframe",
            "inspect.stack",
            "inspect.trace",
            "inspect.getouterframes",
            "inspect.getinnerframes",
            "gc.get_objects",
            "gc.get_referrers",
            "gc.get_referents",
            "gc.callbacks",
        ),
        FRAMES,
    ),
    **dict.fromkeys(
        (
            "os.write",
            "os.read",
            "os.fdopen",
            "os.dup",
            "os.dup2",
            "os.close",
            "os.closerange",
            "os.set_inheritable",
        ),
        RAW_FD,
    ),
    **dict.fromkeys(
        ("os.getuid", "os.geteuid", "os.getgid", "os.getegid", "os.getresuid", "os.getresgid"),
        PROBE,
    ),
    **dict.fromkeys(
        (
            "signal.signal",
            "signal.setitimer",
            "signal.alarm",
            "signal.set_wakeup_fd",
            "signal.pthread_kill",
            "signal.siginterrupt",
        ),
        SIGNALS,
    ),
    **dict.fromkeys(
        (
            "exec",
            "eval",
            "compile",
            "__import__",
            "importlib.import_module",
            "importlib.reload",
            "runpy.run_path",
            "runpy.run_module",
        ),
        DYNAMIC,
    ),
}

MODULES: dict[str, tuple[str, str]] = {
    "atexit": ("atexit", "imports atexit: code that runs after the check has finished"),
    "ctypes": ("ctypes", "imports ctypes: it can rewrite the interpreter's own memory"),
    "_ctypes": ("ctypes", "imports _ctypes: it can rewrite the interpreter's own memory"),
    "cffi": ("ctypes", "imports cffi: it can rewrite the interpreter's own memory"),
}

ATTRIBUTES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("f_back", "f_globals", "f_locals", "f_builtins", "tb_frame"), FRAMES),
    "add_signal_handler": SIGNALS,
}

TOP_LEVEL_EXITS = frozenset(
    ("sys.exit", "exit", "quit", "builtins.exit", "builtins.quit", "os._exit", "posix._exit")
)

PROBE_TEXT = (
    "bwrap",
    "bubblewrap",
    "seccomp",
    "sandbox",
    "cgroup",
    "boot.py",
    "check.py",
    "/.dockerenv",
)

# What a check may take from errata_check; anything else is the harness's own state.
CHECK_API = frozenset(
    {"load_snippet", "record", "scaled", "FixtureError", "FigureError", "SNIPPET_FILE"}
    | {"LATENCY_SCALE"}
)
