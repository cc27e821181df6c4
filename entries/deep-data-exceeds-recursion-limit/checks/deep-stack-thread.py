"""A 100,000-node linked list: pickle on the default limit raises RecursionError; a child process
that only raises sys.setrecursionlimit dies on a signal (the C stack overflows); the snippet's
run_with_deep_stack pickles it, runs a recursive function 100,000 levels deep and deep-copies a
30,000-node chain, then restores the limit and the stack size."""

import copy
import pickle
import resource
import subprocess
import sys
import threading

from errata_check import load_snippet, record

LENGTH = 100_000
CHILD = """
import pickle, sys
class Node:
    def __init__(self, value, next=None):
        self.value, self.next = value, next
head = None
for value in range(100_000):
    head = Node(value, head)
sys.setrecursionlimit(1_000_000)
pickle.dumps(head)
print("pickled")
"""


class Node:
    def __init__(self, value, next=None):
        self.value, self.next = value, next


def chain(length):
    head = None
    for value in reversed(range(length)):
        head = Node(value, head)
    return head


def length_of(node):
    return 0 if node is None else 1 + length_of(node.next)


def default_stack():
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    size = 8 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_STACK, (size if hard == resource.RLIM_INFINITY else min(size, hard), hard))


head = chain(LENGTH)
try:
    pickle.dumps(head)
    raise AssertionError("no RecursionError")
except RecursionError as error:
    default_message = str(error)
assert "maximum recursion depth exceeded" in default_message

child = subprocess.run(
    [sys.executable, "-S", "-c", CHILD], capture_output=True, text=True, timeout=60, preexec_fn=default_stack
)
assert child.returncode != 0 and "pickled" not in child.stdout, (child.returncode, child.stdout, child.stderr[-300:])

ns = load_snippet()
run_with_deep_stack = ns["run_with_deep_stack"]
limit_before, size_before = sys.getrecursionlimit(), threading.stack_size()
data = run_with_deep_stack(pickle.dumps, head, recursion_limit=350_000)
back = run_with_deep_stack(pickle.loads, data)
assert run_with_deep_stack(length_of, back, recursion_limit=LENGTH + 1_000) == LENGTH
short = chain(30_000)
copied = run_with_deep_stack(copy.deepcopy, short, recursion_limit=130_000)
assert copied is not short and run_with_deep_stack(length_of, copied) == 30_000
try:
    run_with_deep_stack(length_of, head, recursion_limit=10_000)
    raise AssertionError("a limit below the depth did not raise")
except RecursionError:
    pass
assert (sys.getrecursionlimit(), threading.stack_size()) == (limit_before, size_before)
record(
    length=LENGTH,
    default_message=default_message,
    limit_only_exit_code=child.returncode,
    limit_only_stderr=child.stderr.strip()[-200:],
    pickle_bytes=len(data),
)
