"""Closures see variables, not values: bind the loop value when each function is created."""

from functools import partial

# WRONG: every lambda reads `name` when called, after the loop ended -> all use the last name.
#     tools = {name: (lambda query: call_endpoint(name, query)) for name in ENDPOINTS}


def make_tool(name: str):
    """A factory gives each closure its own scope, holding its own name."""

    def tool(query: str) -> str:
        return call_endpoint(name, query)

    tool.__name__ = f"tool_{name}"
    return tool


def build_tools(names: list[str]) -> dict:
    return {name: make_tool(name) for name in names}


def build_tools_with_partial(names: list[str]) -> dict:
    return {name: partial(call_endpoint, name) for name in names}


def build_callbacks(items: list) -> list:
    """Default-argument form: short; the default is evaluated at creation time."""
    return [lambda item=item: handle(item) for item in items]
