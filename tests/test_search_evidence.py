"""Evidence that ties a message to one entry's cause: the trace around the message."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from errata.search import normalize
from errata.search.evidence import is_generic, mark_shared
from fastapi.testclient import TestClient

from .evidence_definitions import context_support

WEIGHTS = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def test_words_outside_the_symptom_that_the_entry_mentions_elsewhere_support_it() -> None:
    support = context_support(ids(1, 2, 3), WEIGHTS, ids(1, 2, 3, 5), ids(1), 0.0)
    assert support == 1.0


def test_words_outside_the_symptom_that_the_entry_never_mentions_do_not() -> None:
    support = context_support(ids(1, 2, 3), WEIGHTS, ids(1, 2, 5), ids(1), 0.0)
    assert support == 2.0 / 5.0


def test_words_no_entry_knows_weigh_against_the_support() -> None:
    support = context_support(ids(1, 2), WEIGHTS, ids(1, 2), ids(1), 2.0)
    assert support == 0.5


def test_a_bare_message_has_no_support() -> None:
    assert context_support(ids(1, 2), WEIGHTS, ids(1, 2, 3), ids(1, 2), 0.0) == 0.0
    assert context_support(ids(), WEIGHTS, ids(1, 2, 3), ids(1, 2), 0.0) == 0.0


def test_a_counter_taken_below_zero_is_a_message_of_many_causes() -> None:
    assert is_generic("panic: sync: negative WaitGroup counter")
    assert is_generic("ValueError: task_done() called too many times")
    assert not is_generic("RuntimeError: Task got Future attached to a different loop")


def test_a_possible_connection_leak_warning_is_a_message_of_many_causes() -> None:
    """HikariCP warns when a connection stays out past a threshold: a leak or a long query."""
    warning = (
        "WARN com.zaxxer.hikari.pool.ProxyLeakTask - Connection leak detection triggered for "
        "conn7 on thread worker-2, stack trace follows java.lang.Exception: Apparent connection "
        "leak detected"
    )
    assert is_generic(warning)
    assert not is_generic(
        "WARN com.zaxxer.hikari.pool.HikariPool - Thread starvation or clock leap"
    )


def test_a_max_listeners_warning_is_a_message_of_many_causes() -> None:
    """Node warns at the 11th listener: a listener leak, or a bounded set past the default."""
    assert is_generic(
        "(node:4127) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. "
        "11 exit listeners added to [process]. Use emitter.setMaxListeners() to increase limit"
    )
    assert is_generic(
        "MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort "
        "listeners added to [AbortSignal]. MaxListeners is 10."
    )
    assert not is_generic("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap")


def test_a_stack_overflow_in_any_runtime_is_a_message_of_many_causes() -> None:
    """V8, Python and Firefox overflow on runaway recursion, a cycle, a big spread or deep data."""
    assert is_generic("RecursionError: maximum recursion depth exceeded in comparison")
    assert is_generic("InternalError: too much recursion")
    assert is_generic("RangeError: Maximum call stack size exceeded")
    assert not is_generic("RangeError: Invalid array length")


def test_a_module_or_package_node_cannot_find_is_a_message_of_many_causes() -> None:
    """Not installed, a tsconfig paths alias nothing maps at runtime, a missing extension."""
    assert is_generic("Error: Cannot find module 'express'\nRequire stack:\n- /app/server.js")
    assert is_generic("Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@/lib' imported from x")
    assert not is_generic("Error [ERR_REQUIRE_ESM]: require() of ES Module not supported")


def test_a_bare_missing_package_is_not_confidently_a_tsconfig_alias(client: TestClient) -> None:
    """Only the alias prefix that tsconfig's paths define ties the message to that cause."""
    bare = "Error: Cannot find module 'express'\nRequire stack:\n- /app/server.js"
    first = client.post("/api/search", json={"query": bare}).json()["results"][0]
    assert not first["confident"]


def test_a_module_python_cannot_import_is_a_message_of_many_causes() -> None:
    """Not installed in this interpreter, removed in a newer version, shadowed by a local file,
    or a script run by path from inside its own package."""
    assert is_generic("ModuleNotFoundError: No module named 'openai'")
    assert is_generic("ImportError: No module named requests")
    assert not is_generic("ImportError: attempted relative import with no known parent package")


def test_a_bare_missing_python_module_is_not_confidently_one_cause(client: TestClient) -> None:
    """Several entries print the message; with nothing around it none of them is sure, and a
    script started by path with its own package missing is the entry of that cause."""
    bare = client.post(
        "/api/search", json={"query": "ModuleNotFoundError: No module named 'openai'"}
    ).json()
    assert not any(result["confident"] for result in bare["results"])
    by_path = (
        "python src/main.py\n"
        '  File "src/main.py", line 3, in <module>\n'
        "    from src.config import settings\n"
        "ModuleNotFoundError: No module named 'src'"
    )
    first = client.post("/api/search", json={"query": by_path}).json()["results"][0]
    assert first["id"] == "script-run-inside-package-import-fails"


def test_a_segmentation_fault_is_a_message_of_many_causes() -> None:
    """A segfault or a fatal stack overflow: a native bug, or a stack outgrown for any reason."""
    assert is_generic("Segmentation fault (core dumped)")
    assert is_generic("Fatal Python error: Cannot recover from stack overflow.")
    assert not is_generic("Fatal Python error: init_fs_encoding: failed to get the Python codec")


GO_NEGATIVE_COUNTER = (
    "panic: sync: negative WaitGroup counter\n\n"
    "goroutine 7 [running]:\n"
    "sync.(*WaitGroup).Add(0xc000012345?, 0xffffffffffffffff?)\n"
    "\t/usr/local/go/src/sync/waitgroup.go:64 +0x125\n"
    "sync.(*WaitGroup).Done(...)\n"
    "\t/usr/local/go/src/sync/waitgroup.go:89\n"
    "example.com/relay/pool.(*tracker).release(0xc0000a6000)\n"
    "\t/src/relay/pool/tracker.go:41 +0x3c\n"
)


def test_a_message_of_many_causes_is_less_sure_than_a_message_of_one(
    client: TestClient,
) -> None:
    """The negative counter fits a Done on two paths as well as a wrapper whose Add and Done
    race; asyncio.run() inside a running loop has one cause."""

    def top(query: str) -> dict:
        return client.post("/api/search", json={"query": query}).json()["results"][0]

    many = top(GO_NEGATIVE_COUNTER)
    one = top("RuntimeError: asyncio.run() cannot be called from a running event loop")
    assert many["id"] == "asyncio-queue-join-hangs" and one["confident"]
    assert many["score"] < one["score"] - 0.05


def test_an_ipython_7_traceback_names_its_library_frames_and_drops_the_cell_names() -> None:
    norm = normalize(
        "RuntimeError                              Traceback (most recent call last)\n"
        "c:\\Users\\me\\work\\notebook.ipynb Cell 2 in <cell line: 8>()\n"
        "----> 8 result = asyncio.run(main())\n"
        "<ipython-input-3-1f2e9a> in <module>\n"
        "c:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python310\\lib\\asyncio\\runners.py"
        " in run(main, debug)\n"
    )
    assert norm.frames == ["asyncio.run"]
    assert "Cell" not in norm.text and "ipython-input" not in norm.text
    assert norm.key_lines == ["result = asyncio.run(main())"]


def test_a_trace_without_an_exception_line_keeps_its_log_line_and_its_executing_line() -> None:
    norm = normalize(
        "[2024-02-07 22:59:48,291] [gateway.py:186] Shard ID None heartbeat blocked for more "
        "than 10 seconds.\n"
        "Loop thread traceback (most recent call last):\n"
        '  File "/srv/bot/main.py", line 181, in <module>\n'
        "    client.run(TOKEN)\n"
        '  File "/usr/lib/python3.11/asyncio/runners.py", line 190, in run\n'
        "    return runner.run(main)\n"
    )
    assert len(norm.key_lines) == 2
    assert "heartbeat blocked for more than <n> seconds" in norm.key_lines[0]
    assert norm.key_lines[1] == "return runner.run(main)"


def test_a_task_exception_report_yields_to_the_tasks_own_exception() -> None:
    norm = normalize(
        "ERROR:asyncio:Task exception was never retrieved\n"
        "future: <Task finished name='Task-9' coro=<worker() done, defined at /srv/w.py:8>>\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/w.py", line 12, in worker\n'
        "    await lock.acquire()\n"
        "RuntimeError: <asyncio.locks.Lock object at 0x7f00 [locked]> is bound to a different "
        "event loop\n"
    )
    assert len(norm.key_lines) == 1 and norm.key_lines[0].startswith("RuntimeError:")
    alone = normalize("Task exception was never retrieved\nfuture: <Task finished name='Task-3'>")
    assert alone.key_lines and "never retrieved" in alone.key_lines[0]


def test_docker_compose_prefixes_and_celery_levels_do_not_hide_a_log_line() -> None:
    norm = normalize(
        "backend-1   | [2023-06-06 19:53:55,871: WARNING/MainProcess] database is locked\n"
        "web_1  | Traceback (most recent call last):\n"
        'web_1  |   File "/app/jobs.py", line 3, in run\n'
        "web_1  | sqlite3.OperationalError: database is locked\n"
    )
    assert norm.key_lines == ["database is locked", "sqlite3.OperationalError: database is locked"]
    assert norm.frames == ["run"]


def test_an_error_line_that_opens_a_json_body_is_read_with_its_body() -> None:
    norm = normalize(
        "litellm.ServiceUnavailableError: VertexAIException - {\n"
        '  "error": {\n'
        '    "code": 503,\n'
        '    "message": "The model is overloaded. Please try again later.",\n'
        '    "status": "UNAVAILABLE"\n'
        "  }\n"
        "}\n"
    )
    assert len(norm.key_lines) == 1 and "overloaded" in norm.key_lines[0]


def test_unclosed_json_bodies_cost_linear_time() -> None:
    text = "ValueError: bad - {\n" * 20_000
    started = time.process_time()
    norm = normalize(text)
    assert norm.key_lines and time.process_time() - started < 1.0


@dataclass
class _Candidate:
    evidence: float
    matched_symptom: str
    shared: bool = True  # a stale value: mark_shared sets it for every strong candidate


POOL = "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached"


def test_strong_candidates_listing_one_message_are_shared_and_a_lone_one_is_not() -> None:
    pair = [
        _Candidate(0.9, POOL),
        _Candidate(0.8, POOL.replace("5", "20")),
        _Candidate(0.7, "RuntimeError: can't start new thread"),
    ]
    mark_shared(pair)
    assert [c.shared for c in pair] == [True, True, False]
    alone = [_Candidate(0.9, POOL), _Candidate(0.3, POOL)]
    mark_shared(alone)
    assert [c.shared for c in alone] == [False, True]  # a weak candidate is left as it was


BARE_LOCKED = "sqlite3.OperationalError: database is locked"


def test_a_message_of_many_causes_alone_is_never_confident_and_is_its_own_differential(
    client: TestClient,
) -> None:
    """An NFS mount and a transaction left open print this line as well as two writers: the
    line alone names no cause, so the answer asks for the observation that confirms it."""
    answer = client.post("/api/search", json={"query": BARE_LOCKED, "detail": "full"}).json()
    first = answer["results"][0]
    assert first["id"] == "sqlite-database-is-locked" and not first["confident"]
    assert answer["status"] == "no_match" and first["shared"]
    assert next(c["entry"] for c in answer["differential"]) == "sqlite-database-is-locked"


def test_the_same_message_with_its_cause_around_it_decides_and_is_far_surer(
    client: TestClient,
) -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/app/worker.py", line 41, in save\n'
        "    conn.execute('INSERT INTO jobs VALUES (?)', (job,))\n"
        f"{BARE_LOCKED}\n"
        "(four worker threads write to one SQLite file at once; another connection holds the "
        "write lock in a long transaction)"
    )
    answer = client.post("/api/search", json={"query": trace, "detail": "full"}).json()
    bare = client.post("/api/search", json={"query": BARE_LOCKED}).json()["results"][0]
    first = answer["results"][0]
    assert first["id"] == "sqlite-database-is-locked" and not first["shared"]
    assert not answer["differential"] and first["confident"] and not bare["confident"]
    assert first["score"] > bare["score"]


HTML_BODY = "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"
FRAME = "\n    at JSON.parse (<anonymous>)"


def test_a_json_parse_error_that_shows_an_html_page_names_its_cause(client: TestClient) -> None:
    """A bare 'is not valid JSON' fits any body; the '<!DOCTYPE' the parser quotes says which."""
    context = (
        "\n    at async loadItems (/app/src/api.js:12:18)\n"
        "(the fetch of /api/items answered 404 with the frontend's index.html)"
    )

    def first(query: str) -> dict:
        return client.post("/api/search", json={"query": query + FRAME + context}).json()[
            "results"
        ][0]

    html = first(HTML_BODY)
    object_body = "SyntaxError: Unexpected token 'o', \"[object Obj\"... is not valid JSON"
    other = first(object_body)
    assert html["id"] == "html-error-page-parsed-as-json" and html["confident"]
    # the parser stopped at 'o' ("[object Object]"), not at '<': the words around it say an
    # HTML page, the stop says otherwise, so no answer is confident
    assert not other["confident"] and other["score"] < html["score"]
    # and without those words the stop names its own cause first
    bare = client.post("/api/search", json={"query": object_body + FRAME}).json()["results"]
    assert bare[0]["id"] == "json-parse-of-undefined-or-object"


def test_a_parser_that_stopped_at_undefined_is_not_sure_of_an_html_page(client: TestClient) -> None:
    def html_score(query: str) -> float:
        results = client.post("/api/search", json={"query": query + FRAME}).json()["results"]
        found = [r for r in results if r["id"] == "html-error-page-parsed-as-json"]
        assert not found or not found[0]["confident"] or "<" in query
        return found[0]["score"] if found else 0.0

    markup = html_score("SyntaxError: Unexpected token < in JSON at position 0")
    undefined = html_score("SyntaxError: Unexpected token u in JSON at position 0")
    assert undefined < markup - 0.2
