// The sandbox has no network, so the resolver is a stand-in: api.example.test answers two AAAA and
// two A records in the order getaddrinfo gives on a host with an IPv6 address (IPv6 first). Node's
// own net.connect then chooses which address to try; the check records the address of each
// attempt (the `connectionAttempt` events, the error's `address`) and closes the socket, so the
// outcome of a connect (refused by the sandbox, unreachable elsewhere) decides nothing.
import assert from "node:assert/strict";
import dns from "node:dns";
import net from "node:net";
import { loadSnippet, record } from "./errata_check.mjs";

const { preferIPv4, ipv4FirstLookup, orderIPv4First } = await loadSnippet();
const ANSWER = [
  { address: "2606:4700::6810:1a22", family: 6 },
  { address: "2606:4700::6810:1b22", family: 6 },
  { address: "104.16.28.34", family: 4 },
  { address: "104.16.29.34", family: 4 },
];
const resolverCalls = [];
// The system resolver's answer for a dual-stack name, asynchronously like dns.lookup.
const dualStack = (hostname, options, callback) =>
  setImmediate(() => {
    resolverCalls.push({ hostname, all: Boolean(options.all) });
    if (options.all) callback(null, ANSWER.map((a) => ({ ...a })));
    else callback(null, ANSWER[0].address, ANSWER[0].family);
  });

// Which address(es) Node's net.connect tries for api.example.test:443 with this lookup.
function attempts(lookup, autoSelectFamily) {
  return new Promise((resolve) => {
    const tried = [];
    const socket = net.connect({ host: "api.example.test", port: 443, lookup, autoSelectFamily });
    socket.on("connectionAttempt", (ip) => tried.push(ip));
    socket.on("error", (error) => resolve({ tried, address: error.address ?? null }));
    socket.on("connect", () => { socket.destroy(); resolve({ tried, address: null }); });
  });
}

// 1. Node 17+ keeps the resolver's order: the default is "verbatim", IPv6 stays first.
const defaultOrder = dns.getDefaultResultOrder();
assert.equal(defaultOrder, "verbatim");

// 2. One attempt only (autoSelectFamily off, as in Node 18 and 19): it goes to the IPv6 address.
const single = await attempts(dualStack, false);
assert.equal(single.address, "2606:4700::6810:1a22", JSON.stringify(single));
// With Happy Eyeballs the first attempt is IPv6 too; each waits out the attempt timeout if dropped.
const happy = await attempts(dualStack, true);
assert.equal(happy.tried[0], "2606:4700::6810:1a22", JSON.stringify(happy));

// 3. The per-client fix: the same resolver through ipv4FirstLookup; Node tries IPv4 first.
resolverCalls.length = 0;
const fixedSingle = await attempts(ipv4FirstLookup(dualStack), false);
assert.equal(fixedSingle.address, "104.16.28.34", JSON.stringify(fixedSingle));
const fixedHappy = await attempts(ipv4FirstLookup(dualStack), true);
assert.equal(fixedHappy.tried[0], "104.16.28.34", JSON.stringify(fixedHappy));
// The wrapper asks the resolver for every address, whatever Node asked it for.
assert.ok(resolverCalls.length === 2 && resolverCalls.every((call) => call.hostname === "api.example.test" && call.all));

// 4. The process-wide fix: ipv4first for every dns.lookup (fetch, http, net), attempts given 1 s.
preferIPv4({ attemptTimeoutMs: 1000 });
assert.equal(dns.getDefaultResultOrder(), "ipv4first");
assert.equal(net.getDefaultAutoSelectFamily(), true);
assert.equal(net.getDefaultAutoSelectFamilyAttemptTimeout(), 1000);

// 5. IPv6 stays the fallback; an IPv6-only answer is unchanged; errors pass through.
assert.deepEqual(orderIPv4First(ANSWER).map((a) => a.address), ["104.16.28.34", "104.16.29.34", "2606:4700::6810:1a22", "2606:4700::6810:1b22"]);
assert.deepEqual(orderIPv4First(ANSWER.slice(0, 2)), ANSWER.slice(0, 2));
const failing = (h, o, cb) => setImmediate(() => cb(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" })));
const passed = await new Promise((resolve) => ipv4FirstLookup(failing)("x.test", {}, (e) => resolve(e)));
assert.equal(passed.code, "ENOTFOUND");

record({
  default_order: defaultOrder,
  single_attempt_before: single.address,
  happy_eyeballs_first_before: happy.tried[0],
  single_attempt_after: fixedSingle.address,
  happy_eyeballs_first_after: fixedHappy.tried[0],
  order_after_prefer_ipv4: dns.getDefaultResultOrder(),
});
