// Know at start-up whether the provider accepts the API key, and which key it was: note when an
// exported value hides the .env one, strip quotes and whitespace, check the prefix against the
// base URL, make one cheap authenticated call, and stop on 401 naming the variable, where it came
// from and its masked tail.
//
// WRONG: OPENAI_API_KEY="sk-proj-...abcd" passed with its quotes or a trailing newline (docker
//   --env-file, a secret written with echo), an old key exported in the shell that wins over .env
//   (dotenv and node --env-file never override it), an OpenRouter key sent to api.openai.com, and
//   a retry loop around every call: "AuthenticationError: 401 Incorrect API key provided", retried.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export class ApiKeyError extends Error {}

const KEY_PREFIXES = {
  "api.openai.com": ["sk-"],
  "api.anthropic.com": ["sk-ant-"],
  "openrouter.ai": ["sk-or-"],
  "generativelanguage.googleapis.com": ["AIza"],
  "api.groq.com": ["gsk_"],
  "api.deepseek.com": ["sk-"],
};
const KNOWN_PREFIXES = [
  ["sk-ant-", "Anthropic", "api.anthropic.com"],
  ["sk-or-", "OpenRouter", "openrouter.ai"],
  ["sk-proj-", "OpenAI", "api.openai.com"],
  ["sk-svcacct-", "OpenAI", "api.openai.com"],
  ["AIza", "Google (Gemini)", "generativelanguage.googleapis.com"],
  ["gsk_", "Groq", "api.groq.com"],
  ["nvapi-", "NVIDIA", null],
  ["xai-", "xAI", null],
];
const QUOTES = `"'\u201c\u201d\u2018\u2019\``;
const INVISIBLE = /^[\s\ufeff\u200b-\u200d\u2060]+|[\s\ufeff\u200b-\u200d\u2060]+$/g;

export const mask = (key) => (key.length >= 16 ? `${key.slice(0, 8)}****${key.slice(-4)}` : "****");

// Strip what copying adds (whitespace, line ends, quotes, "Bearer ", invisible characters); throw
// for what cannot be a key. Returns { key, cleaned }.
export function normaliseKey(raw) {
  let key = raw;
  const cleaned = new Set();
  for (let i = 0; i < 3; i++) {
    const before = key;
    const stripped = key.replace(INVISIBLE, "");
    if (stripped !== key) cleaned.add("whitespace/line ends");
    key = stripped;
    if (key.length >= 2 && QUOTES.includes(key[0]) && QUOTES.includes(key.at(-1))) {
      key = key.slice(1, -1);
      cleaned.add("quotes");
    }
    if (/^bearer /i.test(key)) {
      key = key.slice(7);
      cleaned.add("'Bearer ' prefix");
    }
    if (key === before) break;
  }
  if (!key) throw new ApiKeyError("the API key is empty");
  const bad = [...key].findIndex((c) => c < "!" || c > "~");
  if (bad !== -1) {
    throw new ApiKeyError(`the API key (${mask(key)}) contains ${JSON.stringify(key[bad])} at position ${bad}: keys are one line of printable ASCII`);
  }
  return { key, cleaned: [...cleaned] };
}

function readDotenv(path) {
  const values = {};
  if (!existsSync(path)) return values;
  for (let line of readFileSync(path, "utf8").replace(/^\ufeff/, "").split(/\r?\n/)) {
    line = line.trim();
    if (!line || line.startsWith("#") || !line.includes("=")) continue;
    const [name, ...rest] = line.replace(/^export /, "").split("=");
    values[name.trim()] = rest.join("=").trim();
  }
  return values;
}

// The key as the program will use it (an exported value wins, as with dotenv and --env-file),
// with where it came from and, when the .env file holds another key, that key's masked tail.
export function loadApiKey(variable, { dotenvPath = ".env", env = process.env } = {}) {
  const path = resolve(dotenvPath);
  const fromFile = readDotenv(path)[variable] ?? "";
  const exported = env[variable] ?? "";
  let value, origin;
  if (exported.trim()) [value, origin] = [exported, "the environment"];
  else if (fromFile) [value, origin] = [fromFile, path];
  else throw new ApiKeyError(`${variable} is not set in the environment nor in ${path}`);
  const { key, cleaned } = normaliseKey(value);
  let shadowed = null;
  if (exported.trim() && fromFile && normaliseKey(fromFile).key !== key) shadowed = mask(normaliseKey(fromFile).key);
  return { value: key, variable, origin, shadowed, cleaned };
}

export function describeKey({ value, variable, origin, shadowed }) {
  let text = `${variable} from ${origin} (${mask(value)})`;
  if (shadowed) {
    text += `; the .env file holds a different key (${shadowed}) that the exported value overrides: unset the old export (~/.bashrc, setx, the IDE's run configuration)`;
  }
  return text;
}

// Before any request: a key whose prefix belongs to another provider than the base URL's host.
export function checkKeyMatches(key, baseUrl) {
  const host = new URL(baseUrl).hostname.toLowerCase();
  const expected = KEY_PREFIXES[host];
  if (!expected) return;
  const owner = KNOWN_PREFIXES.find(([prefix]) => key.value.startsWith(prefix));
  if (!expected.some((p) => key.value.startsWith(p)) || (owner && owner[2] !== host)) {
    const hint = owner?.[2]
      ? `it looks like a key for ${owner[1]}: use base URL https://${owner[2]}/... or a key from this provider`
      : `keys for ${host} start with ${expected.join(" or ")}`;
    throw new ApiKeyError(`${describeKey(key)} does not fit ${host}: ${hint}`);
  }
}

function authHeaders(host, key) {
  if (host === "api.anthropic.com") return { "x-api-key": key, "anthropic-version": "2023-06-01" };
  if (host === "generativelanguage.googleapis.com") return { "x-goog-api-key": key };
  return { authorization: `Bearer ${key}` };
}

// One cheap authenticated call (GET {baseUrl}/models) at start-up. Rejects with ApiKeyError on
// 401/403 or Gemini's 400 API_KEY_INVALID, with the provider's words and the key's origin; never
// retried. fetchImpl: the fetch the application uses (with its proxy dispatcher, if any).
export async function verifyApiKey(key, baseUrl, { timeoutMs = 10_000, fetchImpl = globalThis.fetch } = {}) {
  checkKeyMatches(key, baseUrl);
  const host = new URL(baseUrl).hostname.toLowerCase();
  const response = await fetchImpl(`${baseUrl.replace(/\/$/, "")}/models`, {
    headers: authHeaders(host, key.value),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const status = response.status;
  if (status === 401 || status === 403 || (status === 400 && text.includes("API_KEY_INVALID"))) {
    let said = text.slice(0, 200);
    try {
      const error = JSON.parse(text).error;
      said = typeof error === "object" ? error.message : String(error);
    } catch {}
    throw new ApiKeyError(
      `${host} rejected ${describeKey(key)} (HTTP ${status}: ${said}). The key was read and sent: it is revoked or rotated, ` +
        "belongs to another project or provider, or was copied with extra characters. Retrying cannot help.",
    );
  }
  if (status === 429) return `${mask(key.value)} accepted by ${host} (but HTTP 429: rate limit or quota)`;
  if (status >= 400) throw new Error(`${host} answered HTTP ${status} to GET /models: ${text.slice(0, 200)}`);
  return `${mask(key.value)} accepted by ${host}`;
}
