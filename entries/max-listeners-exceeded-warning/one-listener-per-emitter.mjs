// Adding a listener per request (emitter.on inside the request function) and never removing it:
// listeners pile up, each holds its closure, and Node warns at the 11th:
// "MaxListenersExceededWarning: Possible EventEmitter memory leak detected".
// Register one listener for the emitter's lifetime and route replies through a Map; when a
// listener per call is unavoidable, use once()/off() or events.once() with an AbortSignal.

// WRONG:
//   function request(socket, id) {
//     return new Promise((resolve) => socket.on("message", (m) => { if (m.id === id) resolve(m); }));
//   }

export function createRequester(emitter, { timeoutMs = 30_000 } = {}) {
  const pending = new Map();
  emitter.on("message", (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  });
  return function request(id) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no reply to ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, timer });
    });
  };
}

// The AbortSignal form ("Possible EventTarget memory leak detected. 11 abort listeners added to
// [AbortSignal]"): one long-lived signal (a session's, the process's) handed to every call, each
// call adding an "abort" listener it never removes. Remove it when the call settles.
export async function withAbort(signal, work) {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  try {
    return await work(controller.signal);
  } finally {
    signal.removeEventListener("abort", forward);
  }
}
