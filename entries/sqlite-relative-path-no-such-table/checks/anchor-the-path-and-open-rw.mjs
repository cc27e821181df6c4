// A relative name opened from another directory finds an empty new database; databasePath and
// openExisting reach the real one from anywhere, and refuse a missing file without creating it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, unlinkSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { loadSnippet, record } from "./errata_check.mjs";

const root = mkdtempSync("/tmp/project-");
const project = `${root}/project`;
const elsewhere = `${root}/cron-home`;
mkdirSync(project);
mkdirSync(elsewhere);
const setup = new DatabaseSync(`${project}/app.db`);
setup.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada');");
setup.close();

process.chdir(project);
assert.deepEqual(new DatabaseSync("app.db").prepare("SELECT name FROM users").all().map((r) => r.name), ["ada"]);
process.chdir(elsewhere);
const wrong = (() => {
  try { new DatabaseSync("app.db").prepare("SELECT name FROM users").all(); return ""; } catch (error) { return error.message; }
})();
assert.equal(wrong, "no such table: users");
assert.ok(existsSync(`${elsewhere}/app.db`)); // the stray empty database
unlinkSync(`${elsewhere}/app.db`);

const { databasePath, openExisting } = await loadSnippet();
assert.equal(databasePath(), "/tmp/app.db"); // next to the module, wherever the process started
process.env.APP_DATABASE = `${project}/app.db`;
const file = databasePath();
assert.equal(file, `${project}/app.db`);
assert.deepEqual(openExisting(file).prepare("SELECT name FROM users").all().map((r) => r.name), ["ada"]);
const refused = (() => { try { openExisting(`${elsewhere}/app.db`); return ""; } catch (error) { return error.message; } })();
assert.equal(refused, "unable to open database file");
assert.ok(!existsSync(`${elsewhere}/app.db`));
record({ wrong, refused });
