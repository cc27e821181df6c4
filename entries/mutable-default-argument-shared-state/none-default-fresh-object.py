"""Defaults are evaluated once: default to None and build a fresh object per call."""

from dataclasses import dataclass, field

# WRONG: one list shared by every Agent built without tools, and by every call of remember().
#     class Agent:
#         def __init__(self, name, tools=[]):
#             self.tools = tools
#     def remember(message, history=[]):
#         history.append(message); return history


class Agent:
    def __init__(self, name: str, tools: list | None = None) -> None:
        self.name = name
        self.tools = [] if tools is None else list(tools)  # a copy: the caller's list stays theirs

    def add_tool(self, tool: str) -> None:
        self.tools.append(tool)


def remember(message: str, history: list | None = None) -> list:
    history = [] if history is None else history
    history.append(message)
    return history


@dataclass
class AgentConfig:
    name: str
    tools: list = field(default_factory=list)
    memory: dict = field(default_factory=dict)
