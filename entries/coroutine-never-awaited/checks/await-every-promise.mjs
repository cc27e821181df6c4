// forEach(async ...) returns before any save ends, and `if (checkPermission(user))` is always
// true because a Promise is truthy; the snippet waits for every save and reads the real answer.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const saved = [];
const save = async (item) => { await sleep(5); saved.push(item); };
const checkPermission = async (user) => { await sleep(1); return user === "admin"; };

async function saveAllWrong(items) {
  items.forEach(async (item) => { await save(item); });
  return items.length;
}
await saveAllWrong([1, 2, 3]);
const savedWhenWrongReturned = saved.length;
assert.equal(savedWhenWrongReturned, 0);
assert.ok(checkPermission("guest")); // a pending Promise is truthy: the guest would get in
await sleep(20);

saved.length = 0;
const { saveAll, isAllowed } = await loadSnippet();
assert.equal(await saveAll([1, 2, 3], save), 3);
assert.deepEqual(saved.sort(), [1, 2, 3]);
assert.equal(await isAllowed("guest", checkPermission), false);
assert.equal(await isAllowed("admin", checkPermission), true);
record({ saved_when_forEach_returned: savedWhenWrongReturned, saved_when_saveAll_returned: 3 });
