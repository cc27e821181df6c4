// A recursive watcher (chokidar, webpack's watchpack, Vite, nodemon, Jest --watch without
// watchman) adds one inotify watch per directory on Linux. Watching the project root with
// node_modules, .git and dist included runs past fs.inotify.max_user_watches:
//   Error: ENOSPC: System limit for number of file watchers reached, watch '/app/node_modules/...'
// (on macOS without fsevents or watchman: Error: EMFILE: too many open files, watch).
// Prune ignored folders before descending, and pass the same list to the tool's own option:
//   webpack: watchOptions: { ignored: ["**/node_modules", "**/.git", "**/dist"] }
//   Vite:    server: { watch: { ignored: ["**/data/**"] } }   (.git, node_modules and outDir are skipped by default)
//   nodemon: nodemon.json { "ignore": ["dist/*", "coverage/*"] }   VS Code: "files.watcherExclude"
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const IGNORED = ["node_modules", ".git", "dist", "build", "coverage", ".next", ".cache"];

export function watchedDirs(root, ignored = IGNORED) {
  const skip = new Set(ignored);
  const found = [root];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !skip.has(entry.name)) found.push(...watchedDirs(join(root, entry.name), ignored));
  }
  return found;
}

// Watch each kept directory (fs.watch is one inotify watch per path on Linux); close them all on shutdown.
export function watchTree(root, onChange, { ignored = IGNORED, watch } = {}) {
  const watchers = watchedDirs(root, ignored).map((dir) => watch(dir, (event, name) => onChange(join(dir, String(name)), event)));
  return () => watchers.forEach((w) => w.close());
}
