// Node.js raises its own soft open-file limit to the hard limit at startup, so in Node the number
// that is too low is the hard limit, set where the process starts: systemd LimitNOFILE=,
// docker run --ulimit nofile=N:N, the launching shell's ulimit -Hn, launchctl limit maxfiles.
// WRONG: a websocket or proxy server left to hit it at peak load:
//     Error: accept EMFILE / Error: connect EMFILE / Error: EMFILE: too many open files
import { execFileSync } from "node:child_process";

function readLimit(flag) {
  const value = execFileSync("/bin/sh", ["-c", `ulimit ${flag}`], { encoding: "utf8" }).trim();
  return value === "unlimited" ? Infinity : Number(value);
}

/** The soft and hard open-file limits of this process (a child shell inherits them). */
export function nofileLimits() {
  return { soft: readLimit("-Sn"), hard: readLimit("-Hn") };
}

/** At startup: `wanted` live connections if the limit holds them, else an error naming where to raise it. */
export function connectionBudget(wanted, reserve = 64) {
  const { soft } = nofileLimits();
  if (wanted + reserve > soft) {
    throw new Error(
      `this server needs ${wanted + reserve} open files but its limit is ${soft}: raise the hard ` +
        "limit where node starts (systemd LimitNOFILE=, docker run --ulimit nofile=N:N, " +
        "ulimit -n in the launching shell, launchctl limit maxfiles on macOS)",
    );
  }
  return wanted;
}

// Usage, before listening: refuse connections past the budget instead of failing with EMFILE.
//     server.maxConnections = connectionBudget(Number(process.env.MAX_CLIENTS ?? 5000));
