"""Data nested deeper than the recursion limit (a 100,000-node linked list, a tree of a long
parse, a phylogeny or a clustering tree) cannot be pickled, deep-copied or walked by code that
recurses once per level: pickle, copy.deepcopy, json.dumps and repr all do.

WRONG:
    class TreeNode:
        def __init__(self, value, children=()):
            self.value, self.children = value, list(children)
    pickle.dumps(root)      # RecursionError: maximum recursion depth exceeded while pickling an object
    copy.deepcopy(root)     # RecursionError: maximum recursion depth exceeded
    def depth(node): return 1 + max((depth(c) for c in node.children), default=0)

RIGHT: let the node pickle (and deep-copy) itself as a flat list of rows, built with an explicit
stack; write algorithms over the data with an explicit stack too. Depth no longer matters.
"""

from __future__ import annotations

from typing import Any


class TreeNode:
    """A tree (or, with one child each, a linked list) that pickles and copies flat."""

    def __init__(self, value: Any, children: list[TreeNode] | None = None) -> None:
        self.value = value
        self.children = list(children or [])

    def __reduce__(self) -> tuple[Any, tuple[list[tuple[Any, int]]]]:
        # pickle and copy.deepcopy call this: one flat list instead of one level per node
        return (tree_from_rows, (tree_to_rows(self),))


def tree_to_rows(root: TreeNode) -> list[tuple[Any, int]]:
    """(value, index of the parent row or -1), parents before children, in preorder."""
    rows: list[tuple[Any, int]] = []
    stack = [(root, -1)]
    while stack:
        node, parent = stack.pop()
        rows.append((node.value, parent))
        here = len(rows) - 1
        stack.extend((child, here) for child in reversed(node.children))
    return rows


def tree_from_rows(rows: list[tuple[Any, int]]) -> TreeNode:
    """The tree tree_to_rows flattened, children in their original order."""
    nodes: list[TreeNode] = []
    for value, parent in rows:
        node = TreeNode(value)
        nodes.append(node)
        if parent >= 0:
            nodes[parent].children.append(node)
    return nodes[0]


def depth(root: TreeNode) -> int:
    """The number of levels, with an explicit stack instead of one call per level."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.children)
    return deepest
