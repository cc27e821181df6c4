"""Four worker processes serve requests round-robin: module-level state disagrees, a shared store agrees."""

import multiprocessing
import os
import threading

from errata_check import load_snippet, record

ns = load_snippet()
SharedStore, LocalConnections = ns["SharedStore"], ns["LocalConnections"]
WORKERS, LIMIT, BURST = 4, 5, 25
DB = os.path.abspath("state.db")
JOBS = os.path.abspath("jobs.log")


def run_job(job: str) -> None:
    with open(JOBS, "a", encoding="utf-8") as log:
        log.write(f"{job} ran in pid {os.getpid()}\n")


def wrong_worker(conn) -> None:
    """The app as written for one process: its state lives in this process's memory."""
    sessions, hits, running, inboxes = {}, {}, {}, {}
    lock = threading.Lock()  # guards this process only
    while (req := conn.recv()) is not None:
        op, arg = req
        if op == "login":
            sessions[arg["token"]] = arg["user"]
            conn.send("ok")
        elif op == "whoami":
            conn.send(sessions.get(arg))
        elif op == "hits":  # a burst of requests from one client
            allowed = 0
            for _ in range(arg):
                hits["client"] = hits.get("client", 0) + 1
                allowed += hits["client"] <= LIMIT
            conn.send(allowed)
        elif op == "run_job":
            with lock:
                if arg in running:
                    conn.send(False)
                    continue
                running[arg] = os.getpid()
            run_job(arg)
            conn.send(True)
        elif op == "cancel":
            conn.send("cancelled" if running.pop(arg, None) else f"Job not found: {arg}")
        elif op == "connect":
            inboxes[arg] = []
            conn.send("ok")
        elif op == "broadcast":
            for inbox in inboxes.values():
                inbox.append(arg)
            conn.send("ok")
        elif op == "inbox":
            conn.send(inboxes.get(arg))


def fixed_worker(conn) -> None:
    """The same app with its state in the shared store, opened in this process."""
    store = SharedStore(DB)
    ws = LocalConnections(store, "chat")
    inboxes = {}
    while (req := conn.recv()) is not None:
        op, arg = req
        if op == "login":
            store.set(f"session:{arg['token']}", arg["user"], ttl=3600)
            conn.send("ok")
        elif op == "whoami":
            conn.send(store.get(f"session:{arg}"))
        elif op == "hits":
            conn.send(sum(store.allow("rate:client", LIMIT, 60) for _ in range(arg)))
        elif op == "run_job":
            claimed = store.claim(arg)
            if claimed:
                run_job(arg)
            conn.send(claimed)
        elif op == "cancel":
            if store.owner(arg) is None:
                conn.send(f"Job not found: {arg}")
            else:
                store.request_cancel(arg)
                conn.send("cancelled")
        elif op == "cancel_requested":  # asked of the worker that runs the job
            conn.send(store.cancel_requested(arg))
        elif op == "connect":
            inboxes[arg] = []
            ws.connect(arg, inboxes[arg].append)
            conn.send("ok")
        elif op == "broadcast":
            ws.broadcast(arg)
            conn.send("ok")
        elif op == "inbox":
            ws.pump()
            conn.send(list(inboxes[arg]) if arg in inboxes else None)


class Server:
    """N worker processes behind a round-robin balancer, as gunicorn's or a proxy's."""

    def __init__(self, target):
        ctx = multiprocessing.get_context("fork")
        self.pipes, self.procs, self.turn = [], [], 0
        for _ in range(WORKERS):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=target, args=(child,), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def request(self, op, arg=None, worker=None):
        if worker is None:
            worker, self.turn = self.turn % WORKERS, self.turn + 1
        self.pipes[worker].send((op, arg))
        assert self.pipes[worker].poll(20), (op, worker)
        return self.pipes[worker].recv()

    def to_all_at_once(self, op, arg):
        """The same request to every worker at the same moment; their answers in worker order."""
        for pipe in self.pipes:
            pipe.send((op, arg))
        answers = []
        for pipe in self.pipes:
            assert pipe.poll(20), op
            answers.append(pipe.recv())
        return answers

    def stop(self):
        for pipe, proc in zip(self.pipes, self.procs):
            pipe.send(None)
            proc.join(10)
            assert proc.exitcode == 0, proc.exitcode


def job_runs() -> list[str]:
    if not os.path.exists(JOBS):
        return []
    with open(JOBS, encoding="utf-8") as log:
        return [line for line in log.read().splitlines() if line.startswith("nightly ")]


def scenario(target) -> dict:
    server = Server(target)
    try:
        # A login on worker 0; the next four requests go round-robin to workers 1, 2, 3, 0.
        assert server.request("login", {"token": "t1", "user": "ada"}) == "ok"
        seen = [server.request("whoami", "t1") for _ in range(WORKERS)]
        # 25 requests per worker from one client, all at once, against a limit of 5.
        allowed = sum(server.to_all_at_once("hits", BURST))
        # Every worker is asked to run the nightly job at the same time (a scheduler in each
        # worker, a retried POST).
        started = server.to_all_at_once("run_job", "nightly")
        # An export started on worker 0; the user's cancel request lands on worker 1.
        assert server.request("run_job", "export-42", worker=0) is True
        cancel = server.request("cancel", "export-42", worker=1)
        # Client A is connected to worker 0, client B to worker 1; worker 2 sends a broadcast.
        server.request("connect", "A", worker=0)
        server.request("connect", "B", worker=1)
        server.request("broadcast", "deploy at 18:00", worker=2)
        inbox_a = server.request("inbox", "A", worker=0)
        inbox_b = server.request("inbox", "B", worker=1)
        flag = None
        if target is fixed_worker:
            flag = server.request("cancel_requested", "export-42", worker=0)
    finally:
        server.stop()
    return {
        "seen": seen, "allowed": allowed, "started": started, "cancel": cancel,
        "inbox_a": inbox_a, "inbox_b": inbox_b, "runs": job_runs(), "flag": flag,
    }


# 1. Module-level state in four workers: each answer depends on which worker took the request.
wrong = scenario(wrong_worker)
assert wrong["seen"] == [None, None, None, "ada"], wrong["seen"]  # 3 of 4 lose the session
assert wrong["allowed"] == LIMIT * WORKERS, wrong["allowed"]  # the limit is 4 times too high
assert wrong["started"] == [True] * WORKERS, wrong["started"]  # the lock stopped no one
assert len(wrong["runs"]) == WORKERS and len({r.split()[-1] for r in wrong["runs"]}) == WORKERS
assert wrong["cancel"] == "Job not found: export-42", wrong["cancel"]
assert wrong["inbox_a"] == [] and wrong["inbox_b"] == [], wrong  # worker 2 has no clients
os.unlink(JOBS)

# 2. The same app with its state in the shared store: every worker gives the same answer.
fixed = scenario(fixed_worker)
assert fixed["seen"] == ["ada"] * WORKERS, fixed["seen"]
assert fixed["allowed"] == LIMIT, fixed["allowed"]  # exactly 5 of 100, across four processes
assert fixed["started"].count(True) == 1, fixed["started"]
assert len(fixed["runs"]) == 1, fixed["runs"]
assert fixed["cancel"] == "cancelled" and fixed["flag"] is True, fixed
assert fixed["inbox_a"] == ["deploy at 18:00"] and fixed["inbox_b"] == ["deploy at 18:00"], fixed

# 3. The counter keeps every increment under contention (a transaction, not read-then-write).
store = SharedStore(DB)
count = store.incr("rate:client", 60)
assert count == WORKERS * BURST + 1, count  # 100 requests from the workers, plus this one

record(
    workers=WORKERS,
    wrong_sessions_found=sum(s == "ada" for s in wrong["seen"]),
    fixed_sessions_found=sum(s == "ada" for s in fixed["seen"]),
    wrong_allowed_of_100_limit_5=wrong["allowed"],
    fixed_allowed_of_100_limit_5=fixed["allowed"],
    wrong_job_runs=len(wrong["runs"]),
    fixed_job_runs=len(fixed["runs"]),
    wrong_cancel=wrong["cancel"],
    wrong_broadcast_delivered=len(wrong["inbox_a"]) + len(wrong["inbox_b"]),
    fixed_broadcast_delivered=len(fixed["inbox_a"]) + len(fixed["inbox_b"]),
)
