// A network that drops api.openai.com, a CONNECT proxy that reaches it and a stand-in API, all on
// Unix sockets (the sandbox allows no TCP): a stand-in connect plays the network, and a stand-in
// openai-node v4 client (node-fetch's agent, 2 retries, APIConnectionError) makes the calls.
// Wrong: HTTPS_PROXY is exported but the client goes direct, 3 times, and fails with connect
// ETIMEDOUT. Fixed: the client's httpAgent tunnels through the proxy and is answered at once; the
// start-up check fails in one attempt naming the host, a proxy that is down or one that refuses.
import assert from "node:assert/strict";
import http from "node:http";
import { createServer, createConnection, Socket } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync(join(tmpdir(), "proxy-"));
const API_SOCK = join(dir, "api.sock");
const PROXY_SOCK = join(dir, "proxy.sock");
const PROXY_URL = "http://proxy.corp.example:3128";
const BLACKHOLE = 150; // ms a dropped connect waits here before ETIMEDOUT
const connects = [];
const proxyLog = [];
const apiLog = [];

function networkConnect({ host, port }) {
  connects.push(`${host}:${port}`);
  if (host === "proxy.corp.example" && port === 3128) return createConnection({ path: PROXY_SOCK });
  if (host === "relay.internal.example") return createConnection({ path: API_SOCK });
  const socket = new Socket();
  socket.connecting = true; // a connect in flight: writes wait for it, as on a real dropped SYN
  const fail = (message, code, delay) =>
    setTimeout(() => socket.destroy(Object.assign(new Error(message), { code })), delay);
  if (host === "api.openai.com") fail("connect ETIMEDOUT 157.240.2.14:443", "ETIMEDOUT", BLACKHOLE);
  else if (host === "generativelanguage.googleapis.com") fail("connect ENETUNREACH 142.250.198.74:443", "ENETUNREACH", 0);
  else fail(`connect ECONNREFUSED ${host}:${port}`, "ECONNREFUSED", 0);
  return socket;
}

const api = http.createServer((req, res) => {
  req.resume().on("end", () => {
    apiLog.push(`${req.method} ${req.headers.host}${req.url}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: "pong" } }] }));
  });
});
const proxy = createServer((client) => {
  let head = Buffer.alloc(0);
  client.on("error", () => {});
  client.on("data", function onData(chunk) {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    client.off("data", onData);
    const lines = head.subarray(0, end).toString("latin1").split("\r\n");
    const auth = lines.find((l) => l.toLowerCase().startsWith("proxy-authorization:"));
    proxyLog.push(lines[0] + (auth ? ` (${auth.split(" ")[2]})` : ""));
    const [method, target] = lines[0].split(" ");
    if (method !== "CONNECT" || !target.startsWith("api.openai.com:")) {
      client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = createConnection({ path: API_SOCK }, () => {
      client.write("HTTP/1.1 200 Connection established\r\n\r\n");
      if (head.length > end + 4) upstream.write(head.subarray(end + 4));
      client.pipe(upstream).pipe(client);
    });
    upstream.on("error", () => client.destroy());
  });
});
await new Promise((r) => api.listen(API_SOCK, r));
await new Promise((r) => proxy.listen(PROXY_SOCK, r));

// The stand-in openai-node v4: node-fetch with the given agent (or a direct one), 2 retries.
class APIConnectionError extends Error {
  name = "APIConnectionError";
}
class DirectAgent extends http.Agent {
  createConnection(options) {
    return networkConnect({ host: options.host, port: Number(options.port) });
  }
}
function createClient({ baseURL = "https://api.openai.com/v1", httpAgent, maxRetries = 2 } = {}) {
  const url = new URL(baseURL);
  const client = { attempts: 0 };
  const once = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: 443, path: `${url.pathname}/chat/completions`, method: "POST", agent: httpAgent ?? new DirectAgent() },
        (res) => {
          let data = "";
          res.on("data", (c) => (data += c)).on("end", () => resolve(JSON.parse(data)));
        },
      );
      req.on("error", (e) =>
        reject(Object.assign(new Error(`request to ${baseURL}/chat/completions failed, reason: ${e.message}`), { code: e.code })),
      );
      req.end(JSON.stringify(body));
    });
  client.chat = async (body) => {
    for (let attempt = 0; ; attempt++) {
      client.attempts++;
      try {
        return await once(body);
      } catch (cause) {
        if (attempt === maxRetries) throw new APIConnectionError("Connection error.", { cause });
      }
    }
  };
  return client;
}

const BODY = { model: "gpt-4o-mini", messages: [{ role: "user", content: "ping" }] };
const env = { HTTPS_PROXY: PROXY_URL }; // exported: node-fetch and Node's fetch do not read it

// WRONG: the proxy is in the environment, the client goes direct three times.
const wrongClient = createClient();
let started = Date.now();
const wrong = await wrongClient.chat(BODY).then(() => "answered", (e) => `${e.name}: ${e.message} cause: ${e.cause.message}`);
const wrongMs = Date.now() - started;
assert.equal(wrong, "APIConnectionError: Connection error. cause: request to https://api.openai.com/v1/chat/completions failed, reason: connect ETIMEDOUT 157.240.2.14:443");
assert.deepEqual(connects, ["api.openai.com:443", "api.openai.com:443", "api.openai.com:443"]);
assert.equal(wrongClient.attempts, 3);
assert.deepEqual(proxyLog, []);
assert.ok(wrongMs >= 3 * BLACKHOLE * 0.9, `${wrongMs}`);

const { proxyFor, tunnelingAgent, checkApiReachable, ApiHostUnreachable, openTunnel } = await loadSnippet();

// FIXED: the client's own agent tunnels through the proxy chosen for the URL.
connects.length = 0;
const chosen = proxyFor("https://api.openai.com/v1", env);
const agent = tunnelingAgent(chosen, { secure: false, connect: networkConnect }); // TLS off: no certificates here
const fixedClient = createClient({ httpAgent: agent });
const answer = await fixedClient.chat(BODY);
assert.equal(answer.choices[0].message.content, "pong");
assert.equal(fixedClient.attempts, 1);
assert.deepEqual(connects, ["proxy.corp.example:3128"]);
const fixedRoute = [...connects];
assert.deepEqual(proxyLog, ["CONNECT api.openai.com:443 HTTP/1.1"]);
assert.deepEqual(apiLog, ["POST api.openai.com:443/v1/chat/completions"]);
agent.destroy();

// The start-up check: one attempt, named host, instead of three timed-out calls.
connects.length = 0;
started = Date.now();
const fast = await checkApiReachable("https://api.openai.com/v1", { env: {}, connect: networkConnect }).then(String, (e) => e);
const fastMs = Date.now() - started;
assert.ok(fast instanceof ApiHostUnreachable, String(fast));
assert.match(fast.message, /^cannot reach api\.openai\.com:443 directly: connect ETIMEDOUT 157\.240\.2\.14:443\. .*HTTPS_PROXY/);
assert.deepEqual(connects, ["api.openai.com:443"]);
assert.ok(fastMs < wrongMs / 2, `${fastMs} vs ${wrongMs}`);
const gemini = await checkApiReachable("https://generativelanguage.googleapis.com/v1beta", { env: {}, connect: networkConnect }).catch((e) => e);
assert.match(gemini.message, /^cannot reach generativelanguage\.googleapis\.com:443 directly: connect ENETUNREACH/);

proxyLog.length = 0;
const via = await checkApiReachable("https://api.openai.com/v1", { env: { https_proxy: "http://alice:s3cret@proxy.corp.example:3128" }, connect: networkConnect });
assert.equal(via, "api.openai.com:443 reachable through http://alice:***@proxy.corp.example:3128");
assert.deepEqual(proxyLog, ["CONNECT api.openai.com:443 HTTP/1.1 (YWxpY2U6czNjcmV0)"]);
const down = await checkApiReachable("https://api.openai.com/v1", { env: { HTTPS_PROXY: "http://bob:pw@proxy-down.corp.example:3128" }, connect: networkConnect }).catch((e) => e);
assert.match(down.message, /^cannot reach the proxy http:\/\/bob:\*\*\*@proxy-down\.corp\.example:3128 for api\.openai\.com:443: connect ECONNREFUSED/);
assert.ok(!down.message.includes("pw@"));
const refused = await openTunnel("api.anthropic.com", 443, PROXY_URL, { connect: networkConnect }).catch((e) => e);
assert.equal(refused.message, "the proxy http://proxy.corp.example:3128 did not open api.anthropic.com:443: HTTP/1.1 403 Forbidden");

assert.equal(proxyFor("https://api.openai.com/v1", { HTTPS_PROXY: "http://a:1", https_proxy: "http://b:2" }), "http://b:2");
assert.equal(proxyFor("https://api.openai.com/v1", { ALL_PROXY: "http://c:3" }), "http://c:3");
assert.equal(proxyFor("https://api.openai.com/v1", { HTTPS_PROXY: "http://e:5", NO_PROXY: ".openai.com" }), null);
assert.equal(proxyFor("http://localhost:11434/v1", { HTTP_PROXY: "http://d:4", NO_PROXY: "localhost" }), null);
assert.equal(proxyFor("https://api.openai.com/v1", {}), null);

api.close();
proxy.close();
record({ wrong, wrongAttempts: wrongClient.attempts, wrongMs, fixedRoute, proxySaw: "CONNECT api.openai.com:443", failFast: fast.message.split(". ")[0], failFastMs: fastMs, proxyDown: down.message.split("; ")[0] });
