// WRONG: spawn/exec with the default stdio, whose stdin is a pipe nobody writes or closes:
//   const child = spawn("sudo", ["journalctl", "-xe"]);   // or exec("git clone https://...")
//   -> the last output is "[sudo] password for agent: " (or "Username for 'https://...':",
//      "Are you sure you want to continue connecting (yes/no/[fingerprint])?", "Ok to proceed?",
//      a pager's ":") and the promise never settles, or a timeout kills it with no reason.

import { spawn } from "node:child_process";

export const NON_INTERACTIVE_ENV = {
  GIT_TERMINAL_PROMPT: "0", // git: fail instead of asking for a username or password
  GIT_SSH_COMMAND: "ssh -o BatchMode=yes", // ssh under git: no password or host-key question
  GIT_PAGER: "cat", // git log / diff / show: no pager waiting for a key
  PAGER: "cat",
  DEBIAN_FRONTEND: "noninteractive", // apt / dpkg: no debconf dialog
};
const PROMPTS = new RegExp(
  [
    String.raw`\[sudo\] password for [^\n]*`, String.raw`password[^\n]*:`,
    String.raw`passphrase[^\n]*:`, String.raw`Username for [^\n]*`,
    String.raw`continue connecting \([^\n]*\)\?`, String.raw`\[[Yy]/[Nn]\]`, String.raw`\([yY]/[nN]\)`,
    String.raw`Ok to proceed\?[^\n]*`, String.raw`\(END\)`, String.raw`--More--`,
  ].join("|"),
  "gi",
);

export class CommandFailed extends Error {}

/** Run `command` with no stdin and no terminal; kill its whole process group at the timeout. */
export function runNonInteractive(command, args = [], { timeoutMs = 120_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"], // stdin is /dev/null: a prompt reads end-of-file at once
      detached: true, // new session and process group: no /dev/tty, and killable as a group
      env: { ...process.env, ...NON_INTERACTIVE_ENV },
    });
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }, timeoutMs);
    child.once("error", (error) => { clearTimeout(timer); reject(error); });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString();
      if (code === 0 && !timedOut) return resolve({ code, output });
      const what = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with ${signal ?? `status ${code}`}`;
      reject(new CommandFailed(reason(command, what, output)));
    });
  });
}

function reason(command, what, output) {
  const prompts = output.match(PROMPTS);
  if (prompts) {
    const prompt = prompts[prompts.length - 1].trim();
    return `${command} ${what} at an interactive prompt: '${prompt}'; it needs an answer nobody`
      + " can type here: use its non-interactive flag or supply the input";
  }
  return `${command} ${what}: ${output.trim().slice(-2000) || "no output"}`;
}
