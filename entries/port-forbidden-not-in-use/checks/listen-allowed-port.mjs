// No TCP here: netsh output as Windows prints it, and listen errors with the fields Node gives
// them (code, errno, syscall, address, port); a real listen only where a TCP socket can be made.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { loadSnippet, record } from "./errata_check.mjs";

const m = await loadSnippet();
const NETSH_EN = `
Protocol tcp Port Exclusion Ranges

Start Port    End Port
----------    --------
      1080        1179
      2961        3060
      3061        3160
      5357        5357
     50000       50059     *

* - Administered port exclusions.
`;
const NETSH_FR = NETSH_EN.replace("Protocol tcp Port Exclusion Ranges", "Protocole tcp Plages d'exclusion de ports")
  .replace("Start Port    End Port", "Port de debut    Port de fin");
const nodeError = (code, address, port) => Object.assign(
  new Error(`listen ${code}: ${code === "EACCES" ? "permission denied" : "address already in use"} ${address}:${port}`),
  { code, errno: code === "EACCES" ? -13 : -98, syscall: "listen", address, port });

// 1. The table parses in any display language; the administered row is marked.
const ranges = m.parseExcludedRanges(NETSH_EN);
assert.deepEqual(m.parseExcludedRanges(NETSH_FR), ranges);
assert.equal(ranges.length, 5);
assert.deepEqual(ranges.at(-1), { start: 50000, end: 50059, administered: true });

// 2. EACCES on a port inside an excluded range names the range; the original stays as the cause.
const windows = { ranges, unprivilegedStart: 0 };
const original = nodeError("EACCES", "0.0.0.0", 3000);
const explained = m.explainListenError(original, windows);
assert.match(explained.message, /^listen EACCES: permission denied 0\.0\.0\.0:3000: port 3000 lies in the excluded range 2961-3060/);
assert.equal(explained.cause, original);
assert.equal(explained.code, "EACCES");

// 3. EACCES on port 80 without the capability names the privileged-port rule and setcap.
const linux = { ranges: [], unprivilegedStart: 1024 };
const privileged = m.explainListenError(nodeError("EACCES", "0.0.0.0", 80), linux);
assert.match(privileged.message, /ip_unprivileged_port_start \(1024\).*CAP_NET_BIND_SERVICE.*setcap/);

// 4. What the port does not explain is returned unchanged: a live listener, EACCES on port 8000.
for (const error of [nodeError("EADDRINUSE", "::", 3000), nodeError("EACCES", "0.0.0.0", 8000)]) {
  assert.equal(m.explainListenError(error, { ranges: [], unprivilegedStart: 1024 }), error);
}

// 5. choosePort keeps an allowed preference, else the first allowed fallback, else says why not.
assert.equal(m.choosePort(8000, [8001], { ranges, unprivilegedStart: 1024 }), 8000);
assert.equal(m.choosePort(3000, [3100, 1100, 8080], { ranges, unprivilegedStart: 1024 }), 8080);
assert.equal(m.choosePort(80, [], { ranges: [], unprivilegedStart: 0 }), 80);
assert.throws(() => m.choosePort(80, [443], linux), /CAP_NET_BIND_SERVICE/);

// 6. listenAllowed refuses an excluded port before listening, naming the range.
const server = createServer();
await assert.rejects(m.listenAllowed(server, 3000, "127.0.0.1", windows),
  (error) => error.code === "EACCES" && /2961-3060/.test(error.message));
assert.equal(server.listening, false);

// 7. The machine's own values: the sysctl is read, and Linux lists no excluded ranges.
const start = m.unprivilegedPortStart();
assert.ok(Number.isInteger(start) && start >= 0 && start <= 65536, String(start));
assert.deepEqual(m.excludedRanges(), []);

// 8. A real listen on port 0: it listens where TCP exists; where every TCP socket is refused,
//    the EACCES is passed on unchanged (the port number does not explain it).
let tcpTested = false;
try {
  const real = await m.listenAllowed(createServer(), 0, "127.0.0.1", { ranges, unprivilegedStart: start });
  tcpTested = real.address().port > 0;
  real.close();
} catch (error) {
  assert.equal(error.syscall, "listen");
  assert.equal(error.cause, undefined);
}
record({ ranges_parsed: ranges.length, unprivileged_port_start: start, tcp_tested: tcpTested,
  range_message: explained.message.slice(0, 90), privileged_message: privileged.message.slice(0, 90) });
