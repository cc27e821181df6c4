// WRONG: const data = JSON.parse(response.data);  // axios already parsed the JSON body
//        const body = JSON.parse(req.body);       // express.json() already parsed it
//   JSON.parse converts a non-string to a string first: an object becomes "[object Object]" and
//   throws SyntaxError: "[object Object]" is not valid JSON (older V8: Unexpected token o in JSON
//   at position 1); undefined throws "undefined" is not valid JSON.
// WRONG: let args; for (const d of deltas) args += d.arguments;  // "undefined{..." 
// Parse only strings (and bytes), pass parsed values through, and build text from "".

export class NotJsonText extends TypeError {
  constructor(value) {
    super(`expected JSON text, got ${value === null ? "null" : typeof value}`);
    this.name = "NotJsonText";
  }
}

/** The value of JSON text; an already-parsed object or array is returned as it is. */
export function parseJsonOnce(value) {
  if (typeof value === "string") return JSON.parse(value);
  if (value instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(value));
  if (value !== null && typeof value === "object") return value; // parsed by axios, a body parser...
  throw new NotJsonText(value); // undefined or null: the text never arrived
}

/** Join streamed text pieces, skipping missing ones (a first delta without the field). */
export function joinText(pieces) {
  let text = "";
  for (const piece of pieces) {
    if (piece !== undefined && piece !== null) text += piece;
  }
  return text;
}
