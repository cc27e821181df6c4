// A request handler that sends a response and then keeps going, or an error path that answers
// again after a response was already (partly) sent:
// WRONG:
//   if (!user) { res.statusCode = 404; res.end("not found"); }   // no return
//   res.setHeader("Content-Type", "application/json");             // runs anyway
//   Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client
// Express: res.json()/res.send() twice, next() after res.send(), a callback that fires twice.
// RIGHT: return with every response, and let the error path check res.headersSent.

/** Send one JSON response; returns true, so handlers can write `return sendJson(...)`. */
export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
  return true;
}

/** The handler shape: every branch that answers returns at once. */
export function userHandler(findUser) {
  return async (req, res) => {
    const id = new URL(req.url, "http://local").searchParams.get("id");
    if (!id) return sendJson(res, 400, { error: "id is required" });
    const user = await findUser(id);
    if (!user) return sendJson(res, 404, { error: `no user ${id}` });
    return sendJson(res, 200, user);
  };
}

/** Wrap an async handler: a failure before the response gets a 500; after it, the connection is cut. */
export function guarded(handler, log = console.error) {
  return (req, res) =>
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error) => {
        log(error);
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.destroy(error); // the client sees a broken response, not a truncated success
      });
}
