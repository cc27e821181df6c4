// WRONG: localStorage.setItem(key, JSON.stringify(state));  // state undefined -> stores "undefined"
//        const state = JSON.parse(localStorage.getItem(key));
//   JSON.stringify(undefined) is undefined, setItem stores it as the string "undefined", and the
//   next load throws SyntaxError: "undefined" is not valid JSON (older V8: Unexpected token u in
//   JSON at position 0). A missing key gives null, which JSON.parse turns into null silently.
// Never store undefined (remove the key), and read a missing, empty or "undefined" value as absent.

const ABSENT = new Set(["", "undefined", "null"]);

/** Store `value` as JSON under `key`; undefined removes the key instead of storing "undefined". */
export function saveJson(storage, key, value) {
  const text = JSON.stringify(value);
  if (text === undefined) {
    storage.removeItem(key); // undefined, a function or a symbol has no JSON form
    return;
  }
  storage.setItem(key, text);
}

/** The parsed value under `key`, or `fallback` when it is missing, empty, "undefined" or broken. */
export function loadJson(storage, key, fallback = null) {
  const text = storage.getItem(key);
  if (text === null) return fallback;
  if (ABSENT.has(text.trim())) {
    storage.removeItem(key); // written by an older version that stored undefined
    return fallback;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    console.warn(`ignoring stored ${key}: ${error.message}`);
    storage.removeItem(key);
    return fallback;
  }
}
