// Vite's preload wrapper dispatches a cancelable `vite:preloadError` and rethrows the import
// error unless a listener called preventDefault (vitejs/vite commit 2eca54e). Without a handler
// the stale tab's route fails; the snippet reloads once, and lets a second failure within its
// window surface instead of looping. webpack's ChunkLoadError arrives as an unhandled rejection.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const staleImport = new TypeError("Failed to fetch dynamically imported module: https://shop.test/assets/Orders-1a2b.js");
function vitePreload(target, error) {
  const event = new Event("vite:preloadError", { cancelable: true });
  event.payload = error;
  target.dispatchEvent(event);
  if (!event.defaultPrevented) throw error;
  return event;
}
const bare = new EventTarget();
assert.throws(() => vitePreload(bare, staleImport), /Failed to fetch dynamically imported module/);

const { reloadOnStaleChunk, isChunkLoadError } = await loadSnippet();
const target = new EventTarget();
const values = new Map();
const storage = { getItem: (k) => values.get(k) ?? null, setItem: (k, v) => values.set(k, v) };
let clock = 1_700_000_000_000;
let reloads = 0;
reloadOnStaleChunk({ target, storage, reload: () => { reloads += 1; }, now: () => clock });

assert.equal(vitePreload(target, staleImport).defaultPrevented, true);
assert.equal(reloads, 1);
clock += 2_000; // the reloaded page fails again at once: the chunk is missing in this build too
assert.throws(() => vitePreload(target, staleImport), /Failed to fetch/);
assert.equal(reloads, 1, "no reload loop");

clock += 60_000;
const webpackError = Object.assign(new Error("Loading chunk 42 failed.\n(missing: https://shop.test/static/js/42.8c1d.chunk.js)"), { name: "ChunkLoadError" });
const rejection = new Event("unhandledrejection", { cancelable: true });
rejection.reason = webpackError;
target.dispatchEvent(rejection);
assert.equal(reloads, 2);
assert.equal(rejection.defaultPrevented, true);

clock += 60_000;
const other = new Event("unhandledrejection", { cancelable: true });
other.reason = new TypeError("Cannot read properties of undefined (reading 'id')");
target.dispatchEvent(other);
assert.equal(reloads, 2, "other errors are not chunk errors");
assert.equal(other.defaultPrevented, false);

for (const message of [
  "error loading dynamically imported module: https://shop.test/assets/a.js",
  "Importing a module script failed.",
  "Loading CSS chunk 7 failed.\n(https://shop.test/static/css/7.css)",
  "Unable to preload CSS for /assets/Orders-1a2b.css",
]) assert.equal(isChunkLoadError(new Error(message)), true, message);
assert.equal(isChunkLoadError(new SyntaxError("Unexpected token '<'")), false);
record({ reloads, without_handler: staleImport.message });
