"""Normalization keeps what identifies an error and masks what changes between occurrences."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from errata.search import formats, normalize
from errata.search.engine import search  # noqa: F401  (the package imports cleanly)
from errata.search.evidence import (
    errno_clash,
    is_generic,
    markup_body,
    token_clash,
    unexpected_tokens,
)
from errata.search.language import detect_language
from errata.search.mask import Surfaces, mask, surface_words, tokenize

from .evidence_definitions import frame_gap, frame_gaps


def test_python_traceback_keeps_type_message_and_frames_and_masks_noise() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/home/ana/app/db.py", line 88, in get_conn\n'
        "    with pool.connection() as conn:\n"
        "psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec"
    )
    norm = normalize(text)
    assert norm.kind == "python"
    assert "psycopg_pool.PoolTimeout" in norm.exception_types
    assert "PoolTimeout" in norm.exception_types
    assert norm.frames == ["get_conn"]
    assert norm.key_lines == ["psycopg_pool.PoolTimeout: couldn't get a connection after <n> sec"]
    assert "/home/ana" not in norm.text and "with pool.connection()" not in norm.text


def test_chained_python_exceptions_keep_both_errors() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/app/x.py", line 3, in load\n'
        "    d['k']\n"
        "KeyError: 'user_id'\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/app/x.py", line 5, in handler\n'
        "    raise ValueError('bad')\n"
        "ValueError: bad value 12 for id 7f3a9c0d11"
    )
    norm = normalize(text)
    assert norm.key_lines == ["KeyError: <str>", "ValueError: bad value <n> for id <id>"]
    assert norm.frames == ["load", "handler"]
    assert "During handling" not in norm.text


def test_exception_group_sub_exceptions_are_found_inside_the_tree_drawing() -> None:
    text = (
        "  + Exception Group Traceback (most recent call last):\n"
        '  |   File "/app/main.py", line 10, in main\n'
        "  |     async with asyncio.TaskGroup() as tg:\n"
        "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)\n"
        "  +-+---------------- 1 ----------------\n"
        "    | Traceback (most recent call last):\n"
        '    |   File "/app/main.py", line 4, in worker\n'
        "    | TimeoutError: timed out waiting for lock\n"
        "    +---------------- 2 ----------------\n"
        "    | ValueError: oops"
    )
    norm = normalize(text)
    assert {"ExceptionGroup", "TimeoutError", "ValueError"} <= set(norm.exception_types)
    assert "TimeoutError: timed out waiting for lock" in norm.key_lines
    assert norm.frames == ["main", "worker"]


def test_javascript_stack_keeps_error_and_function_names() -> None:
    text = (
        "KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full.\n"
        "    at Client_PG.acquireConnection (/srv/node_modules/knex/lib/client.js:312:26)\n"
        "    at async Runner.ensureConnection (/srv/node_modules/knex/lib/runner.js:287:28)"
    )
    norm = normalize(text)
    assert norm.kind == "javascript"
    assert norm.exception_types == ["KnexTimeoutError"]
    assert norm.frames == ["knex.Client_PG.acquireConnection", "knex.Runner.ensureConnection"]
    assert "312" not in norm.text and "node_modules" not in norm.text


def test_a_javascript_stack_kept_as_one_json_string_is_read_as_a_stack() -> None:
    logged = (
        '{"stack":"RangeError: Maximum call stack size exceeded\\n    at objStringify '
        '(/src/utils.js:1304:43)\\n    at objStringify (/src/utils.js:1306:32)",'
        '"message":"Maximum call stack size exceeded","name":"RangeError"}'
    )
    norm = normalize(logged)
    assert norm.kind == "javascript"
    assert norm.exception_types == ["RangeError"]
    assert norm.key_lines == ["RangeError: Maximum call stack size exceeded"]
    assert norm.frames == ["objStringify"]


def test_an_inspected_error_with_its_quoted_stack_keeps_type_message_and_frames() -> None:
    logged = (
        "[TypeError: Converting circular structure to JSON] 'TypeError: Converting circular "
        "structure to JSON\\n    at Object.stringify (native)\\n    at PubSub._onResponse "
        "(/srv/zetta/lib/pubsub_service.js:136:30)\\n    at PubSub.publish (/srv/x.js:3:1)'"
    )
    norm = normalize(logged)
    assert norm.kind == "javascript"
    assert norm.exception_types == ["TypeError"]
    assert norm.key_lines == ["TypeError: Converting circular structure to JSON"]
    assert norm.frames[0] == "PubSub._onResponse"


def test_go_goroutine_dump_keeps_states_and_functions_without_addresses() -> None:
    text = (
        "fatal error: all goroutines are asleep - deadlock!\n\n"
        "goroutine 1 [semacquire]:\n"
        "sync.runtime_SemacquireMutex(0xc000012345, 0x0, 0x1)\n"
        "\t/usr/local/go/src/runtime/sema.go:71 +0x47\n"
        "main.worker(0xc000012340)\n"
        "\t/home/u/proj/main.go:14 +0x3a\n"
        "goroutine 7 [chan receive, 3 minutes]:\n"
        "main.main()"
    )
    norm = normalize(text)
    assert norm.kind == "go"
    assert norm.key_lines == ["fatal error: all goroutines are asleep - deadlock!"]
    assert norm.frames == ["sync.runtime_SemacquireMutex", "main.worker", "main.main"]
    assert "goroutine [semacquire]" in norm.text and "goroutine [chan receive]" in norm.text
    assert "0xc0000" not in norm.text


def test_go_panic_message_is_the_key_line() -> None:
    norm = normalize(
        "panic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f1a2]\n\n"
        "goroutine 1 [running]:\nmain.main()\n\t/tmp/x/main.go:9 +0x22"
    )
    assert (
        norm.key_lines[0]
        == "panic: runtime error: invalid memory address or nil pointer dereference"
    )


def test_java_stack_keeps_qualified_types_and_caused_by() -> None:
    text = (
        'Exception in thread "main" java.sql.SQLTransientConnectionException: HikariPool-1 - '
        "Connection is not available, request timed out after 30000ms.\n"
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)\n"
        "Caused by: java.net.SocketTimeoutException: Read timed out\n\t... 12 more"
    )
    norm = normalize(text)
    assert norm.kind == "java"
    assert "java.sql.SQLTransientConnectionException" in norm.exception_types
    assert "SocketTimeoutException" in norm.exception_types
    assert norm.frames == ["com.zaxxer.hikari.pool.HikariPool.getConnection"]
    assert "timed out after <n>" in norm.key_lines[0]


def test_java_thread_dump_keeps_thread_state_and_lock_lines_without_ids() -> None:
    text = (
        '"pool-1-thread-3" #14 prio=5 os_prio=0 tid=0x00007f8c2c0f1800 nid=0x5a03 waiting for '
        "monitor entry  [0x00007f8bf1ffe000]\n"
        "   java.lang.Thread.State: BLOCKED (on object monitor)\n"
        "\tat com.acme.Cache.put(Cache.java:42)\n"
        "\t- waiting to lock <0x000000076b2a3c10> (a java.lang.Object)"
    )
    norm = normalize(text)
    assert norm.key_lines[0] == "thread waiting for monitor entry"
    assert "java.lang.Thread.State: BLOCKED (on object monitor)" in norm.key_lines
    assert "- waiting to lock <<hex>> (a java.lang.Object)" in norm.key_lines
    assert norm.frames == ["com.acme.Cache.put"]


def test_rust_panic_message_on_the_next_line_is_kept() -> None:
    text = (
        "thread 'main' panicked at src/main.rs:12:35:\n"
        "called `Result::unwrap()` on an `Err` value: PoisonError { .. }\n"
        "stack backtrace:\n"
        "   1: myapp::worker::run\n"
        "             at ./src/worker.rs:30:9"
    )
    norm = normalize(text)
    assert norm.kind == "rust"
    assert norm.key_lines[1].endswith("value: PoisonError { .. }")
    assert "myapp::worker::run" in norm.frames
    assert "main.rs" not in norm.text


def test_log_lines_lose_timestamps_levels_ids_and_addresses() -> None:
    text = (
        "2024-05-02 10:31:07,123 ERROR [worker-3] app.jobs - "
        "psycopg_pool.PoolTimeout: couldn't get "
        "a connection after 30.00 sec\n"
        "2024-05-02 10:31:07,124 INFO [main] app - retrying request "
        "9f8e7d6c-1234-4abc-9def-0123456789ab from 10.0.3.4:5432"
    )
    norm = normalize(text)
    assert norm.key_lines == ["psycopg_pool.PoolTimeout: couldn't get a connection after <n> sec"]
    assert "retrying request <uuid> from <ip>" in norm.text
    assert "2024" not in norm.text


def test_a_plain_sentence_is_kept_as_words() -> None:
    norm = normalize("10 workers but throughput is the same as 1")
    assert norm.kind == "text" and not norm.key_lines
    assert {"worker", "throughput"} <= set(norm.tokens)


def test_masking_keeps_messages_in_quotes_but_masks_values() -> None:
    assert mask("exception=RuntimeError('Event loop is closed')") == (
        "exception=RuntimeError( Event loop is closed )"
    )
    assert mask("KeyError: 'user_id' at 2024-01-02T03:04:05Z") == "KeyError: <str> at <ts>"
    assert mask("C:\\Users\\ana\\app\\main.py and https://x.io/a?b=1") == "<path> and <url>"


def test_a_200_kb_input_is_cut_to_what_matters_not_rejected() -> None:
    noise = "".join(f"DEBUG tick {i} ok\n" for i in range(12_000))
    text = noise + "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached\n"
    assert len(text) > 200_000
    norm = normalize(text)
    assert "sqlalchemy.exc.TimeoutError" in norm.exception_types
    assert len(norm.text) <= 8_000


def test_a_message_inside_logfmt_quotes_keeps_its_words_and_is_the_key_line() -> None:
    text = (
        'time="2024-05-02T10:11:12Z" level=error msg="driver failed programming external '
        "connectivity on endpoint web (4f1c2e9a7b): Bind for 0.0.0.0:8080 failed: port is "
        'already allocated"'
    )
    norm = normalize(text)
    assert len(norm.key_lines) == 1
    assert "port is already allocated" in norm.key_lines[0]
    assert "0.0.0.0" not in norm.text and "4f1c2e9a7b" not in norm.text
    assert {"port", "alloc", "bind"} <= set(norm.tokens)


def test_a_json_error_body_keeps_its_message_and_error_code_but_not_its_keys() -> None:
    text = (
        '{"error":{"message":"This model\'s maximum context length is 4097 tokens. However, '
        'your messages resulted in 5120 tokens.","type":"invalid_request_error",'
        '"param":"messages","code":"context_length_exceeded"}}'
    )
    tokens = set(normalize(text).tokens)
    assert {"maximum", "context", "length", "context_length_exceeded"} <= tokens
    assert "param" not in tokens and "4097" not in normalize(text).text


def test_a_quoted_error_type_code_is_a_search_token_but_a_quoted_name_is_not() -> None:
    rate = "Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error'}}"
    assert "rate_limit_error" in normalize(rate).tokens
    awaited = normalize("RuntimeWarning: coroutine 'fetch_user_profile' was never awaited")
    assert "fetch_user_profile" not in awaited.tokens and "fetch" not in awaited.tokens


def test_bytes_reprs_in_a_log_are_searched_on_their_words() -> None:
    text = (
        "DEBUG  07-21 00:26:57  runner.py  b'task: <Task pending coro=<wait_first() running at "
        "/home/u/p/runner.py:12> wait_for=<Future pending cb=[<TaskWakeupMethWrapper object at "
        "0x7f3ac1d2e0d0>()]>>\\n'\n"
        "DEBUG  07-21 00:26:57  runner.py  b'Task was destroyed but it is pending!\\n'"
    )
    tokens = normalize(text).tokens
    assert {"destroy", "pend", "task"} <= set(tokens)
    assert "0x7f3ac1d2e0d0" not in normalize(text).text


def test_input_whose_every_word_is_quoted_falls_back_to_its_raw_words() -> None:
    text = "b'widget_overheated' b'fan_stalled'"
    assert tokenize(mask(text, keep_quoted_words=True)) == []  # masking alone leaves nothing
    assert {"widget", "fan", "stuck"} <= set(normalize(text).tokens)  # "stall" reads as "stuck"


def test_a_stdlib_or_library_frame_keeps_its_module_name() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.8/subprocess.py", line 1083, in wait\n'
        "    return self._wait(timeout=timeout)\n"
        '  File "C:\\Python310\\lib\\asyncio\\base_events.py", line 510, in _check_closed\n'
        "    raise RuntimeError('Event loop is closed')\n"
        '  File "/srv/.venv/lib/python3.12/site-packages/httpx/_client.py", line 9, in send\n'
        "    x()\n"
        '  File "/srv/app/jobs.py", line 3, in run\n'
        "    y()\n"
        "RuntimeError: Event loop is closed"
    )
    norm = normalize(text)
    assert norm.frames == ["subprocess.wait", "asyncio._check_closed", "httpx.send", "run"]
    assert {"subprocess", "asyncio", "httpx"} <= set(norm.tokens)


def test_a_task_exception_report_keeps_the_inner_error_as_its_key_line() -> None:
    text = (
        "Task exception was never retrieved\n"
        "future: <Task finished name='Task-57' coro=<index_document() done, defined at "
        "/srv/indexer/worker.py:88> exception=KeyError('embedding')>\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/indexer/worker.py", line 97, in index_document\n'
        '    vec = resp["embedding"]\n'
        "KeyError: 'embedding'"
    )
    norm = normalize(text)
    assert norm.key_lines == ["KeyError: <str>"]
    assert {"task", "never", "retriev"} <= set(norm.tokens)  # still searched, as context
    assert normalize("Task was destroyed but it is pending!").key_lines


def test_bulleted_exception_lines_are_error_lines_not_a_sentence() -> None:
    text = (
        "-     ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify"
        " failed\n-     urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='x.dev',"
        " port=443): Max retries exceeded with url: /take"
    )
    norm = normalize(text)
    assert "urllib3.exceptions.MaxRetryError" in norm.exception_types
    assert len(norm.key_lines) == 2 and not norm.key_lines[0].startswith("-")


def test_surface_words_map_each_token_back_to_the_first_word_that_made_it() -> None:
    text = mask("my workers are slow, latency grows; sqlalchemy.exc.TimeoutError in QueuePool")
    surfaces = surface_words(text)
    assert surfaces["worker"] == "workers"
    assert surfaces["latenc"] == "slow"  # "slow" is a synonym of latency and came first
    assert surfaces["queuepool"] == "QueuePool"
    assert surfaces["sqlalchemy.exc.timeouterror"] == "sqlalchemy.exc.TimeoutError"
    assert set(tokenize(text)) <= set(surfaces)


def test_surfaces_read_lazily_give_the_same_words_in_any_order_of_asking() -> None:
    text = mask("my workers are slow, latency grows; sqlalchemy.exc.TimeoutError in QueuePool")
    eager = surface_words(text)
    for asked in (sorted(eager), sorted(eager, reverse=True)):
        lazy = Surfaces(text)
        assert {token: lazy.get(token, token) for token in asked} == eager
    assert Surfaces(text).get("absent", "absent") == "absent"


def test_an_ipython_traceback_cut_before_its_last_line_keeps_the_executing_call() -> None:
    norm = normalize(
        "RuntimeError                              Traceback (most recent call last)\n"
        "Cell In[1], line 3\n"
        "File ~/site-packages/mvg/mvgapi.py:286, in MvgApi.station(query)\n"
        "--> 286     return asyncio.run(MvgApi.station_async(query))\n"
    )
    assert norm.key_lines == ["return asyncio.run(MvgApi.station_async(query))"]
    assert "RuntimeError" in norm.exception_types and "mvg.MvgApi.station" in norm.frames


def test_a_traceback_pasted_on_one_line_is_read_as_printed() -> None:
    flat = normalize(
        'Traceback (most recent call last): File "/app/x.py", line 3, in <module> main() '
        'File "C:\\Users\\app.py", line 59, in register c.execute("INSERT INTO t VALUES(?)", '
        "(name,)) ProgrammingError: SQLite objects created in a thread can only be used in that "
        "same thread.The object was created in thread id 23508 and this is thread id 22640"
    )
    assert flat.kind == "python"
    assert flat.frames == ["register"]
    assert flat.exception_types == ["ProgrammingError"]
    assert flat.key_lines[0].startswith(
        "ProgrammingError: SQLite objects created in a thread can only be used in that same"
    )
    assert "c.execute" not in flat.text


def test_frame_lines_printed_one_per_line_are_not_unfolded() -> None:
    for line in ('  File "/app/x.py", line 3, in load', '  File "/app/x.py", line 3 in load'):
        assert formats.unfold_flat_traceback(line) == [line]
    long_line = 'File "a.py", line 1, in f g() ' * 200 + "ValueError: bad"
    assert len(formats.unfold_flat_traceback(long_line)) <= 2 * formats.MAX_FLAT_FRAMES + 2


def test_a_faulthandler_dump_keeps_its_frames() -> None:
    norm = normalize(
        "Thread 0x00007f1 (most recent call first):\n"
        '  File "/usr/lib/python3.11/threading.py", line 320 in wait\n'
        '  File "/usr/lib/python3.11/queue.py", line 171 in get\n'
    )
    assert norm.frames == ["wait", "get"]


def test_a_gdb_backtrace_waiting_on_a_mutex_says_so() -> None:
    norm = normalize(
        "#0  0x00007f3 in __lll_lock_wait () from /lib/libpthread.so.0\n"
        "#1  0x00007f4 in pthread_mutex_lock () from /lib/libpthread.so.0\n"
    )
    assert any("pthread_mutex_lock" in line for line in norm.key_lines)
    assert norm.kind == "native"


def test_wrapped_and_run_in_exception_lines_are_read_as_exception_lines() -> None:
    warned = normalize(
        "/venv/lib/python3.12/site-packages/mode/services.py:726: RuntimeWarning: "
        "coroutine 'Event.wait' was never awaited"
    )
    assert warned.key_lines == ["RuntimeWarning: coroutine <str> was never awaited"]
    wrapped = normalize("(sqlite3.OperationalError) database is locked")
    assert wrapped.key_lines == ["sqlite3.OperationalError: database is locked"]
    assert "OperationalError" in wrapped.exception_types
    run_in = normalize("用VOC2012数据集跑的时候报错OSError: [Errno 24] Too many open files")
    assert run_in.key_lines == ["OSError: [Errno <n>] Too many open files"]
    assert normalize("the request failed with an error, twice").key_lines == []


def test_errno_values_survive_masking_numbers_and_names_alike() -> None:
    assert normalize("OSError: [Errno 24] Too many open files: '/tmp/x'").errnos == {"24"}
    assert normalize("Error: EMFILE: too many open files, open 'a.txt'").errnos == {"24"}
    assert normalize("runtime: failed to create new OS thread (errno=11)").errnos == {"11"}
    assert normalize("RuntimeError: can't start new thread").errnos == frozenset()


def test_the_c_library_message_names_its_errno_after_a_colon_and_not_in_prose() -> None:
    assert normalize("runtime/cgo: pthread_create failed: Operation not permitted").errnos == {"1"}
    assert normalize("listen tcp :8080: bind: address already in use").errnos == {"98"}
    assert normalize("Error: Too many open files in system, x").errnos == {"23"}
    assert normalize("we saw permission denied in the logs").errnos == frozenset()
    symptom = "runtime/cgo: pthread_create failed: Resource temporarily unavailable"
    assert errno_clash(normalize("pthread_create failed: Operation not permitted").errnos, symptom)


def test_an_errno_cousin_of_a_symptom_clashes_and_the_same_errno_does_not() -> None:
    symptom = "OSError: [Errno 24] Too many open files"
    assert errno_clash(
        normalize("OSError: [Errno 23] Too many open files in system").errnos, symptom
    )
    assert not errno_clash(normalize("EMFILE: too many open files").errnos, symptom)
    assert not errno_clash(frozenset(), symptom)


def test_a_message_many_causes_print_is_generic_and_a_specific_one_is_not() -> None:
    assert is_generic("sqlite3.OperationalError: database is locked")
    assert is_generic("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)")
    assert not is_generic("RuntimeError: asyncio.run() cannot be called from a running event loop")
    assert is_generic(
        "RangeError: Maximum call stack size exceeded\n    at Array.push (<anonymous>)"
    )
    assert is_generic("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x' imported from /y.js")


def test_a_node_coded_error_with_built_in_frames_is_javascript() -> None:
    trace = (
        'TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string. '
        "Received undefined\n    at Object.join (node:path:1336:7)\n"
        "    at file:///app/src/config.js:4:20"
    )
    assert detect_language(trace) == "javascript"
    assert detect_language(trace.splitlines()[0]) == "javascript"
    assert detect_language("TypeError: expected str, bytes or os.PathLike object") == "python"


def test_frame_gaps_of_all_candidates_equal_each_candidates_own_gap_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        weights = rng.random(40) * (rng.random(40) > 0.1)
        query = np.unique(rng.integers(0, 40, int(rng.integers(1, 30)))).astype(np.int32)
        counts = rng.integers(0, 25, int(rng.integers(1, 12)))
        first = np.concatenate([[0], np.cumsum(counts)])
        tokens = rng.integers(0, 40, int(first[-1])).astype(np.int32)
        each = [
            frame_gap(query, weights, np.unique(tokens[a:b])) for a, b in pairwise(first.tolist())
        ]
        assert frame_gaps(query, weights, tokens, first) == each


def test_a_quoted_value_type_name_stays_a_search_word() -> None:
    """Python 3.6 quotes the type: 'int64' names numpy, 'datetime' the standard library."""
    for name in ("int64", "float32", "datetime", "ndarray"):
        text = f"TypeError: Object of type '{name}' is not JSON serializable"
        assert name in mask(text, keep_quoted_words=True).split()
    assert "<str>" in mask("KeyError: 'user_id'", keep_quoted_words=True)


def test_lines_that_only_look_like_a_plain_python_frame_keep_their_own_reading() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/site-packages/pool/core.py", line 12, in acquire\n'
        "    ValueError: raised where the source line would be\n"
        '  File "C:\\app\\jobs.py", line 7, in run_job\n'
        "    Thread 0x00007f (most recent call first):\n"
        '  File "/srv/app/worker.py", line 3 in idle\n'
        "    release(lock)\n"
        "TimeoutError: pool timed out"
    )
    norm = normalize(text)
    assert norm.frames == ["pool.acquire", "run_job", "idle"]
    assert norm.key_lines[0] == "ValueError: raised where the source line would be"
    assert "thread most recent call first" in norm.text
    assert norm.key_lines[-1] == "TimeoutError: pool timed out"


def test_each_value_the_plan_probes_for_is_still_masked_at_its_least() -> None:
    assert mask("at 1:02:03 ok") == "at <ts> ok"
    assert mask("from 1.2.3.4 ok") == "from <ip> ok"
    assert mask("in a.h and b.py") == "in <path> and <path>"
    assert mask("sha 1234abc ok") == "sha <id> ok"
    assert mask("run abcdefghijklmno1 ok") == "run <id> ok"
    assert mask("a 1:02 b 1.2.3 c.d 123abc x") == "a <n>:<n> b <n> c.d 123abc x"


def test_code_in_backticks_names_the_api_involved_and_stays_a_search_word() -> None:
    text = "Spreading `Math.max` over a large array, or `asyncio.gather` over every item"
    words = tokenize(mask(text, keep_quoted_words=True))
    assert {"math.max", "asyncio.gather", "gather"} <= set(words)
    assert "<str>" in mask("KeyError: 'user_id'", keep_quoted_words=True)  # a quoted value is not


def test_a_json_parser_that_stopped_at_another_character_is_another_body() -> None:
    html = "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"
    assert token_clash(frozenset("u"), html)  # "Unexpected token u in JSON": undefined
    assert not token_clash(frozenset("<"), "SyntaxError: Unexpected token < in JSON at position 0")
    assert not token_clash(frozenset(), html) and not token_clash(frozenset("u"), "Broken pipe")


def test_a_text_v8_or_safari_prints_whole_names_where_the_parser_stopped() -> None:
    assert unexpected_tokens('SyntaxError: "undefined" is not valid JSON') == {"u"}
    assert unexpected_tokens('SyntaxError: "[object Object]" is not valid JSON') == {"o"}
    assert unexpected_tokens('JSON Parse error: Unexpected identifier "undefined"') == {"u"}
    assert unexpected_tokens("SyntaxError: \"{'a': 1}\" is not valid JSON") == set()
    assert token_clash(frozenset("<"), 'SyntaxError: "undefined" is not valid JSON')


def test_an_html_body_shows_where_json_was_parsed() -> None:
    assert markup_body("SyntaxError: Unexpected token < in JSON at position 0")
    assert markup_body("JSONDecodeError: Expecting value\n<html><head><title>502</title>")
    assert not markup_body("SyntaxError: Unexpected token u in JSON at position 0")
    assert not markup_body("json.decoder.JSONDecodeError: Expecting value: line 1 column 1")


def test_a_word_in_angle_brackets_is_a_word_and_a_placeholder_or_code_marker_is_not() -> None:
    words = tokenize(mask("console.log prints Promise { <pending> } at <anonymous>"))
    assert "pend" in words and "anonym" not in words
    assert tokenize(mask('File "/app/main.py", line 3, in <module>')) == tokenize(mask("in"))
