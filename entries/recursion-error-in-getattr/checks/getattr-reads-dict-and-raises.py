"""The naive proxy recurses on missing state; the fixed one raises AttributeError."""

import copy
import pickle
import sys

from errata_check import load_snippet, record


class Client:
    """The reader's wrapped object."""

    def __init__(self) -> None:
        self.model = "gpt"

    def ask(self, q: str) -> str:
        return f"answer to {q}"


class NaiveProxy:
    def __init__(self, wrapped):
        self._wrapped = wrapped

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


sys.modules["__main__"].NaiveProxy = NaiveProxy
failures = []
blank = NaiveProxy.__new__(NaiveProxy)  # what pickle and copy do: no __init__
for action in (lambda: blank.model, lambda: copy.deepcopy(blank)):
    try:
        action()
    except RecursionError as exc:
        failures.append(str(exc))
assert len(failures) == 2 and all("maximum recursion depth" in f for f in failures), failures

ns = load_snippet()
Proxy = ns["Proxy"]
proxy = Proxy(Client())
assert proxy.model == "gpt" and proxy.ask("x") == "answer to x"
try:
    proxy.missing
    raised = ""
except AttributeError as exc:
    raised = str(exc)
assert "missing" in raised and "model" not in raised
assert not hasattr(proxy, "missing")
empty = Proxy.__new__(Proxy)
try:
    empty.model
    empty_error = ""
except AttributeError as exc:
    empty_error = type(exc).__name__
assert empty_error == "AttributeError"
clone = copy.deepcopy(proxy)
assert clone.ask("y") == "answer to y"
sys.modules["__main__"].Client = Client
restored = pickle.loads(pickle.dumps(proxy))
assert restored.model == "gpt"
record(wrong_recursion_errors=len(failures), fixed_recursion_errors=0)
