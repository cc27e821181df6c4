"""A 100,000-node linked list and a 100,000-deep list of lists make pickle, copy.deepcopy and a
recursive depth() raise RecursionError; the snippet's TreeNode pickles, copies and measures the
same chain (and a branching tree) with its shape kept."""

import copy
import pickle
import time

from errata_check import load_snippet, record

LENGTH = 100_000


class NaiveNode:
    def __init__(self, value, children=None):
        self.value = value
        self.children = list(children or [])


def naive_depth(node):
    return 1 + max((naive_depth(child) for child in node.children), default=0)


def chain(cls, length):
    head = cls(length - 1)
    for value in reversed(range(length - 1)):
        head = cls(value, [head])
    return head


def recursion_message(action) -> str:
    try:
        action()
    except RecursionError as error:
        assert "maximum recursion depth exceeded" in str(error), error
        return str(error)
    raise AssertionError("no RecursionError")


naive = chain(NaiveNode, LENGTH)
nested = []
for _ in range(LENGTH):
    nested = [nested]
messages = {
    "pickle_objects": recursion_message(lambda: pickle.dumps(naive)),
    "pickle_lists": recursion_message(lambda: pickle.dumps(nested)),
    "deepcopy": recursion_message(lambda: copy.deepcopy(naive)),
    "depth": recursion_message(lambda: naive_depth(naive)),
}
assert messages["pickle_lists"].endswith("while pickling an object"), messages

ns = load_snippet()
TreeNode, depth = ns["TreeNode"], ns["depth"]
head = chain(TreeNode, LENGTH)
started = time.perf_counter()
data = pickle.dumps(head)
back = pickle.loads(data)
pickle_ms = (time.perf_counter() - started) * 1000
copied = copy.deepcopy(head)
for tree in (back, copied):
    assert isinstance(tree, TreeNode) and tree is not head
    assert depth(tree) == LENGTH
    assert [value for value, _ in ns["tree_to_rows"](tree)] == list(range(LENGTH))

tree = TreeNode("root", [TreeNode("a", [TreeNode("a1"), TreeNode("a2")]), TreeNode("b")])
rows = ns["tree_to_rows"](tree)
assert rows == [("root", -1), ("a", 0), ("a1", 1), ("a2", 1), ("b", 0)], rows
assert ns["tree_to_rows"](pickle.loads(pickle.dumps(tree))) == rows
assert ns["tree_to_rows"](copy.deepcopy(tree)) == rows
assert depth(tree) == 3
record(length=LENGTH, pickle_bytes=len(data), pickle_round_trip_ms=round(pickle_ms), messages=messages)
