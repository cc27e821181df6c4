// A cloud VM's interfaces (os.networkInterfaces() layout): its elastic IP is refused before any
// listen, naming eth0's private address; owned, loopback-range and wildcard hosts pass; a real
// listen where the sandbox allows TCP (here it refuses the socket itself with EACCES).
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { loadSnippet, record } from "./errata_check.mjs";

const { checkListenHost, listenOn } = await loadSnippet();
const vm = {
  lo: [
    { address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true, cidr: "127.0.0.1/8" },
    { address: "::1", netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", family: "IPv6", mac: "00:00:00:00:00:00", internal: true, cidr: "::1/128", scopeid: 0 },
  ],
  eth0: [
    { address: "172.31.5.20", netmask: "255.255.240.0", family: "IPv4", mac: "06:2a:1b:3c:5d:6e", internal: false, cidr: "172.31.5.20/20" },
    { address: "fe80::42a:1bff:fe3c:5d6e", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "06:2a:1b:3c:5d:6e", internal: false, cidr: "fe80::42a:1bff:fe3c:5d6e/64", scopeid: 2 },
  ],
};

const refusal = await checkListenHost("3.120.0.10", vm).then(() => null, (error) => error);
assert.equal(refusal?.code, "EADDRNOTAVAIL");
assert.match(refusal.message, /cannot listen on 3\.120\.0\.10: .*it has: 127\.0\.0\.1\/8, ::1, 172\.31\.5\.20, fe80::42a:1bff:fe3c:5d6e\)/);
await assert.rejects(checkListenHost("2001:db8::5", vm), { code: "EADDRNOTAVAIL" }); // no global IPv6 here
for (const host of ["172.31.5.20", "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "::"]) {
  assert.equal(await checkListenHost(host, vm), undefined);
}

// listenOn refuses before listening: the server never starts on the wrong address.
const server = createServer();
await assert.rejects(listenOn(server, "3.120.0.10", 8080, vm), /it has: .*172\.31\.5\.20/);
assert.equal(server.listening, false);

// This machine's own interfaces and a real listen, as far as the sandbox allows.
let own = "unavailable";
try {
  own = Object.values(networkInterfaces()).flat().map((entry) => entry.address);
} catch (error) {
  own = error.code ?? "error"; // reading interfaces needs a netlink socket
}
const loopback = { lo: vm.lo };
const listened = await listenOn(createServer(), "127.0.0.1", 0, loopback).then(
  (s) => { const port = s.address().port; s.close(); return port > 0 ? "listening" : "no port"; },
  (error) => error.code,
);
assert.ok(["listening", "EACCES", "EPERM"].includes(listened), listened);
let kernelRefusal = "not tried";
if (listened === "listening") {
  const error = await listenOn(createServer(), "203.0.113.7", 0, {}).then(() => null, (e) => e);
  assert.equal(error?.cause?.code, "EADDRNOTAVAIL"); // the kernel's own refusal, explained
  kernelRefusal = error.message.slice(0, 40);
}
record({ elastic_ip_refused: true, listen_on_loopback: listened, own_interfaces: own, kernel_refusal: kernelRefusal });
