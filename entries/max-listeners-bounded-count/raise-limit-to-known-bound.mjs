// A fixed, known number of listeners on one emitter or signal is not a leak: 12 plugins that
// each listen once on one bus, one "exit" listener per spawned child or per test file in one
// test process, 20 operations under one request's own AbortSignal (dropped with the request).
// Node still warns at the 11th: "MaxListenersExceededWarning: Possible EventEmitter memory leak
// detected. 11 ... listeners added to [...]". Raise the limit of that one emitter or signal to
// the bound you know, so a listener past the bound (a real leak) still warns, and every other
// emitter keeps Node's default of 10.

// WRONG (hides every real leak in the process too):
//   EventEmitter.defaultMaxListeners = Infinity;   // or process.setMaxListeners(0)

import { getEventListeners, getMaxListeners, setMaxListeners } from "node:events";

/** Let one EventEmitter or EventTarget (AbortSignal, a framework's signal class) hold `bound`
 *  listeners per event; a limit already higher, or none (0), is kept. */
export function allowListeners(target, bound) {
  if (!Number.isInteger(bound) || bound < 1) {
    throw new RangeError(`a listener bound is a positive integer, got ${bound}`);
  }
  const current = getMaxListeners(target);
  if (current !== 0 && current < bound) setMaxListeners(bound, target);
  return target;
}

/** A per-request AbortController whose signal may control `operations` operations at once. */
export function requestController(operations) {
  const controller = new AbortController();
  allowListeners(controller.signal, operations);
  return controller;
}

/** How many `event` listeners the emitter or EventTarget holds now: watch it stay at the bound
 *  across requests (it grows with each request when a listener leaks). */
export function listenerCount(target, event) {
  return getEventListeners(target, event).length;
}
