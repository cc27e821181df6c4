// CommonJS code (require, module.exports, a .cjs file or "type": "commonjs") that needs a package
// published as ES modules only (node-fetch 3, chalk 5, p-limit 4, strip-ansi 7, nanoid 4, ...).
// WRONG:  const pLimit = require("p-limit");
//   Node < 20.19 / 22.12: Error [ERR_REQUIRE_ESM]: require() of ES Module ... not supported.
//   Newer Node, if the package uses top-level await: Error [ERR_REQUIRE_ASYNC_MODULE].
// import() is available in every CommonJS module of every supported Node version: use it, once.
"use strict";

const loaded = new Map();

/** The ES module's namespace (its default export is `.default`), imported once per specifier. */
function importEsm(specifier) {
  if (!loaded.has(specifier)) loaded.set(specifier, import(specifier));
  return loaded.get(specifier);
}

module.exports = { importEsm };

// In a CommonJS entry point:
//   const { importEsm } = require("./import-esm.cjs");
//   async function main() {
//     const { default: pLimit } = await importEsm("p-limit");
//     ...
//   }
//   main();
// Or move the file to ES modules: "type": "module" in package.json (or the .mjs extension),
// then `import pLimit from "p-limit"`; that is also the fix for
// "SyntaxError: Cannot use import statement outside a module". In TypeScript, "module":
// "nodenext" keeps import() instead of compiling it to require().
