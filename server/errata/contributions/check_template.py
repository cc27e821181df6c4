"""The check templates the contribution form shows beside its check field (Python, and
JavaScript/TypeScript), each with the fix it fits.

The pair is run in the real sandbox by the test suite (tests/test_contribute.py), so the
template a contributor starts from is known to pass when filled in as shown.
"""

from __future__ import annotations

CHECK_TEMPLATE = """\
from errata_check import load_snippet, record


# Stand-ins for the reader's own application (never for what your fix must import itself).
def fetch_user(user_id):
    return {"id": user_id, "name": "Ada"}


ns = load_snippet({"fetch_user": fetch_user})  # runs your code; returns the names it defines
name = ns["user_name"](7)  # call what your fix defines, as a reader would
assert name == "Ada", name  # the behaviour your fix claims
record(calls=1)  # optional figures, shown beside the verdict
"""

EXAMPLE_CODE = """\
def user_name(user_id):
    return fetch_user(user_id)["name"]
"""

JS_CHECK_TEMPLATE = """\
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

// Stand-ins for the reader's own application (never for what your fix must import itself).
const fetchUser = (userId) => ({ id: userId, name: "Ada" });

const { userName } = await loadSnippet({ fetchUser }); // runs your code; returns its exports
assert.equal(userName(7), "Ada"); // the behaviour your fix claims
record({ calls: 1 }); // optional figures, shown beside the verdict
"""

JS_EXAMPLE_CODE = """\
export function userName(userId) {
  return fetchUser(userId).name;
}
"""
