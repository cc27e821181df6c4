// A stand-in provider on a Unix socket (the sandbox allows no TCP) that, like OpenAI, Anthropic
// and Gemini, accepts only its own valid keys and answers others with its real rejection body.
// Wrong: a quoted key, an old exported key and an OpenRouter key each get "401 Incorrect API key
// provided", and a retry-everything loop resends the refused key. Fixed: the cleaned key is
// accepted in one request; a stale, foreign or invalid key stops at start-up, named with its
// origin and masked tail, after one request or none.
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync(join(tmpdir(), "keys-"));
const SOCK = join(dir, "provider.sock");
const OPENAI_KEY = `sk-proj-${"Q7wErTy9".repeat(5)}abcd`;
const OLD_KEY = `sk-proj-${"Zx81Mn0P".repeat(5)}oldk`;
const OPENROUTER_KEY = `sk-or-v1-${"9f3c".repeat(16)}`;
const ANTHROPIC_KEY = `sk-ant-api03-${"Lm4Kp2Qr".repeat(11)}AA`;
const requests = []; // the provider's log: [host, path, status]
const openaiMask = (k) => k.slice(0, 8) + "*".repeat(k.length - 12) + k.slice(-4);

const server = http.createServer((req, res) => {
  req.resume().on("end", () => {
    const send = (status, body) => {
      requests.push([req.headers.host, req.url, status]);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.headers.host === "api.anthropic.com") {
      if (req.headers["x-api-key"] === ANTHROPIC_KEY) return send(200, { data: [] });
      return send(401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    }
    if (req.headers.host === "generativelanguage.googleapis.com") {
      return send(400, { error: { code: 400, message: "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] } });
    }
    const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (key === OPENAI_KEY) return send(200, { data: [{ id: "gpt-4o-mini" }], choices: [] });
    send(401, { error: { message: `Incorrect API key provided: ${openaiMask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: "invalid_request_error", param: null, code: "invalid_api_key" } });
  });
});
await new Promise((r) => server.listen(SOCK, r));

// fetch over the Unix socket (every host is the stand-in provider; plain HTTP instead of TLS).
function unixFetch(url, { method = "GET", headers = {}, body } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: SOCK, method, path: u.pathname, headers: { ...headers, host: u.hostname } }, (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (c) => (data += c)).on("end", () => resolve({ status: res.statusCode, text: async () => data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// The application's call, as openai-node makes it: throws "401 <message>" on an error status.
class AuthenticationError extends Error {
  name = "AuthenticationError";
}
async function chat(key) {
  const res = await unixFetch("https://api.openai.com/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{}" });
  const data = JSON.parse(await res.text());
  if (res.status === 401) throw new AuthenticationError(`401 ${data.error.message}`);
  return data;
}
async function withRetries(call, attempts = 5) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      return await call();
    } catch (error) {
      last = error; // the wrong habit: every error retried
    }
  }
  throw new Error(`RetryError after ${attempts} attempts: ${last.name}: ${last.message}`);
}

const dotenv = join(dir, ".env");
writeFileSync(dotenv, `MODEL=gpt-4o-mini\nOPENAI_API_KEY="${OPENAI_KEY}"\n`);

// WRONG 1: the quoted value as is (docker --env-file keeps quotes), and every failure retried.
const raw = `"${OPENAI_KEY}"`;
const wrongQuotes = await withRetries(() => chat(raw)).catch((e) => e.message);
assert.match(wrongQuotes, /^RetryError after 5 attempts: AuthenticationError: 401 Incorrect API key provided: "sk-proj/);
assert.deepEqual(requests.map((r) => r[2]), [401, 401, 401, 401, 401]);
// WRONG 2: an old exported key wins over .env; WRONG 3: an OpenRouter key, default base URL.
const wrongStale = await chat(OLD_KEY).catch((e) => e.message);
assert.match(wrongStale, /^401 Incorrect API key provided: sk-proj-\*+oldk\./);
const wrongRouter = await chat(OPENROUTER_KEY).catch((e) => e.message);
assert.match(wrongRouter, /^401 Incorrect API key provided: sk-or-v1\*+9f3c\./);

const { loadApiKey, verifyApiKey, normaliseKey, ApiKeyError } = await loadSnippet();
async function startup(key, baseUrl) {
  const before = requests.length;
  const outcome = await verifyApiKey(key, baseUrl, { fetchImpl: unixFetch }).catch((e) => {
    assert.ok(e instanceof ApiKeyError, String(e));
    return e.message;
  });
  return [outcome, requests.length - before];
}

// FIXED 1: the same .env, cleaned, accepted with one request.
const key = loadApiKey("OPENAI_API_KEY", { dotenvPath: dotenv, env: {} });
assert.equal(key.value, OPENAI_KEY);
assert.deepEqual(key.cleaned, ["quotes"]);
const [accepted, acceptedRequests] = await startup(key, "https://api.openai.com/v1");
assert.equal(accepted, "sk-proj-****abcd accepted by api.openai.com");
assert.equal(acceptedRequests, 1);

// FIXED 2: the stale export named next to the .env key, reported after one request.
const stale = loadApiKey("OPENAI_API_KEY", { dotenvPath: dotenv, env: { OPENAI_API_KEY: OLD_KEY } });
const [staleMsg, staleRequests] = await startup(stale, "https://api.openai.com/v1");
assert.match(staleMsg, /^api\.openai\.com rejected OPENAI_API_KEY from the environment \(sk-proj-\*\*\*\*oldk\); the \.env file holds a different key \(sk-proj-\*\*\*\*abcd\)/);
assert.match(staleMsg, /\(HTTP 401: Incorrect API key provided: sk-proj-\*+oldk\. /);
assert.equal(staleRequests, 1);

// FIXED 3: another provider's key stopped before any request.
const router = loadApiKey("OPENAI_API_KEY", { dotenvPath: join(dir, "none.env"), env: { OPENAI_API_KEY: OPENROUTER_KEY } });
const [routerMsg, routerRequests] = await startup(router, "https://api.openai.com/v1");
assert.equal(routerMsg, "OPENAI_API_KEY from the environment (sk-or-v1****9f3c) does not fit api.openai.com: it looks like a key for OpenRouter: use base URL https://openrouter.ai/... or a key from this provider");
assert.equal(routerRequests, 0);

// FIXED 4: Anthropic and Gemini rejections named with the provider's words; a valid key accepted.
const revoked = { value: `sk-ant-api03-${"revoked0".repeat(11)}AA`, variable: "ANTHROPIC_API_KEY", origin: "the environment" };
const [anthropicMsg, anthropicRequests] = await startup(revoked, "https://api.anthropic.com/v1");
assert.match(anthropicMsg, /^api\.anthropic\.com rejected ANTHROPIC_API_KEY from the environment \(sk-ant-a\*\*\*\*d0AA\) \(HTTP 401: invalid x-api-key\)/);
assert.equal(anthropicRequests, 1);
const [geminiMsg] = await startup({ value: `AIzaSy${"x".repeat(33)}`, variable: "GEMINI_API_KEY", origin: "/srv/app/.env" }, "https://generativelanguage.googleapis.com/v1beta");
assert.match(geminiMsg, /GEMINI_API_KEY from \/srv\/app\/\.env \(AIzaSyxx\*\*\*\*xxxx\) \(HTTP 400: API key not valid\. Please pass a valid API key\.\)/);
const [anthropicOk] = await startup({ value: ANTHROPIC_KEY, variable: "ANTHROPIC_API_KEY", origin: "env" }, "https://api.anthropic.com/v1");
assert.equal(anthropicOk, "sk-ant-a****QrAA accepted by api.anthropic.com");

// Cleaning: what copying adds comes off; what cannot be a key is refused.
assert.deepEqual(normaliseKey(`  ${OPENAI_KEY}\n`), { key: OPENAI_KEY, cleaned: ["whitespace/line ends"] });
assert.equal(normaliseKey(`Bearer ${OPENAI_KEY}`).key, OPENAI_KEY);
assert.equal(normaliseKey(`\u201c${OPENAI_KEY}\u201d`).key, OPENAI_KEY);
for (const broken of ["", '""', `${OPENAI_KEY.slice(0, 20)}\n${OPENAI_KEY.slice(20)}`]) {
  assert.throws(() => normaliseKey(broken), (e) => e instanceof ApiKeyError && e.message.startsWith("the API key"));
}

server.close();
record({ wrongQuotes, wrongStale, wrongRouter, fixed: accepted, stale: staleMsg.split(" (HTTP")[0], router: routerMsg, anthropic: anthropicMsg.split(". The key")[0], requestsOnRejection: [staleRequests, routerRequests, anthropicRequests] });
