// WRONG: nothing handles a chunk the last deploy deleted. A tab opened before the deploy still
// runs the old build; navigating to a lazy route asks for /assets/Orders-<old hash>.js, which is
// gone, and the route fails with
//   TypeError: Failed to fetch dynamically imported module: https://.../assets/Orders-1a2b.js
//   ChunkLoadError: Loading chunk 42 failed.   /   Loading CSS chunk 7 failed.
// (or, behind a catch-all fallback, Uncaught SyntaxError: Unexpected token '<').
// Keep the previous deploy's hashed assets for a while (upload new files next to the old ones
// instead of replacing the folder) and reload once when a chunk still fails to load.

const CHUNK_ERRORS = [
  /Failed to fetch dynamically imported module/i, // Chrome
  /error loading dynamically imported module/i, // Firefox
  /Importing a module script failed/i, // Safari
  /Loading (CSS )?chunk \S+ failed/i, // webpack, mini-css-extract-plugin
  /Unable to preload CSS/i, // Vite
];

/** Whether an error (or rejection reason) says a code-split chunk could not be loaded. */
export function isChunkLoadError(error) {
  if (!error) return false;
  if (error.name === "ChunkLoadError" || error.code === "CSS_CHUNK_LOAD_FAILED") return true;
  return CHUNK_ERRORS.some((pattern) => pattern.test(String(error.message ?? error)));
}

/**
 * Reload the page once when a chunk fails to load (Vite's vite:preloadError, or an unhandled
 * ChunkLoadError); a second failure within `windowMs` of that reload is left to surface.
 */
export function reloadOnStaleChunk({
  target = globalThis.window,
  storage = globalThis.sessionStorage,
  reload = () => globalThis.location.reload(),
  now = Date.now,
  windowMs = 10_000,
  key = "stale-chunk-reload-at",
} = {}) {
  const tryReload = (event) => {
    const last = Number(storage.getItem(key) ?? 0);
    if (now() - last < windowMs) return false; // reloaded already: a real error, let it show
    storage.setItem(key, String(now()));
    event.preventDefault();
    reload();
    return true;
  };
  target.addEventListener("vite:preloadError", tryReload);
  target.addEventListener("unhandledrejection", (event) => {
    if (isChunkLoadError(event.reason)) tryReload(event);
  });
}
