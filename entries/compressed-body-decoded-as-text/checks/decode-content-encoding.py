"""A gzip body read through http.client fails to decode as text; decompress() per
Content-Encoding (gzip, deflate, raw deflate, unlabelled gzip) returns the text."""

import gzip
import http.client
import json
import socket
import zlib

from errata_check import load_snippet, record

payload = {"city": "Zürich", "items": [1, 2, 3]}
text = json.dumps(payload, ensure_ascii=False)


def serve(body: bytes, encoding: str | None) -> http.client.HTTPResponse:
    """A real HTTP/1.1 response read by http.client over a Unix socket pair."""
    server, client = socket.socketpair()
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
    head += f"Content-Encoding: {encoding}\r\n" if encoding else ""
    server.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    server.close()
    response = http.client.HTTPResponse(client)
    response.begin()
    return response


gz = gzip.compress(text.encode())
naive = []
try:
    serve(gz, "gzip").read().decode("utf-8")  # what urllib/http.client users write
except UnicodeDecodeError as error:
    naive.append(str(error))
try:
    json.loads(serve(gz, "gzip").read())
except UnicodeDecodeError as error:
    naive.append(str(error))
assert naive == ["'utf-8' codec can't decode byte 0x8b in position 1: invalid start byte"] * 2, naive
assert gz[:3] == b"\x1f\x8b\x08"

ns = load_snippet()
assert ns["response_text"](serve(gz, "gzip")) == text
assert ns["response_json"](serve(gz, "gzip")) == payload
assert ns["response_json"](serve(zlib.compress(text.encode()), "deflate")) == payload
raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
assert ns["response_json"](serve(raw.compress(text.encode()) + raw.flush(), "deflate")) == payload
assert ns["response_json"](serve(gz, None)) == payload  # gzipped without saying so
assert ns["response_json"](serve(text.encode(), None)) == payload
try:
    ns["response_text"](serve(b"\x0b\x80", "br"))
    raise AssertionError("brotli accepted")
except ValueError as error:
    refused = str(error)
assert "br-compressed" in refused and "Accept-Encoding: br" in refused
record(naive=naive, refused=refused, gzip_head=gz[:3].hex())
