// Node started under a low soft limit (64) raises it to the hard limit (256) and holds 100 live
// connections; under a hard limit of 64 the same hub fails with EMFILE. connectionBudget reads the
// limits, refuses a need above them at startup, and as server.maxConnections keeps 20 extra
// clients from reaching EMFILE.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

await loadSnippet(); // the snippet evaluates; the children below import the same file

writeFileSync("/tmp/hub.mjs", `
import net from "node:net";
import { connectionBudget, nofileLimits } from "/tmp/snippet.mjs";
const [clients, budget] = process.argv.slice(2).map(Number);
const limits = nofileLimits(); // at startup, while descriptors are free
const path = "/tmp/hub-" + process.pid + ".sock";
const server = net.createServer((socket) => socket.on("error", () => {}).on("data", (d) => socket.write(d)));
let refused = null;
if (budget) {
  try { server.maxConnections = connectionBudget(budget); } catch (error) { refused = error.message; }
}
const live = [];
const outcome = { served: 0, dropped: 0, errors: {} };
server.on("drop", () => outcome.dropped++); // refused past server.maxConnections
server.on("error", (error) => { outcome.errors["server " + error.code] = (outcome.errors["server " + error.code] ?? 0) + 1; });
await new Promise((resolve) => server.listen(path, resolve));
for (let i = 0; i < clients && !refused; i++) {
  const client = await new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once("data", () => { outcome.served++; resolve(socket); });
    socket.once("error", (error) => { outcome.errors[error.code] = (outcome.errors[error.code] ?? 0) + 1; resolve(null); });
    socket.once("close", () => resolve(null));
    socket.write("tick");
  });
  if (client) live.push(client);
}
console.log(JSON.stringify({ ...outcome, refused, limits }));
live.forEach((socket) => socket.destroy());
server.close();
`);

function hub(nofile, clients, budget = 0) {
  const args = [`--nofile=${nofile}`, process.execPath, "/tmp/hub.mjs", String(clients), String(budget)];
  return new Promise((resolve, reject) =>
    execFile("/usr/bin/prlimit", args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout)))),
  );
}

// Node raised the low soft limit itself: 100 live connections under 64:256.
const lowSoft = await hub("64:256", 100);
assert.deepEqual(lowSoft.limits, { soft: 256, hard: 256 });
assert.equal(lowSoft.served, 100);

// WRONG: the hard limit is what is too low; the same hub fails with EMFILE.
const lowHard = await hub("64:64", 100);
assert.deepEqual(lowHard.limits, { soft: 64, hard: 64 });
// (which side meets it first varies: the client's socket() fails with EMFILE, or the server's
// accept does and libuv drops the connection, so the client's write fails with EPIPE)
const codes = Object.keys(lowHard.errors);
assert.ok(lowHard.served < 100 && codes.some((c) => /EMFILE|EPIPE|ECONNRESET/.test(c)), JSON.stringify(lowHard));
assert.equal(lowHard.dropped, 0);

// RIGHT: at startup, a need above the limit stops with where to raise it...
const refused = await hub("64:64", 100, 100);
assert.match(refused.refused, /LimitNOFILE=.*--ulimit nofile/);
// ...and under a limit that holds it, the budget caps live connections instead of EMFILE.
const capped = await hub("64:256", 120, 100);
assert.equal(capped.refused, null);
assert.deepEqual([capped.served, capped.dropped], [100, 20], JSON.stringify(capped));
assert.ok(!Object.keys(capped.errors).some((c) => c.includes("EMFILE")), JSON.stringify(capped));

record({
  served_under_soft_64_hard_256: lowSoft.served,
  served_under_hard_64: lowHard.served,
  errors_under_hard_64: lowHard.errors,
  capped_served: capped.served,
  capped_dropped_without_emfile: capped.dropped,
});
