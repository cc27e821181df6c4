// Read a JSON config people edit and say where and which rule it broke; write JSON with
// JSON.stringify, never String(obj) or util.inspect(obj) (a JavaScript object literal is not JSON).
import { readFileSync, writeFileSync } from "node:fs";

// WRONG: const config = JSON.parse(readFileSync("config.json", "utf8"));
//   {'name': 'bot'}  -> SyntaxError: Expected property name or '}' in JSON at position 1
//   {"debug": true,} -> SyntaxError: Expected double-quoted property name in JSON at position 15
//   <<<<<<< HEAD     -> SyntaxError: Unexpected token '<', "<<<<<<< HEAD"... is not valid JSON

const MARKER = /^(<{7}|={7}|>{7})(?: |$)/m;
const TOKEN = /"(?:[^"\\\n]|\\.)*"?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_$][\w$]*/y;

export class ConfigSyntaxError extends SyntaxError {}

function wordRule(text, word, end) {
  if (["true", "false", "null"].includes(word)) return null;
  if (["True", "False", "None"].includes(word)) return "a Python literal (True/False/None): the file holds str() of a dict, not json.dumps";
  if (/^\s*:/.test(text.slice(end))) return "an unquoted key: JSON keys take double quotes";
  return "a bare word: JSON strings take double quotes";
}

function charRule(text, pos) {
  const char = text[pos];
  if (char === "'") return "single quotes: JSON strings and keys take double quotes";
  if (char === "#" || text.startsWith("//", pos) || text.startsWith("/*", pos)) return "a comment: JSON has no comments";
  if (char === "," && /^\s*[}\]]/.test(text.slice(pos + 1))) return "a trailing comma before a closing brace or bracket";
  return null;
}

/** [offset, rule] of the first place where text breaks a common JSON rule, or null. */
export function findSlip(text) {
  const marker = MARKER.exec(text);
  if (marker) return [marker.index, "a git conflict marker: resolve the merge (or regenerate the file)"];
  for (let pos = 0; pos < text.length; ) {
    TOKEN.lastIndex = pos;
    const token = TOKEN.exec(text);
    const word = token && /^[A-Za-z_$]/.test(token[0]) ? token[0] : null;
    const rule = word ? wordRule(text, word, TOKEN.lastIndex) : token ? null : charRule(text, pos);
    if (rule) return [pos, rule];
    pos = token ? TOKEN.lastIndex : pos + 1;
  }
  return null;
}

function explain(path, text, error) {
  const [pos, rule] = findSlip(text) ?? [Number(/position (\d+)/.exec(error.message)?.[1] ?? 0), error.message];
  const line = text.slice(0, pos).split("\n").length;
  const col = pos - text.lastIndexOf("\n", pos - 1);
  const shown = text.split("\n")[line - 1];
  return `${path}:${line}:${col}: ${rule}\n    ${shown}\n    ${" ".repeat(col - 1)}^ (JSON.parse: ${error.message.split("\n")[0]})`;
}

/** Strict JSON; a ConfigSyntaxError naming file:line:col and the rule when the file is not. */
export function readJsonConfig(path) {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ConfigSyntaxError(explain(path, text, error));
  }
}

/** Save with JSON.stringify, so the file is JSON that readJsonConfig and any other reader accept. */
export function writeJsonConfig(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
