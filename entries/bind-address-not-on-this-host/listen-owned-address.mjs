// Listen only on an address this host owns; when the configured one is not, say which it owns.
// (A public/elastic IP behind NAT, the host's LAN IP inside a container, or a name that resolves
// to another machine fails with: Error: listen EADDRNOTAVAIL: address not available 10.0.0.5:8080)
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

// Every address of this host; a loopback entry covers its whole range (127.0.0.0/8 on Linux).
export function ownedAddresses(interfaces = networkInterfaces()) {
  const owned = new BlockList();
  const shown = [];
  for (const entry of Object.values(interfaces).flat()) {
    const type = entry.family === "IPv6" || entry.family === 6 ? "ipv6" : "ipv4";
    const address = entry.address.split("%")[0];
    const prefix = Number(entry.cidr?.split("/")[1]);
    if (entry.internal && type === "ipv4" && prefix < 32) owned.addSubnet(address, prefix, type);
    else owned.addAddress(address, type);
    shown.push(entry.internal && type === "ipv4" && prefix < 32 ? entry.cidr : address);
  }
  return { owned, shown };
}

// Resolves to host when this machine owns it (or it is a wildcard); rejects naming what it owns.
export async function checkListenHost(host, interfaces = networkInterfaces()) {
  const { owned, shown } = ownedAddresses(interfaces);
  if (WILDCARDS.has(host) || shown.length === 0) return host; // nothing to compare: listen decides
  const found = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  const ours = found.some(({ address, family }) => owned.check(address.split("%")[0], family === 6 ? "ipv6" : "ipv4"));
  if (!ours) throw notHere(host, shown);
  return host;
}

// server.listen(port, host) that refuses an address this host does not own with a clear error.
export async function listenOn(server, host, port, interfaces = networkInterfaces()) {
  await checkListenHost(host, interfaces);
  return new Promise((resolve, reject) => {
    const failed = (error) =>
      reject(error.code === "EADDRNOTAVAIL" ? notHere(host, ownedAddresses(interfaces).shown, error) : error);
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve(server);
    });
  });
}

function notHere(host, shown, cause) {
  const message =
    `cannot listen on ${host}: no interface of this host has that address ` +
    `(this host has: ${shown.join(", ") || "see ip -br addr / ifconfig"}). Listen on 0.0.0.0 or :: ` +
    "(all interfaces), 127.0.0.1 (this machine only) or one of these; a public or NAT address " +
    "belongs to the router, and a container has its own addresses (publish the port instead)";
  return Object.assign(new Error(message, { cause }), { code: "EADDRNOTAVAIL", host });
}
