// A value saved as undefined comes back as the string "undefined", which JSON.parse rejects; the
// helpers never store it and read it (and a missing key) as the default.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

// The reader's localStorage: Web Storage keeps strings only (setItem converts the value).
class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
  get length() { return this.#items.size; }
}

const storage = new MemoryStorage();
let state; // never set before the page unloads
storage.setItem("settings", JSON.stringify(state));
assert.equal(storage.getItem("settings"), "undefined");
const stored = (() => { try { JSON.parse(storage.getItem("settings")); } catch (e) { return e; } })();
assert.ok(stored instanceof SyntaxError);
assert.equal(stored.message, '"undefined" is not valid JSON');
const direct = (() => { try { JSON.parse(undefined); } catch (e) { return e; } })();
assert.equal(direct.message, '"undefined" is not valid JSON');
assert.equal(JSON.parse(storage.getItem("never-set")), null); // a missing key: null, no error

const { saveJson, loadJson } = await loadSnippet();
assert.deepEqual(loadJson(storage, "settings", { theme: "light" }), { theme: "light" });
assert.equal(storage.getItem("settings"), null, "the stored 'undefined' is removed");
saveJson(storage, "settings", undefined);
assert.equal(storage.getItem("settings"), null, "undefined is never stored");
assert.equal(storage.length, 0);
saveJson(storage, "settings", { theme: "dark", size: 2 });
assert.deepEqual(loadJson(storage, "settings", {}), { theme: "dark", size: 2 });
saveJson(storage, "count", 0);
assert.equal(loadJson(storage, "count", 5), 0, "a stored 0 is a value, not absent");
assert.equal(loadJson(storage, "missing", "default"), "default");
storage.setItem("broken", "{oops");
const warn = console.warn;
console.warn = () => {};
try { assert.equal(loadJson(storage, "broken", 1), 1); } finally { console.warn = warn; }
assert.equal(storage.getItem("broken"), null);
record({ naive: stored.message, missing_key_parses_to: "null" });
