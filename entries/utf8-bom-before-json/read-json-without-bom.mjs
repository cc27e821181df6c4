// Read JSON that may start with a UTF-8 byte order mark (U+FEFF), and write JSON without one.
// WRONG: JSON.parse(readFileSync("export.json", "utf8"))   (Node keeps the BOM in the string)
//   SyntaxError: Unexpected token '﻿', "﻿{"name"... is not valid JSON
//   (Node < 20: Unexpected token ﻿ in JSON at position 0)
// fetch's response.json() and TextDecoder drop a BOM; readFileSync, Buffer.toString and
// http/https chunks joined by hand do not.
import { readFileSync, writeFileSync } from "node:fs";

export function parseJsonText(text) {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

export function parseJsonBytes(bytes) {
  return JSON.parse(new TextDecoder("utf-8").decode(bytes)); // ignoreBOM defaults to false: BOM dropped
}

export function loadJsonFile(path) {
  return parseJsonBytes(readFileSync(path));
}

export function saveJson(path, value) {
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n", "utf8"); // "utf8" writes no BOM
}
