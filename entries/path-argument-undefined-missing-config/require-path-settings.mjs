// A path read from the environment or a config file that is not set is undefined, and Node
// fails far from the cause, inside path or fs:
// WRONG:  const uploads = path.join(process.env.DATA_DIR, "uploads");
//   TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string. Received undefined
//   fs.readFileSync(config.promptFile): ... must be of type string or an instance of Buffer or URL.
// Also wrong: { ...defaults, ...fromEnv } where fromEnv has outputDir: undefined (the key is
// present, so it overrides the default with undefined).
// RIGHT: read every path setting once at startup, name what is missing, resolve the rest.
import { isAbsolute, resolve } from "node:path";

export class ConfigError extends Error {}

/** Defaults overridden only by values that are actually set (undefined and "" do not count). */
export function mergeSet(defaults, ...overrides) {
  const merged = { ...defaults };
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override)) if (value !== undefined && value !== "") merged[key] = value;
  }
  return merged;
}

/**
 * spec maps each setting to { env, default? }. Returns absolute paths (relative values resolved
 * against baseDir, not the working directory) or throws one ConfigError naming every missing one.
 */
export function loadPathSettings(spec, env = process.env, baseDir = process.cwd()) {
  const missing = [];
  const paths = {};
  for (const [name, { env: variable, default: fallback }] of Object.entries(spec)) {
    const value = env[variable] || fallback;
    if (!value) missing.push(`${variable} (${name})`);
    else paths[name] = isAbsolute(value) ? value : resolve(baseDir, value);
  }
  if (missing.length > 0) {
    throw new ConfigError(`missing path settings: ${missing.join(", ")}; set them in the environment or .env (loaded before this runs)`);
  }
  return paths;
}
