"""signal.signal fails off the main thread; the worker timeout and guarded install do not."""

import signal
import threading
import time

from errata_check import load_snippet, record


def in_thread(func):
    box = {}

    def run():
        try:
            box["value"] = func()
        except Exception as exc:  # noqa: BLE001 - report whatever the thread raised
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    return box


def alarm_timeout():
    signal.signal(signal.SIGALRM, lambda *a: None)
    signal.alarm(1)


wrong = [in_thread(alarm_timeout), in_thread(lambda: signal.signal(signal.SIGTERM, print))]
messages = [str(box.get("error")) for box in wrong]
assert messages == ["signal only works in main thread of the main interpreter"] * 2, messages

ns = load_snippet()
run_with_timeout, install_handlers = ns["run_with_timeout"], ns["install_handlers"]


def slow(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


fast = in_thread(lambda: run_with_timeout(slow, 2.0, 0.01))
assert fast == {"value": "done"}, fast
started = time.perf_counter()
late = in_thread(lambda: run_with_timeout(slow, 0.1, 1.0))
waited = time.perf_counter() - started
assert isinstance(late.get("error"), TimeoutError) and waited < 0.9, (late, waited)
assert in_thread(lambda: install_handlers(lambda *a: None)) == {"value": False}
seen = []
assert install_handlers(lambda signum, frame: seen.append(signum), (signal.SIGUSR1,)) is True
signal.raise_signal(signal.SIGUSR1)
assert seen == [signal.SIGUSR1]
record(wrong_errors=2, fixed_timeout_s=round(waited, 2))
