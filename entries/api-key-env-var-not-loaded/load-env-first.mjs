// ES module imports are hoisted: every `import` runs before the importing file's own code, so
//   import { client } from "./llm.mjs";   // llm.mjs: export const client = new OpenAI();
//   import dotenv from "dotenv"; dotenv.config();   // runs after llm.mjs created the client
// creates the client with no key. Load the environment in a module imported FIRST (or start
// with `node --env-file=.env app.mjs`), resolve .env from the project folder, not the cwd,
// and create clients lazily.
import { existsSync } from "node:fs";

export function loadProjectEnv(projectDir) {
  const file = new URL(".env", projectDir.endsWith("/") ? projectDir : `${projectDir}/`);
  if (existsSync(file)) process.loadEnvFile(file); // Node >= 20.12 / 21.7; keeps values already set
  return file.pathname;
}

export function requireEnv(name) {
  const value = (process.env[name] ?? "").trim();
  if (!value) throw new Error(`${name} is not set: export it or add it to .env, loaded before any client is created`);
  return value;
}

export function lazy(create) {
  let instance;
  return () => (instance ??= create());
}
