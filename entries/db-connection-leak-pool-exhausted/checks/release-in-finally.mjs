// A pool of 3 connections (acquire times out after 100 ms, like pg's connectionTimeoutMillis):
// releasing only on success leaks one connection per failing query, and the fourth query
// after three failures times out; withConnection keeps all three available.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

function makePool(size, timeoutMs) {
  let free = size;
  const waiters = [];
  const release = () => { free += 1; waiters.shift()?.(); };
  const pool = {
    get idle() { return free; },
    async connect() {
      const deadline = Date.now() + timeoutMs;
      while (free === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("timeout exceeded when trying to connect");
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, left); });
      }
      free -= 1;
      let released = false;
      return {
        query: async (sql) => { if (sql.includes("bad")) throw new Error("syntax error"); return [1]; },
        release: () => { if (!released) { released = true; release(); } },
      };
    },
  };
  return pool;
}

async function leaky(pool, sql) {
  const connection = await pool.connect();
  const rows = await connection.query(sql);
  connection.release();
  return rows;
}
const queries = ["select bad", "select bad", "select bad", "select 1"];
const wrongPool = makePool(3, 100);
const wrongErrors = [];
for (const sql of queries) await leaky(wrongPool, sql).catch((e) => wrongErrors.push(e.message));
assert.equal(wrongErrors.at(-1), "timeout exceeded when trying to connect");
assert.equal(wrongPool.idle, 0);

const { withConnection } = await loadSnippet();
const pool = makePool(3, 100);
const errors = [];
for (const sql of queries) await withConnection(pool, (c) => c.query(sql)).catch((e) => errors.push(e.message));
assert.deepEqual(errors, ["syntax error", "syntax error", "syntax error"]);
assert.equal(pool.idle, 3);
record({ leaky_idle_after: wrongPool.idle, fixed_idle_after: pool.idle });
