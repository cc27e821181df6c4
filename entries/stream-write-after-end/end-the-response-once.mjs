// Code that writes to an HTTP response after it was ended:
// WRONG:
//   res.write("["); loadRows().then((rows) => res.write(rows)); res.end("]");   // ended before the data came
//   fs.readFile(p, (err, data) => { if (err) res.end("not found"); res.end(data); }); // no return
//   setInterval(() => res.write(": ping\n\n"), 15000);  // never cleared, fires after res.end()
//   Error [ERR_STREAM_WRITE_AFTER_END]: write after end
//       at writeAfterEnd (node:_http_outgoing) / at ServerResponse.end / at write_
//   (on a socket the client already closed: ERR_STREAM_DESTROYED, or nothing at all)
// RIGHT: one place ends the response; await the work first; stop timers on 'finish' and 'close'.

/** True while a write can still reach the client: not ended by us, not destroyed. */
export function isOpen(stream) {
  return !stream.writableEnded && !stream.destroyed;
}

/** End the response once; a second call is logged and ignored instead of throwing. */
export function endOnce(res, status, body, log = console.warn) {
  if (!isOpen(res)) {
    log(`response already ${res.destroyed ? "closed" : "ended"}; dropped a second answer (${status})`);
    return false;
  }
  if (!res.headersSent) res.statusCode = status;
  res.end(body);
  return true;
}

/** Write on a timer until the response ends or its client leaves, whichever comes first. */
export function every(res, ms, write) {
  const timer = setInterval(() => {
    if (isOpen(res)) write();
    else stop();
  }, ms);
  const stop = () => clearInterval(timer);
  res.once("finish", stop);
  res.once("close", stop);
  return stop;
}

/** Await the async work, then end: the response ends in one place, after the last write. */
export function rowsHandler(loadRows) {
  return async (req, res) => {
    res.setHeader("content-type", "application/json");
    res.write("[");
    const rows = await loadRows();
    res.write(rows.map((row) => JSON.stringify(row)).join(","));
    endOnce(res, 200, "]");
  };
}

/** Callback style: every branch that answers returns. */
export function fileHandler(readFile) {
  return (req, res) => {
    readFile(req.url, (error, data) => {
      if (error) return endOnce(res, 404, "not found");
      return endOnce(res, 200, data);
    });
  };
}
