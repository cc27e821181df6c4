// Node's own aliases: package.json "imports" (names start with #) are resolved by Node itself,
// for import and require, and by TypeScript ("moduleResolution": "node16", "nodenext" or
// "bundler"), so no build step or loader is needed:
//   package.json:  "imports": { "#lib/*": "./dist/lib/*.js" }
//   src/index.ts:  import { query } from "#lib/db";      (was "@/lib/db", a tsconfig "paths" alias)
// With rootDir/outDir set, tsc maps ./dist/lib/*.js back to src/lib/*.ts for type checking.
// Run once:  addImports("package.json", { "#lib/*": "./dist/lib/*.js" });
//            renameAliases("src", { "@/lib/": "#lib/" });   then drop that entry from "paths".
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(["'])([^"'\n]+)\2/g;
const SOURCE = /\.(m?[jt]sx?|c[jt]s)$/;

/** Merge subpath imports into package.json (each key starts with "#"); true when it changed. */
export function addImports(packageJsonPath, imports) {
  for (const key of Object.keys(imports)) {
    if (!key.startsWith("#") || key === "#" || key.startsWith("#/")) {
      throw new Error(`subpath import ${JSON.stringify(key)} must start with # followed by a name`);
    }
  }
  const text = readFileSync(packageJsonPath, "utf8");
  const pkg = JSON.parse(text);
  const merged = { ...(pkg.imports ?? {}), ...imports };
  if (JSON.stringify(merged) === JSON.stringify(pkg.imports ?? {})) return false;
  writeFileSync(packageJsonPath, JSON.stringify({ ...pkg, imports: merged }, null, 2) + "\n");
  return true;
}

/** Rewrite specifiers starting with an old alias prefix to the new one in every source file under
 * dir (node_modules skipped); the files changed. */
export function renameAliases(dir, renames) {
  const changed = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) changed.push(...renameAliases(path, renames));
    else if (SOURCE.test(name)) {
      const before = readFileSync(path, "utf8");
      const after = before.replace(SPECIFIER, (whole, head, quote, spec) => {
        const old = Object.keys(renames).find((prefix) => spec.startsWith(prefix));
        return old === undefined ? whole : `${head}${quote}${renames[old]}${spec.slice(old.length)}${quote}`;
      });
      if (after !== before) writeFileSync(path, after), changed.push(path);
    }
  }
  return changed;
}
