// A setter that assigns its own property, a getter that reads it, and a change handler that sets
// the value it is notified about each overflow the stack with one frame repeated; the snippet's
// User (a #name field) and normaliseOnChange run once and keep the value.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

class NaiveUser {
  set name(value) {
    this.name = value.trim();
  }
  get name() {
    return this.name;
  }
}

/** An observable field: set() notifies every listener synchronously, like an input's change. */
class Field {
  #value = "";
  #listeners = [];
  onChange(listener) {
    this.#listeners.push(listener);
  }
  set(value) {
    this.#value = value;
    for (const listener of this.#listeners) listener(value);
  }
  get() {
    return this.#value;
  }
}

const overflow = { name: "RangeError", message: "Maximum call stack size exceeded" };
function repeatedFrames(action, frame) {
  try {
    action();
  } catch (error) {
    assert.equal(error.name, overflow.name);
    assert.equal(error.message, overflow.message);
    return (error.stack.match(new RegExp(`at ${frame}`, "g")) ?? []).length;
  }
  throw new Error("no stack overflow");
}
Error.stackTraceLimit = 50;
const setterFrames = repeatedFrames(() => {
  new NaiveUser().name = " ada ";
}, "set name");
const getterFrames = repeatedFrames(() => Object.create(NaiveUser.prototype).name, "get name");
const naiveField = new Field();
naiveField.onChange((value) => naiveField.set(value.toUpperCase()));
const handlerFrames = repeatedFrames(() => naiveField.set("ok"), "Field.set");
assert.ok(setterFrames >= 40 && getterFrames >= 40 && handlerFrames >= 20);

const { User, normaliseOnChange } = await loadSnippet();
const user = new User("  Ada Lovelace ");
assert.equal(user.name, "Ada Lovelace");
user.name = " Grace ";
assert.equal(user.name, "Grace");
assert.throws(() => {
  user.name = " x ";
}, TypeError);
assert.equal(user.name, "Grace");
assert.deepEqual(Object.keys(user), []);
assert.throws(() => new User(""), TypeError);

const field = new Field();
let notified = 0;
field.onChange(() => {
  notified += 1;
});
normaliseOnChange(field, (value) => value.trim().toUpperCase());
field.set("  draft ");
assert.equal(field.get(), "DRAFT");
assert.equal(notified, 2); // the user's write, then the one normalising write
record({ repeated_setter_frames: setterFrames, repeated_getter_frames: getterFrames, notifications: notified });
