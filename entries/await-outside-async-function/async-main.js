// `await` is only allowed directly inside an async function, or at the top level of an ES module.
// WRONG (CommonJS file: .cjs, .js under "type": "commonjs", or TypeScript compiled to CommonJS):
//   const config = await loadConfig();
//   SyntaxError: await is only valid in async functions and the top level bodies of modules
// WRONG (a callback that is not async, in any file):
//   items.forEach((item) => { await save(item); });     // SyntaxError: Unexpected reserved word
// RIGHT: make the function that awaits async, and let its caller await it; for a callback loop
// use for...of inside an async function. At the top level of CommonJS, run an async main():
//   async function main() { const config = await loadConfig(); ... }
//   runMain(main);
// (or make the file an ES module: .mjs, or "type": "module", where top-level await works).
"use strict";

/** Run an async entry point: a failure is printed and sets the exit code, never an unhandled rejection. */
function runMain(main, { onError = (error) => console.error(error) } = {}) {
  return Promise.resolve()
    .then(main)
    .catch((error) => {
      onError(error);
      process.exitCode = 1;
    });
}

module.exports = { runMain };
