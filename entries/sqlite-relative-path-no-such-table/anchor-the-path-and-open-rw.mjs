// WRONG: resolved against process.cwd(); started from another directory (a service, cron, a
// test runner), it opens a new empty database:
//   const db = new DatabaseSync("app.db");
//   db.prepare("SELECT * FROM users").all();   // Error: no such table: users
// (better-sqlite3: SqliteError: no such table: users; its option fileMustExist: true refuses a
// missing file the way openExisting does here.)
import { DatabaseSync } from "node:sqlite";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** An absolute path: the setting if given, else next to this module's file. */
export function databasePath(name = "app.db", env = "APP_DATABASE", base = import.meta.url) {
  const configured = process.env[env];
  return configured ? path.resolve(configured) : fileURLToPath(new URL(name, base));
}

/** Open a database that must exist: a wrong path fails here instead of creating an empty file. */
export function openExisting(file) {
  const url = pathToFileURL(path.resolve(file));
  url.search = "mode=rw";
  return new DatabaseSync(url);
}
