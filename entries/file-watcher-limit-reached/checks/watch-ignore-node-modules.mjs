// A project with 1,200 node_modules folders, .git objects and dist output: watching all of it
// runs past a 1,000-watch limit with Node's ENOSPC error; with the ignore list the 18 source
// folders are watched with real fs.watch and a change is seen.
import assert from "node:assert/strict";
import { watch as fsWatch, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const root = join(mkdtempSync(join(tmpdir(), "watch-")), "app");
for (let i = 0; i < 8; i++) mkdirSync(join(root, "src", `feature${i}`, "components"), { recursive: true });
for (let i = 0; i < 600; i++) for (const sub of ["lib", "dist"]) mkdirSync(join(root, "node_modules", `pkg${i}`, sub), { recursive: true });
for (let i = 0; i < 256; i++) mkdirSync(join(root, ".git", "objects", i.toString(16).padStart(2, "0")), { recursive: true });
for (let i = 0; i < 40; i++) mkdirSync(join(root, "dist", "assets", `chunk${i}`), { recursive: true });

const LIMIT = 1000; // stands in for fs.inotify.max_user_watches, which needs root to change
function limitedWatch() {
  let used = 0;
  return (path, listener) => {
    if (used >= LIMIT) {
      const err = new Error(`ENOSPC: System limit for number of file watchers reached, watch '${path}'`);
      Object.assign(err, { errno: -28, code: "ENOSPC", syscall: "watch", path });
      throw err;
    }
    used++;
    return { close() {}, listener };
  };
}

const { watchedDirs, watchTree } = await loadSnippet();
const everything = watchedDirs(root, []);
assert.ok(everything.length > LIMIT, String(everything.length));
assert.throws(() => watchTree(root, () => {}, { ignored: [], watch: limitedWatch() }), (err) => {
  assert.equal(err.code, "ENOSPC");
  assert.match(err.message, /^ENOSPC: System limit for number of file watchers reached, watch '.*'$/);
  return true;
});

const kept = watchedDirs(root);
assert.equal(kept.length, 1 + 1 + 8 * 2);
assert.ok(kept.every((d) => !/[/](node_modules|\.git|dist)([/]|$)/.test(d.slice(root.length))), kept.join());
watchTree(root, () => {}, { watch: limitedWatch() })(); // fits under the limit and closes

// The same ignore list with real fs.watch: the watcher sees a new source file.
let stop;
const seen = new Promise((resolve) => {
  stop = watchTree(root, (path) => path.endsWith("Button.jsx") && resolve(path), { watch: fsWatch });
});
writeFileSync(join(root, "src", "feature3", "components", "Button.jsx"), "export {};\n");
let timer;
const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("no change seen in 5 s")), 5000); });
const changed = await Promise.race([seen, deadline]).finally(() => { clearTimeout(timer); stop(); });
assert.ok(changed.endsWith(join("feature3", "components", "Button.jsx")), changed);
record({ dirs_in_project: everything.length, watch_limit: LIMIT, dirs_watched_with_ignores: kept.length });
