// In an ES module (a .mjs file, or .js under "type": "module"), Node resolves a relative import
// exactly as written: no ".js" is added and no index.js is looked up.
// WRONG:  import { slugify } from "./lib/text";   import { db } from "./db";  (a folder)
//   Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/app/lib/text' imported from /app/main.js
//   Error [ERR_UNSUPPORTED_DIR_IMPORT]: Directory import '/app/db' is not supported ...
// RIGHT:  import { slugify } from "./lib/text.js"; import { db } from "./db/index.js";
// TypeScript: "module": "nodenext" makes tsc demand the ".js" in the source (it names the emitted
// file). This codemod adds the missing extensions to emitted or hand-written ES modules.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\2/g;
const HAS_EXTENSION = /\.(m?js|cjs|json|node|wasm)$/;

/** The specifier as Node's ES module loader needs it: the file's own name, or a folder's index.js. */
export function fullSpecifier(specifier, fromDir, exists = existsSync) {
  if (HAS_EXTENSION.test(specifier)) return specifier;
  const bare = specifier.replace(/\/$/, "");
  for (const suffix of [".js", ".mjs", "/index.js", "/index.mjs"]) {
    const candidate = resolve(fromDir, bare + suffix);
    if (exists(candidate) && statSync(candidate).isFile()) return bare + suffix;
  }
  return specifier; // nothing to point to: leave it for the real ERR_MODULE_NOT_FOUND
}

/** The module's source with every relative import, export-from and import() made complete. */
export function addJsExtensions(source, fromDir) {
  return source.replace(SPECIFIER, (_, head, quote, spec) => `${head}${quote}${fullSpecifier(spec, fromDir)}${quote}`);
}

/** Rewrite every .js/.mjs file under dir (node_modules skipped); returns the files changed. */
export function fixProject(dir) {
  const changed = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) changed.push(...fixProject(path));
    else if (/\.m?js$/.test(name)) {
      const before = readFileSync(path, "utf8");
      const after = addJsExtensions(before, dirname(path));
      if (after !== before) writeFileSync(path, after), changed.push(path);
    }
  }
  return changed;
}
