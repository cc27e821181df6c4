// listen EACCES with nothing on the port: on Windows the port lies in a range Hyper-V, WinNAT,
// Docker Desktop or WSL2 excluded (netsh interface ipv4 show excludedportrange protocol=tcp);
// on Linux it is below net.ipv4.ip_unprivileged_port_start (1024) and node lacks
// CAP_NET_BIND_SERVICE. Check the port first, and make the error name the cause.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ROW = /^\s*(\d{1,5})\s+(\d{1,5})\s*(\*)?\s*$/;

export function parseExcludedRanges(netshOutput) {
  return netshOutput.split(/\r?\n/).map((line) => line.match(ROW)).filter(Boolean)
    .map((m) => ({ start: Number(m[1]), end: Number(m[2]), administered: m[3] === "*" }));
}

export function excludedRanges(protocol = "tcp") {
  if (process.platform !== "win32") return [];
  const args = ["interface", "ipv4", "show", "excludedportrange", `protocol=${protocol}`];
  return parseExcludedRanges(execFileSync("netsh", args, { encoding: "utf8", timeout: 10000 }));
}

export function unprivilegedPortStart(path = "/proc/sys/net/ipv4/ip_unprivileged_port_start") {
  if (process.platform === "win32") return 0; // Windows has no privileged ports
  try {
    return Number.parseInt(readFileSync(path, "utf8"), 10);
  } catch {
    return 1024;
  }
}

export function refusalReason(port, { ranges = [], unprivilegedStart = 1024 } = {}) {
  const hit = ranges.find((r) => r.start <= port && port <= r.end);
  if (hit) {
    return `port ${port} lies in the excluded range ${hit.start}-${hit.end} (netsh interface ipv4 show ` +
      "excludedportrange protocol=tcp): no process may bind it, Administrator included. Use a port " +
      "outside every range, or reserve it before WinNAT takes it: net stop winnat, netsh int ipv4 add " +
      `excludedportrange protocol=tcp startport=${port} numberofports=1, net start winnat`;
  }
  if (port < unprivilegedStart) {
    return `port ${port} is below net.ipv4.ip_unprivileged_port_start (${unprivilegedStart}): it needs ` +
      `CAP_NET_BIND_SERVICE. Listen on a port >= ${unprivilegedStart} behind a reverse proxy, or run ` +
      "sudo setcap 'cap_net_bind_service=+ep' $(readlink -f $(which node)) instead of running as root";
  }
  return "";
}

// An EACCES from listen() that the port number explains becomes an error naming the cause;
// anything else (EADDRINUSE: a live listener holds the port) is returned unchanged.
export function explainListenError(error, options) {
  const reason = error?.code === "EACCES" ? refusalReason(error.port, options) : "";
  if (!reason) return error;
  return Object.assign(new Error(`${error.message}: ${reason}`, { cause: error }),
    { code: "EACCES", port: error.port });
}

export function choosePort(preferred, fallbacks, options) {
  const port = [preferred, ...fallbacks].find((p) => !refusalReason(p, options));
  if (port === undefined) throw new Error(refusalReason(preferred, options));
  return port;
}

export function listenAllowed(server, port, host, options) {
  return new Promise((resolve, reject) => {
    const excluded = (options?.ranges ?? []).some((r) => r.start <= port && port <= r.end);
    if (excluded) return reject(Object.assign(new Error(refusalReason(port, options)), { code: "EACCES", port }));
    server.once("error", (error) => reject(explainListenError(error, options)));
    server.listen(port, host, () => resolve(server));
  });
}
