// Listen only on an address this host owns (os.networkInterfaces()), else name the ones it has.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

export function ownedAddresses(interfaces = networkInterfaces()) {
  const owned = new BlockList();
  const shown = [];
  for (const { address, family, internal, cidr } of Object.values(interfaces).flat()) {
    const type = family === "IPv6" || family === 6 ? "ipv6" : "ipv4";
    const prefix = Number(cidr?.split("/")[1]);
    const range = internal && type === "ipv4" && prefix < 32; // 127.0.0.0/8 on Linux
    range ? owned.addSubnet(address, prefix, type) : owned.addAddress(address.split("%")[0], type);
    shown.push(range ? cidr : address);
  }
  return { owned, shown };
}

export async function checkListenHost(host, interfaces = networkInterfaces()) {
  const { owned, shown } = ownedAddresses(interfaces);
  if (["", "0.0.0.0", "::"].includes(host) || !shown.length) return;
  const found = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  if (!found.some((a) => owned.check(a.address.split("%")[0], a.family === 6 ? "ipv6" : "ipv4"))) {
    throw notHere(host, shown);
  }
}

export async function listenOn(server, host, port, interfaces = networkInterfaces()) {
  await checkListenHost(host, interfaces);
  return new Promise((resolve, reject) => {
    const failed = (error) =>
      reject(error.code === "EADDRNOTAVAIL" ? notHere(host, ownedAddresses(interfaces).shown, error) : error);
    server.once("error", failed);
    server.listen(port, host, () => resolve(server.off("error", failed)));
  });
}

function notHere(host, shown, cause) {
  const message = `cannot listen on ${host}: not an address of this host (it has: ${shown.join(", ")}); ` +
    "use 0.0.0.0 (all), 127.0.0.1 (local) or one of these; in Docker publish the port";
  return Object.assign(new Error(message, { cause }), { code: "EADDRNOTAVAIL" });
}
