"""json.dumps of an agent graph and of an error holding its request raises "Circular reference
detected"; safe_dumps marks true cycles only and error_for_log gives a short record."""

import json

from errata_check import load_snippet, record


class Request:
    def __init__(self, url: str) -> None:
        self.url = url
        self.response = None


class Response:
    def __init__(self, request: Request, status_code: int) -> None:
        self.request = request
        self.status_code = status_code
        request.response = self


class HTTPStatusError(Exception):
    def __init__(self, message: str, request: Request, response: Response) -> None:
        super().__init__(message)
        self.request, self.response = request, response


agent = {"name": "planner", "tools": []}
agent["tools"].append({"name": "search", "owner": agent})
pending = Request("https://api.example.com/v1")
Response(pending, 429)  # request -> response -> request
for value, options in ((agent, {}), ({"request": pending}, {"default": vars})):
    try:
        json.dumps(value, **options)
    except ValueError as error:
        assert str(error) == "Circular reference detected", error
    else:
        raise AssertionError("a cycle was serialised")

ns = load_snippet()
assert ns["safe_dumps"](agent) == '{"name": "planner", "tools": [{"name": "search", "owner": "[Circular]"}]}'
shared = {"id": 7}
assert ns["safe_dumps"]({"a": shared, "b": [shared]}) == '{"a": {"id": 7}, "b": [{"id": 7}]}'
request = Request("https://api.example.com/v1/chat")
try:
    try:
        raise ConnectionError("upstream said 429")
    except ConnectionError as cause:
        raise HTTPStatusError("Too Many Requests", request, Response(request, 429)) from cause
except HTTPStatusError as exc:
    line = json.dumps({"level": "error", "err": ns["error_for_log"](exc)})
    dumped = ns["safe_dumps"]({"err": exc}, default=vars)
logged = json.loads(line)["err"]
assert logged == {
    "type": "HTTPStatusError",
    "message": "Too Many Requests",
    "status": 429,
    "url": "https://api.example.com/v1/chat",
    "cause": {"type": "ConnectionError", "message": "upstream said 429"},
}, logged
assert '"[Circular]"' in dumped and "429" in dumped
record(log_line_chars=len(line))
