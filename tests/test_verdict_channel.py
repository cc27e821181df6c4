"""The harness's end of the verdict channel refuses every record but the one it asked for."""

from __future__ import annotations

import json
import os

from errata.harness.verdict import MAX_CHANNEL_BYTES, VerdictChannel, parse_record

NONCE = "a" * 32


def record(**changes: object) -> bytes:
    data = {"nonce": NONCE, "verdict": "passed", "figures": {"speedup": 2.5}, **changes}
    return json.dumps(data).encode() + b"\n"


def test_a_record_with_this_runs_nonce_and_verdict_is_accepted() -> None:
    verdict = parse_record(record(), NONCE, "passed")
    assert (verdict.verdict, verdict.figures, verdict.problem) == ("passed", {"speedup": 2.5}, "")


def test_a_wrong_nonce_verdict_or_shape_is_refused_with_a_reason() -> None:
    cases = {
        record(nonce="b" * 32): "nonce",
        record(verdict="ran_without_error"): "says 'ran_without_error'",
        record(extra=1): "expected fields",
        b"[1, 2]\n": "expected fields",
        b"not json\n": "not valid JSON",
    }
    for line, reason in cases.items():
        verdict = parse_record(line, NONCE, "passed")
        assert verdict.verdict == "" and reason in verdict.problem, (line, verdict)


def test_a_5000_digit_number_in_a_record_is_refused_not_a_crash() -> None:
    line = b'{"nonce": "' + NONCE.encode() + b'", "verdict": "passed", "figures": {"n": '
    verdict = parse_record(line + b"9" * 5000 + b"}}\n", NONCE, "passed")
    assert verdict.verdict == "" and "more than 30 digits" in verdict.problem


def test_deeply_nested_figures_in_a_record_are_refused_not_a_crash() -> None:
    for depth in (10, 100_000):
        deep = "[" * depth + "]" * depth
        line = f'{{"nonce": "{NONCE}", "verdict": "passed", "figures": {{"d": {deep}}}}}'
        verdict = parse_record(line.encode(), NONCE, "passed")
        assert verdict.verdict == "" and "nested" in verdict.problem, verdict


def test_nan_and_infinity_figures_are_refused() -> None:
    for value in (b"NaN", b"Infinity", b"1e999"):
        line = b'{"nonce": "' + NONCE.encode() + b'", "verdict": "passed", "figures": {"x": '
        verdict = parse_record(line + value + b"}}\n", NONCE, "passed")
        assert verdict.verdict == "" and "finite" in verdict.problem, value


def exchange(channel: VerdictChannel, *chunks: bytes) -> str:
    """Feed the channel as a run would and return the nonce it was handed."""
    _, nonce_fd = channel.child_fds()
    for chunk in chunks:
        channel.feed(chunk)
    os.set_blocking(nonce_fd, False)
    try:
        return os.read(nonce_fd, 100).decode().strip()
    except BlockingIOError:
        return ""


def test_the_nonce_is_handed_over_once_and_a_second_record_voids_the_first() -> None:
    channel = VerdictChannel("passed")
    try:
        nonce = exchange(channel, b"rea", b"dy\n")
        assert len(nonce) == 32
        channel.feed(record(nonce=nonce))
        assert channel.finish().verdict == "passed"
        channel.feed(b"ready\n")
        assert channel.finish().verdict == "" and "more than one" in channel.result.problem
    finally:
        channel.close()


def test_a_record_without_a_request_or_cut_short_is_refused() -> None:
    for chunks, reason in (
        ((record(),), "did not start with a request"),
        ((b"ready\n", b'{"nonce": '), "incomplete"),
        ((b"ready\n", b"x" * (MAX_CHANNEL_BYTES + 1)), "more than 64 KiB"),
    ):
        channel = VerdictChannel("passed")
        try:
            exchange(channel, *chunks)
            assert reason in channel.finish().problem, chunks
        finally:
            channel.close()
