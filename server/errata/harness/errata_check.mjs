// The helper every JavaScript or TypeScript check imports, inside the sandbox (see
// errata_check.py for Python): load the snippet, record figures.
//
// A check is an ES module (check.mjs, or check.mts with types) run next to the snippet
// (snippet.mjs or snippet.mts, exactly as published) and this module. It passes when its
// evaluation settles without an error: the harness's boot code then sends the verdict and the
// recorded figures on a channel of their own (boot.mjs); an exit code or a printed line decides
// nothing.
//
//     import { loadSnippet, record, scaled } from "./errata_check.mjs";
//     const callLlm = async (data) => { await sleep(scaled(5000)); ... };  // the reader's app
//     const snippet = await loadSnippet({ callLlm });
//     ...assert the behaviour the entry claims...
//     record({ wrongMs, rightMs });
//
// Fixtures stand in for the reader's own application, never for what the snippet itself should
// have written: a fixture named like a global Node already has (fetch, setTimeout, process...)
// is refused, so a snippet that forgets an import fails as published. Each loadSnippet call
// evaluates the snippet afresh, with the fixtures as globals. Node's built-in modules only.

import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const LATENCY_SCALE = 100;
export const MAX_FIGURE_DEPTH = 6;
export const MAX_FIGURE_DIGITS = 30;
export const MAX_FIGURE_TEXT = 2000;
export const MAX_FIGURE_ITEMS = 1000;
const SNIPPET = /^snippet\.(mjs|mts|js|ts)$/;
const figures = {};
let loads = 0;

export class FixtureError extends Error {}
export class FigureError extends Error {}

/** Milliseconds to wait for a latency the article states in ms, scaled down 100x. */
export function scaled(publishedMs) {
  return publishedMs / LATENCY_SCALE;
}

/** A promise that resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function snippetPath(dir) {
  const found = readdirSync(dir).filter((name) => SNIPPET.test(name));
  if (found.length !== 1) throw new Error(`expected one snippet file in ${dir}, found ${found}`);
  return `${dir}/${found[0]}`;
}

/** Evaluate the snippet as a fresh ES module with the fixtures as globals; its exports. */
export async function loadSnippet(fixtures = {}, { dir = "/tmp" } = {}) {
  for (const name of Object.keys(fixtures)) {
    if (name in globalThis) {
      throw new FixtureError(
        `fixture '${name}' would stand in for a global the snippet must import or use itself`,
      );
    }
  }
  for (const [name, value] of Object.entries(fixtures)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  loads += 1;
  return import(`${pathToFileURL(snippetPath(dir)).href}?load=${loads}`);
}

/** Record measured figures (small JSON values); they reach the harness only if the check ends. */
export function record(newFigures) {
  checkFigures({ ...figures, ...newFigures });
  Object.assign(figures, newFigures);
}

/** The figures recorded so far (read by the boot code once the check has ended). */
export function recordedFigures() {
  return JSON.parse(JSON.stringify(figures));
}

/** Throw FigureError unless `value` is an object of small, finite JSON values. */
export function checkFigures(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new FigureError("figures must be an object of name -> value");
  }
  checkValue(value, 0, { left: MAX_FIGURE_ITEMS });
}

function checkValue(value, depth, budget) {
  budget.left -= 1;
  if (budget.left < 0) throw new FigureError(`more than ${MAX_FIGURE_ITEMS} figure values`);
  if (depth > MAX_FIGURE_DEPTH) {
    throw new FigureError(`figures nested deeper than ${MAX_FIGURE_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    for (const item of value) checkValue(item, depth + 1, budget);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) checkValue(item, depth + 1, budget);
  } else {
    checkScalar(value);
  }
}

function checkScalar(value) {
  const kind = typeof value;
  if (!(value === null || ["string", "number", "boolean"].includes(kind))) {
    throw new FigureError(`a figure of type ${kind} is not a JSON value`);
  }
  if (kind === "string" && value.length > MAX_FIGURE_TEXT) {
    throw new FigureError(`a figure text is longer than ${MAX_FIGURE_TEXT} characters`);
  }
  if (kind === "number" && !Number.isFinite(value)) {
    throw new FigureError(`a figure is ${value}, not a finite number`);
  }
  if (kind === "number" && Math.abs(value) >= 10 ** MAX_FIGURE_DIGITS) {
    throw new FigureError(`a figure number has more than ${MAX_FIGURE_DIGITS} digits`);
  }
}
