// Node's default on SIGTERM (docker stop, Kubernetes, systemd) is to die at once: jobs in
// progress are lost. Handle the signal: stop taking new work, let the jobs in flight finish
// (within a deadline shorter than the orchestrator's grace period), then exit.
export function drainOnSigterm({ inFlight, stopAccepting, graceMs = 25_000, exit = process.exit }) {
  process.once("SIGTERM", async () => {
    stopAccepting();
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs, "deadline").unref());
    const outcome = await Promise.race([Promise.allSettled([...inFlight]).then(() => "drained"), deadline]);
    exit(outcome === "drained" ? 0 : 1);
  });
}
