// "TypeError: fetch failed ... ConnectTimeoutError" or "connect ENETUNREACH 2606:4700:...:443": the
// host name has IPv6 (AAAA) and IPv4 (A) addresses, Node 17+ keeps the resolver's order (IPv6
// first) and this machine, container or network has no working IPv6 route. A client that makes one
// attempt connects to the IPv6 address only; Happy Eyeballs (autoSelectFamily, on by default since
// Node 20) cuts each attempt after 250 ms (500 ms in newer Node), which a slow IPv4 handshake can
// miss. Prefer IPv4 and give each attempt time, or fix the network's IPv6.
import dns from "node:dns";
import net from "node:net";

// Process-wide, before the first request: the same as
//   node --dns-result-order=ipv4first --network-family-autoselection-attempt-timeout=1000 app.js
// (or NODE_OPTIONS="..."). Node's fetch, http, https and net all resolve through dns.lookup.
export function preferIPv4({ attemptTimeoutMs = 1000 } = {}) {
  dns.setDefaultResultOrder("ipv4first");
  net.setDefaultAutoSelectFamily(true);
  net.setDefaultAutoSelectFamilyAttemptTimeout(attemptTimeoutMs);
}

// Addresses as dns.lookup returns them with { all: true }, IPv4 first, the order within a family kept.
export const orderIPv4First = (addresses) =>
  [...addresses].sort((a, b) => (a.family === 4 ? 0 : 1) - (b.family === 4 ? 0 : 1));

// For one client only: a `lookup` option (net.connect, http.Agent, https.request, undici's
// Agent({ connect: { lookup } })) that asks `resolve` (dns.lookup by default) and puts IPv4 first.
export function ipv4FirstLookup(resolve = dns.lookup) {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const ordered = orderIPv4First(addresses);
      if (options.all) return callback(null, ordered);
      if (ordered.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }));
      return callback(null, ordered[0].address, ordered[0].family);
    });
  };
}

// Usage:
//   preferIPv4();                                   // first line of the app, or the node flags above
//   https.get(url, { lookup: ipv4FirstLookup() });  // or only for this client
