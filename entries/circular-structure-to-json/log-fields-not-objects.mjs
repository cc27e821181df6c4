// Logging or returning a whole request, response, socket or HTTP-client error as JSON:
// WRONG:  logger.info(JSON.stringify({ err }))   res.json({ error: err })   JSON.stringify(req)
//   TypeError: Converting circular structure to JSON
//       --> starting at object with constructor 'ClientRequest'
//       |     property 'socket' -> object with constructor 'TLSSocket'
//       --- property '_httpMessage' closes the circle
// Node's HTTP objects point at each other (request -> socket -> request). Log the fields you need;
// where an arbitrary object must be written, replace only true cycles.

/** The small, JSON-safe summary of an error worth logging (works for fetch, axios, got, SDK errors). */
export function errorForLog(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  const response = err.response ?? {};
  const summary = {
    name: err.name,
    message: err.message,
    code: err.code,
    status: err.status ?? err.statusCode ?? response.status ?? response.statusCode,
    method: err.config?.method ?? err.request?.method,
    url: err.config?.url ?? err.request?.path ?? err.url,
    stack: err.stack?.split("\n").slice(0, 6).join("\n"),
  };
  if (err.cause !== undefined) summary.cause = errorForLog(err.cause);
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined));
}

/** JSON.stringify that writes "[Circular]" for a reference back to an ancestor (shared objects stay whole). */
export function safeStringify(value, space) {
  const ancestors = [];
  return JSON.stringify(value, function replacer(key, item) {
    if (typeof item !== "object" || item === null) return item;
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop(); // `this` holds `key`
    if (ancestors.includes(item)) return "[Circular]";
    ancestors.push(item);
    return item;
  }, space);
}
