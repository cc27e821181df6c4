// tsconfig.json "paths" only tell the type checker where "@/lib/db" lives: tsc emits the
// specifier unchanged, and Node (like ts-node's ESM loader, Jest and Vitest) never reads tsconfig,
// so it looks "@/lib/db" up as a package:
//   Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@/lib' imported from /app/dist/index.js
//   Error: Cannot find module '@/lib/db'  Require stack: - /app/dist/index.js      (CommonJS)
// This build step (what tsc-alias does) rewrites every alias in the emitted files to the relative
// path of the emitted file it names:   "build": "tsc && node rewrite-path-aliases.mjs"
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(["'])([^"'\n]+)\2/g;
const STRING_OR_COMMENT = /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
const EMITTED = /\.(m?js|cjs|d\.ts)$/;

/** A tsconfig file's options as tsc reads them (comments, trailing commas, a relative "extends"),
 * with baseUrl, rootDir, outDir and the folder "paths" are relative to made absolute. */
export function readTsconfig(path) {
  const text = readFileSync(path, "utf8").replace(STRING_OR_COMMENT, (_, str) => str ?? "");
  const config = JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|,(\s*[}\]])/g, (_, s, end) => s ?? end));
  const base = typeof config.extends === "string" && config.extends.startsWith(".")
    ? readTsconfig(resolve(dirname(path), config.extends)) : {};
  const own = { ...(config.compilerOptions ?? {}) };
  for (const key of ["baseUrl", "rootDir", "outDir"]) {
    if (own[key] !== undefined) own[key] = resolve(dirname(path), own[key]);
  }
  if (own.paths) own.pathsDir = dirname(path);
  return { ...base, ...own };
}

function emittedFile(sourcePath, options) {
  const out = join(options.outDir, relative(options.rootDir, sourcePath));
  const stem = out.replace(/\.(d\.ts|tsx?|mts|cts|jsx?|mjs|cjs)$/, "");
  const ext = /\.(mts|mjs)$/.test(out) ? ".mjs" : /\.(cts|cjs)$/.test(out) ? ".cjs" : ".js";
  for (const candidate of [stem + ext, out + ".js", join(out, "index.js")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The relative specifier for an alias as seen from fromDir, or null when no "paths" pattern
 * matches it or no emitted file exists for it (a package import stays as it is). */
export function resolveAlias(specifier, fromDir, options) {
  if (specifier.startsWith(".") || !options.paths) return null;
  for (const [pattern, targets] of Object.entries(options.paths)) {
    const [prefix, suffix = null] = pattern.split("*");
    const fits = suffix === null ? specifier === prefix
      : specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length;
    if (!fits) continue;
    const middle = suffix === null ? "" : specifier.slice(prefix.length, specifier.length - suffix.length);
    for (const target of targets) {
      const file = emittedFile(resolve(options.baseUrl ?? options.pathsDir, target.replace("*", middle)), options);
      if (file === null) continue;
      const path = relative(fromDir, file).split("\\").join("/");
      return path.startsWith(".") ? path : `./${path}`;
    }
  }
  return null;
}

/** Rewrite the aliases in every emitted file under the tsconfig's outDir; the files changed. */
export function rewritePathAliases(tsconfigPath = "tsconfig.json") {
  const options = readTsconfig(tsconfigPath);
  if (!options.rootDir || !options.outDir) {
    throw new Error(`${tsconfigPath}: set compilerOptions.rootDir and outDir, so sources map to emitted files`);
  }
  return rewriteFolder(options.outDir, options);
}

function rewriteFolder(dir, options) {
  const changed = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) changed.push(...rewriteFolder(path, options));
    else if (EMITTED.test(name)) {
      const before = readFileSync(path, "utf8");
      const after = before.replace(SPECIFIER, (whole, head, quote, spec) => {
        const local = resolveAlias(spec, dirname(path), options);
        return local === null ? whole : `${head}${quote}${local}${quote}`;
      });
      if (after !== before) writeFileSync(path, after), changed.push(path);
    }
  }
  return changed;
}
