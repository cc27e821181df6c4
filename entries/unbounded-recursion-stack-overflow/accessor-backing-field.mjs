// An accessor that uses its own property calls itself until the stack runs out:
// WRONG:  set name(value) { this.name = value.trim(); }   // the assignment runs this setter again
//         get name() { return this.name; }                 // the read runs this getter again
//   RangeError: Maximum call stack size exceeded (Chrome, Node)
//   InternalError: too much recursion (Firefox)
// The stack shows the same frame ("at set name", "at get name") hundreds of times.
// RIGHT: keep the value in a separate field (#name) that the accessors read and write.

export class User {
  #name = "";

  constructor(name) {
    this.name = name; // runs the setter once, so the constructor validates too
  }

  get name() {
    return this.#name;
  }

  set name(value) {
    const trimmed = String(value).trim();
    if (trimmed.length < 2) throw new TypeError("name must have at least 2 characters");
    this.#name = trimmed; // the field, not the accessor
  }
}

/**
 * A change handler that writes back the value it was notified about (normalising it) fires
 * itself again; write only when the value really changes, so the second call is a no-op.
 */
export function normaliseOnChange(field, normalise) {
  field.onChange((value) => {
    const wanted = normalise(value);
    if (wanted !== value) field.set(wanted);
  });
}
