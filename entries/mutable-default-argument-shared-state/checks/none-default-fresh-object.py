"""The shared default leaks between agents and calls; the None default does not."""

import dataclasses

from errata_check import load_snippet, record


class WrongAgent:
    def __init__(self, name, tools=[]):  # noqa: B006 - the defect being shown
        self.name = name
        self.tools = tools

    def add_tool(self, tool):
        self.tools.append(tool)


def wrong_remember(message, history=[]):  # noqa: B006
    history.append(message)
    return history


researcher = WrongAgent("researcher")
researcher.add_tool("shell")
writer = WrongAgent("writer")
assert writer.tools == ["shell"], writer.tools  # the leak
wrong_remember("a")
assert wrong_remember("b") == ["a", "b"]
try:
    dataclasses.make_dataclass("Bad", [("tools", list, dataclasses.field(default=[]))])
    refused = ""
except ValueError as exc:
    refused = str(exc)
assert "mutable default" in refused, refused

ns = load_snippet()
Agent, remember, AgentConfig = ns["Agent"], ns["remember"], ns["AgentConfig"]
a = Agent("researcher")
a.add_tool("shell")
b = Agent("writer")
assert b.tools == [] and a.tools == ["shell"]
mine = ["search"]
c = Agent("coder", mine)
c.add_tool("shell")
assert mine == ["search"] and c.tools == ["search", "shell"]
remember("a")
assert remember("b") == ["b"]
kept = []
assert remember("x", kept) is kept and kept == ["x"]
one, two = AgentConfig("one"), AgentConfig("two")
one.tools.append("shell")
one.memory["k"] = 1
assert two.tools == [] and two.memory == {}
record(wrong_leaked_tools=len(writer.tools), fixed_leaked_tools=len(b.tools))
