// A real node:http request/response pair on an in-memory socket: JSON.stringify of an error that
// carries them throws "Converting circular structure to JSON"; errorForLog gives a short record
// with the status and URL, and safeStringify marks true cycles only.
import assert from "node:assert/strict";
import http from "node:http";
import { Duplex } from "node:stream";
import { loadSnippet, record } from "./errata_check.mjs";

const socket = new Duplex({ read() {}, write(chunk, encoding, done) { done(); } });
const req = new http.IncomingMessage(socket);
req.method = "POST";
req.url = "/v1/chat/completions";
const res = new http.ServerResponse(req);
res.assignSocket(socket);
const err = new Error("Request failed with status code 429", { cause: new Error("rate limited") });
Object.assign(err, { code: "ERR_BAD_RESPONSE", config: { method: "post", url: "/v1/chat/completions" } });
Object.assign(err, { request: req, response: { status: 429, request: req, socket } });

assert.throws(() => JSON.stringify({ level: "error", err }), (e) => e instanceof TypeError
  && /^Converting circular structure to JSON\n    --> starting at object with constructor '\w+'[\s\S]*closes the circle$/.test(e.message));

const { errorForLog, safeStringify } = await loadSnippet();
const line = JSON.stringify({ level: "error", err: errorForLog(err) });
const logged = JSON.parse(line).err;
assert.equal(logged.message, "Request failed with status code 429");
assert.equal(logged.status, 429);
assert.equal(logged.method, "post");
assert.equal(logged.url, "/v1/chat/completions");
assert.equal(logged.cause.message, "rate limited");
assert.ok(line.length < 2000, line.length);
assert.deepEqual(errorForLog("plain"), { message: "plain" });

const agent = { name: "planner", tools: [] };
agent.self = agent;
agent.tools.push({ name: "search", owner: agent });
assert.equal(safeStringify(agent), '{"name":"planner","tools":[{"name":"search","owner":"[Circular]"}],"self":"[Circular]"}');
const shared = { id: 7 };
assert.equal(safeStringify({ a: shared, b: [shared] }), '{"a":{"id":7},"b":[{"id":7}]}'); // not a cycle
assert.doesNotThrow(() => safeStringify({ req }));
record({ log_line_chars: line.length });
