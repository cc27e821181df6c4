"""A server whose client left mid-response: one debug line, no traceback, the next client served."""

import logging
import sys

log = logging.getLogger("server")

# WRONG: write and hope the client is still there. When the browser navigates away, a request is
# aborted or a health check times out, the next write fails and socketserver prints
#     Exception occurred during processing of request from ('127.0.0.1', 51234)
#     BrokenPipeError: [Errno 32] Broken pipe      (or ConnectionResetError: [Errno 104] ...)
# The response is simply no longer wanted: nothing is broken on the server.

# EPIPE, ECONNRESET, and WSAECONNABORTED ([WinError 10053]) on Windows.
CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class QuietClientDisconnects:
    """Mixin for a socketserver / http.server server class (list it first): a client that went
    away is one debug line instead of a printed traceback; every other error is still printed."""

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, CLIENT_GONE):
            log.debug("client %s went away mid-response: %s", client_address or "-", error)
            return
        super().handle_error(request, client_address)


def send_or_stop(handler, data: bytes) -> bool:
    """Write one chunk of a response; False once the client has gone, so the loop stops
    producing. Use it in handlers that stream (files, server-sent events, long reports)."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
        return True
    except CLIENT_GONE as error:
        log.debug("client went away mid-response: %s", error)
        handler.close_connection = True  # http.server: do not read another request from it
        return False


def broadcast(peers: set, message: bytes) -> None:
    """Send to every connected peer (sockets); a peer that went away is dropped, not fatal."""
    for peer in list(peers):
        try:
            peer.sendall(message)
        except CLIENT_GONE as error:
            log.debug("peer went away, dropped: %s", error)
            peers.discard(peer)
            peer.close()


# class Server(QuietClientDisconnects, http.server.ThreadingHTTPServer): pass
#
# class Handler(http.server.BaseHTTPRequestHandler):
#     def do_GET(self):
#         self.send_response(200)
#         self.end_headers()
#         for chunk in produce():
#             if not send_or_stop(self, chunk):
#                 return
