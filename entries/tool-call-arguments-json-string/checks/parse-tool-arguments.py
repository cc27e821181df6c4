"""Reading arguments as a dict fails on the JSON string the API sends; parse_arguments returns the
dict for a string, a doubly encoded string, a dict and an empty string, and refuses lists and
broken JSON with a message the model can read."""

import json

from errata_check import load_snippet, record

# The shape of an OpenAI chat-completions tool call (message.tool_calls[0]).
tool_call = {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "c"}'}}

failures = {}
args = tool_call["function"]["arguments"]
try:
    args.get("city")
except AttributeError as error:
    failures["get"] = str(error)
try:
    args["city"]
except TypeError as error:
    failures["index"] = str(error)
assert failures["get"] == "'str' object has no attribute 'get'", failures
assert failures["index"].startswith("string indices must be integers"), failures
try:
    json.loads({"city": "Paris"})  # some servers send a dict: loading it again fails too
except TypeError as error:
    failures["loads_dict"] = str(error)
assert "not dict" in failures["loads_dict"], failures

ns = load_snippet()
parse, Error = ns["parse_arguments"], ns["ToolArgumentsError"]
assert parse(args) == {"city": "Paris", "unit": "c"}
assert parse(json.dumps(args)) == {"city": "Paris", "unit": "c"}  # encoded twice
assert parse({"city": "Paris"}) == {"city": "Paris"}
assert parse("") == {} and parse(None) == {}
refused = {}
for name, raw in {"list": "[1, 2]", "broken": '{"city": "Par', "number": "3"}.items():
    try:
        parse(raw)
        raise AssertionError(f"{name} accepted")
    except Error as error:
        refused[name] = str(error)
assert "must be a JSON object, got list" in refused["list"] and "not valid JSON" in refused["broken"]

def get_weather(city: str, unit: str = "c") -> str:
    return f"{city}: 18 {unit.upper()}"

tools = {"get_weather": get_weather}
assert ns["run_tool_call"](tool_call, tools) == "Paris: 18 C"
broken_call = {"function": {"name": "get_weather", "arguments": '{"city": '}}
assert ns["run_tool_call"](broken_call, tools).startswith("error: tool arguments are not valid JSON")
record(naive_failures=failures, refused=sorted(refused))
