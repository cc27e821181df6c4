// WRONG: a server that keeps writing to a client without watching for it to leave:
//   net:  socket.write(frame) on a timer, no 'error' listener -> when the viewer closes the tab:
//         node:events  throw er; // Unhandled 'error' event   Error: write EPIPE (or ECONNRESET)
//   http: setInterval(() => res.write(event)) for server-sent events never stops once the
//         browser has gone: the timer and its work leak for every visitor who left.
// A client that leaves is normal: stop writing, log one line, keep serving the others.

const CLIENT_GONE = new Set(["EPIPE", "ECONNRESET", "ECONNABORTED", "ERR_STREAM_DESTROYED", "ERR_STREAM_PREMATURE_CLOSE"]);

export function isClientGone(error) {
  return CLIENT_GONE.has(error?.code);
}

// Watch a socket or an HTTP response: on the client's leaving call onGone once (stop timers,
// unsubscribe, drop the peer) and log one debug line; any other error is still thrown.
// Returns open(): true while writes can still reach the client.
export function watchClient(stream, { onGone = () => {}, log = console } = {}) {
  let gone = false;
  const leave = (why) => {
    if (gone) return;
    gone = true;
    log.debug(`client went away mid-response (${why}); stopped writing`);
    onGone();
  };
  stream.on("error", (error) => {
    if (!isClientGone(error)) throw error;
    leave(error.code);
  });
  stream.on("close", () => {
    if (!stream.writableFinished) leave("connection closed");
  });
  return () => !gone && !stream.destroyed && !stream.writableEnded;
}

// Usage, HTTP (server-sent events, a long download):
//   const timer = setInterval(() => { if (open()) res.write(`data: ${next()}\n\n`); }, 1000);
//   const open = watchClient(res, { onGone: () => clearInterval(timer) });
// ws: check ws.readyState === WebSocket.OPEN before ws.send, and on 'close' delete it from clients.
