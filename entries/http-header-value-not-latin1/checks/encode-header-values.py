"""Raw unicode header values fail in http.client and a WSGI server; the encoded ones round-trip.

No network: http.client encodes the request line and each header in putrequest/putheader before
any connection exists (sock stays None), and a capturing send() stands in for the socket.
"""

import http.client
import io
import re
import wsgiref.handlers
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote

from errata_check import load_snippet, record

NAMES = ["报告 2024.csv", "Résumé – final.pdf", "Capture d’écran.png", "plan-🚀.txt", "notes.txt"]
PAGE = "https://example.com/文档/搜索?q=数据 表&lang=zh#第二节"


class CapturingConnection(http.client.HTTPConnection):
    """An HTTPConnection whose send() keeps the bytes instead of opening a socket."""

    def send(self, data: bytes) -> None:  # type: ignore[override]
        self.sent = getattr(self, "sent", b"") + data


def header_error(name: str, value: str) -> str:
    conn = http.client.HTTPConnection("example.invalid")
    conn.putrequest("GET", "/export")
    try:
        conn.putheader(name, value)
    except UnicodeEncodeError as exc:
        assert conn.sock is None  # raised while building the request: nothing was connected
        return str(exc)
    return ""


wrong = header_error("Content-Disposition", f'attachment; filename="{NAMES[0]}"')
assert re.fullmatch(r"'latin-1' codec can't encode characters in position \d+-\d+: "
                    r"ordinal not in range\(256\)", wrong), wrong
assert "'latin-1' codec" in header_error("Referer", PAGE)
assert header_error("X-User", "Émile") == ""  # latin-1 letters pass, which is why only some fail
line_conn = http.client.HTTPConnection("example.invalid")
try:
    line_conn.putrequest("GET", "/文档")
    line_error = ""
except UnicodeEncodeError as exc:
    line_error = str(exc)
assert line_error.startswith("'ascii' codec can't encode characters"), line_error


def wsgi_response(value: str) -> tuple[bytes, str]:
    """Serve one response through wsgiref's handler (the WSGI server code path) into memory."""

    def app(environ: dict, start_response) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/csv"), ("Content-Disposition", value)])
        return [b"id,name\n1,a\n"]

    out, errors = io.BytesIO(), io.StringIO()
    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "local", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "PATH_INFO": "/export"}
    wsgiref.handlers.SimpleHandler(io.BytesIO(), out, errors, environ).run(app)
    return out.getvalue(), errors.getvalue()


broken, server_log = wsgi_response(f'attachment; filename="{NAMES[0]}"')
assert "UnicodeEncodeError: 'latin-1' codec can't encode" in server_log, server_log
assert b"Content-Disposition" not in broken and not broken.endswith(b"1,a\n")  # cut response

ns = load_snippet()
content_disposition, ascii_url, header_value = (
    ns["content_disposition"], ns["ascii_url"], ns["header_value"])


def received_filename(head: Message) -> str:
    """What a recipient reads (RFC 6266 4.3): filename* (RFC 2231 decoded) over filename."""
    params = [v for k, v in head.get_params([], header="content-disposition") if k == "filename"]
    encoded = [collapse_rfc2231_value(v) for v in params if isinstance(v, tuple)]
    return (encoded or [collapse_rfc2231_value(v) for v in params])[0]


def rfc5987_filename(value: str) -> str:
    """The filename* parameter read as RFC 8187 says: charset'lang'percent-encoded-bytes."""
    found = re.search(r"filename\*=([\w-]+)'[\w-]*'([^;\s]+)", value)
    return unquote(found.group(2), encoding=found.group(1)) if found else ""


for name in NAMES:
    value = content_disposition(name)
    assert value.encode("latin-1").isascii() and "\r" not in value and "\n" not in value
    message = Message()
    message["Content-Disposition"] = value
    assert received_filename(message) == name, (value, received_filename(message))
    assert rfc5987_filename(value) == (name if not name.isascii() else "")
    assert header_error("Content-Disposition", value) == ""
    sent, log = wsgi_response(value)
    assert log == "" and sent.startswith(b"HTTP/1.0 200 OK\r\n") and sent.endswith(b"1,a\n"), log
    head = BytesHeaderParser().parsebytes(sent.split(b"\r\n", 1)[1])
    assert received_filename(head) == name
assert content_disposition("notes.txt") == 'attachment; filename="notes.txt"'
assert 'filename="Resume _ final.pdf"' in content_disposition(NAMES[1])
assert 'filename="evil_.txt"' in content_disposition('evil".txt')  # a quote cannot end the value

url = ascii_url(PAGE)
assert url.isascii() and unquote(url) == PAGE, url
assert url.startswith("https://example.com/%E6%96%87%E6%A1%A3/") and "&lang=zh#" in url
assert ascii_url("https://example.com/a%20b/ü?x=1") == "https://example.com/a%20b/%C3%BC?x=1"
assert ascii_url("https://bücher.example:8443/") == "https://xn--bcher-kva.example:8443/"
assert ascii_url("https://example.com/plain?q=1") == "https://example.com/plain?q=1"
assert unquote(header_value("张三")) == "张三" and header_value("Ada Lovelace") == "Ada Lovelace"

conn = CapturingConnection("example.com")
conn.request("GET", ascii_url(PAGE).split("example.com", 1)[1],
             headers={"Referer": ascii_url(PAGE), "X-User": header_value("张三")})
request_head = BytesHeaderParser().parsebytes(conn.sent.split(b"\r\n", 1)[1])
assert unquote(request_head["Referer"]) == PAGE and unquote(request_head["X-User"]) == "张三"
record(wrong_errors=4, filenames_round_tripped=len(NAMES), urls_round_tripped=1)
