"""A static review of a snippet and its check: constructs that can tamper with their own run.

The verdict channel (boot.py) stops exit codes and printed lines from deciding a run, but code
in the same process as its check can still attack a determined check. This review reads the
code (pure `ast`, nothing runs) and flags what such an attack needs: leaving early
(`os._exit`, `atexit`, a top-level `sys.exit`), tracing or frame tricks, patching `builtins`,
`sys.modules` or `errata_check`, raw file descriptors, `/proc/self`, probing the sandbox,
signal handlers, `ctypes`, and code built at run time (JavaScript: review_js.py). A flag is
not a verdict: some fixes need these (a SIGTERM handler), so a flagged run waits for a
maintainer's look.
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass
from typing import Any

from .review_js import review_js
from .review_rules import ATTRIBUTES, CHECK_API, MODULES, NAMES, PROBE_TEXT, TOP_LEVEL_EXITS

PROC = re.compile(r"/proc/(self|thread-self|\d|\{)")
NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True, order=True)
class Flag:
    """One construct the review flagged: where, what kind (`code`) and why it matters."""

    file: str  # "snippet" or "check"
    line: int
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored with the run)."""
        return asdict(self)


def review(code: str, check_code: str | None = None, language: str = "python") -> list[Flag]:
    """Flags of a snippet and its check, sorted; Python that does not parse has none.

    JavaScript and TypeScript are read by pattern (review_js.py)."""
    read = _review_file if language.lower() == "python" else _review_js
    flags = read(code, "snippet")
    if check_code is not None:
        flags += read(check_code, "check")
    return sorted(set(flags))


def _review_js(source: str, file: str) -> list[Flag]:
    return [Flag(*found) for found in review_js(source, file)]


def _review_file(source: str, file: str) -> list[Flag]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    reviewer = _Reviewer(file)
    reviewer.visit(tree)
    reviewer.top_level(tree.body)
    return reviewer.flags


class _Reviewer(ast.NodeVisitor):
    """Walks one file, resolving import aliases (`from os import _exit as bye`)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.aliases: dict[str, str] = {}
        self.flags: list[Flag] = []

    def flag(self, node: ast.AST, code: str, message: str) -> None:
        self.flags.append(Flag(self.file, getattr(node, "lineno", 0), code, message))

    def dotted(self, node: ast.AST) -> str:
        """`os.path.join` for that expression, aliases resolved; "" when not a plain name."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else ""
        return ""

    # -- imports ------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.aliases[(alias.asname or alias.name).split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )
            self._module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._module(node, module)
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
            self._name(node, f"{module}.{alias.name}")
            if module == "errata_check" and self.file == "check" and alias.name not in CHECK_API:
                self.flag(node, "errata-check", f"imports errata_check.{alias.name}")

    def _module(self, node: ast.AST, module: str) -> None:
        root = module.split(".")[0]
        if module in MODULES or root in MODULES:
            code, message = MODULES.get(module) or MODULES[root]
            self.flag(node, code, message)
        if root == "errata_check" and self.file == "snippet":
            self.flag(node, "errata-check", "the snippet imports the harness's errata_check")

    # -- names, calls, writes -----------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag(node, "builtins-patch", "touches __builtins__")
        self._name(node, self.aliases.get(node.id, node.id))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.dotted(node)
        if name:
            self._name(node, name)
        if node.attr in ATTRIBUTES:
            code, message = ATTRIBUTES[node.attr]
            self.flag(node, code, f".{node.attr} {message}")
        if name.startswith("errata_check._"):
            self.flag(node, "errata-check", f"touches the harness's private {name}")
        self.generic_visit(node)

    def _name(self, node: ast.AST, name: str) -> None:
        if name in NAMES:
            code, message = NAMES[name]
            self.flag(node, code, message)

    def visit_Call(self, node: ast.Call) -> None:
        name = self.dotted(node.func)
        if name in ("setattr", "delattr") and node.args:
            self._write(node, node.args[0])
        first = node.args[0] if node.args else None
        if name == "open" and isinstance(first, ast.Constant) and isinstance(first.value, int):
            self.flag(node, "raw-fd", "opens a raw file descriptor by number")
        if name.startswith("sys.modules.") and name.split(".")[-1] != "get":
            self.flag(node, "sys-modules", f"calls {name}: changes which modules code gets")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._write(node, target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._write(node, node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._write(node, target)
        self.generic_visit(node)

    def _write(self, node: ast.AST, target: ast.AST) -> None:
        """Flag a write (assignment, del, setattr) into builtins, sys.modules or errata_check."""
        while isinstance(target, ast.Subscript | ast.Attribute):
            target = target.value
            name = self.dotted(target)
            for root, code in (
                ("builtins", "builtins-patch"),
                ("sys.modules", "sys-modules"),
                ("errata_check", "errata-check"),
            ):
                if name == root or name.startswith(root + "."):
                    self.flag(node, code, f"changes {name}")
                    return

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            self.generic_visit(node)  # a docstring or bare text is prose, not a probe

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            if PROC.search(node.value):
                self.flag(node, "proc-self", "reads /proc about its own process")
            lowered = node.value.lower()
            for text in PROBE_TEXT:
                if text in lowered:
                    self.flag(node, "sandbox-probe", f"mentions {text!r}: detects the sandbox")
        elif node.value == 65534 and not isinstance(node.value, bool):
            self.flag(node, "sandbox-probe", "compares with the sandbox's uid 65534")

    # -- leaving early at top level -----------------------------------------------------

    def top_level(self, body: list[ast.stmt]) -> None:
        """Flag `sys.exit`, `exit()`, `quit()` and `raise SystemExit` outside functions."""
        for statement in body:
            for node in _walk_outside_scopes(statement):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    if self.dotted(exc) in ("SystemExit", "builtins.SystemExit"):
                        self.flag(node, "top-level-exit", "raises SystemExit at top level")
                if isinstance(node, ast.Call) and self.dotted(node.func) in TOP_LEVEL_EXITS:
                    self.flag(node, "top-level-exit", "exits at top level")


def _walk_outside_scopes(node: ast.AST) -> list[ast.AST]:
    """Every node under `node` that is not inside a function, class or lambda."""
    found: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, NESTED_SCOPES):
            continue
        found.append(current)
        stack.extend(ast.iter_child_nodes(current))
    return found
