// WRONG: waiting for a flag or a queue in Node by checking it again and again:
//   while (!ready) {}                         // never ends: the callback that sets ready can't run
//   const poll = () => (ready ? go() : setImmediate(poll)); poll();   // 100% of a core while idle
//   setInterval(() => { if (queue.length) handle(queue.shift()); }, 0)  // wakes every ms
// Await a promise or an event instead: the event loop then sleeps in epoll until something happens.
import { once } from "node:events";

// A one-time signal: whoever sets the flag calls open(); waiters await gate.opened.
export class Gate {
  constructor() {
    this.isOpen = false;
    this.opened = new Promise((resolve) => {
      this.open = (value) => {
        this.isOpen = true;
        resolve(value);
      };
    });
  }
}

// Wait for an emitter's event (a child's "exit", a server's "listening", a stream's "ready"),
// with an optional timeout, instead of polling a property it sets.
// (A plain setTimeout, not AbortSignal.timeout, whose unref'd timer would let the process exit.)
export async function whenEmitted(emitter, event, { timeoutMs } = {}) {
  const controller = new AbortController();
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    const [value] = await once(emitter, event, { signal: controller.signal });
    return value;
  } finally {
    clearTimeout(timer);
  }
}

// A queue whose take() waits for the next item instead of checking queue.length in a loop.
export class AsyncQueue {
  #items = [];
  #takers = [];
  push(item) {
    const taker = this.#takers.shift();
    if (taker) taker(item);
    else this.#items.push(item);
  }
  take() {
    if (this.#items.length) return Promise.resolve(this.#items.shift());
    return new Promise((resolve) => this.#takers.push(resolve));
  }
}

export const STOP = Symbol("stop");

// Consume until STOP: each await sleeps until push() hands over the next item.
export async function consume(queue, handle) {
  let handled = 0;
  for (;;) {
    const item = await queue.take();
    if (item === STOP) return handled;
    await handle(item);
    handled += 1;
  }
}
