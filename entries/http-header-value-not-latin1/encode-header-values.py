"""HTTP header values that always encode: RFC 6266 / 8187 filenames, percent-encoded URLs."""

import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

# WRONG: headers["Content-Disposition"] = f'attachment; filename="{name}"'   (name = "报告.csv")
#        headers["Referer"] = "https://example.com/文档"
#   -> UnicodeEncodeError: 'latin-1' codec can't encode characters ... (http.client putheader,
#      gunicorn, waitress, wsgiref, Starlette): header values are ISO-8859-1 bytes, not text.

URL_SAFE = "/:?#[]@!$&'()*+,;=%~"  # reserved characters and existing %XX escapes stay as they are


def ascii_fallback(filename: str) -> str:
    """An ASCII stand-in for old clients: accents stripped (é -> e), other characters -> _."""
    decomposed = unicodedata.normalize("NFKD", filename)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in bare) or "download"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 section 4.3)."""
    fallback = ascii_fallback(filename)
    value = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def ascii_url(url: str) -> str:
    """The URL with non-ASCII path, query and fragment percent-encoded as UTF-8 and an IDNA host."""
    parts = urlsplit(url)
    path, query, fragment = (quote(p, safe=URL_SAFE) for p in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, ascii_netloc(parts.netloc), path, query, fragment))


def ascii_netloc(netloc: str) -> str:
    """user:password@host:port with the user part percent-encoded and the host in IDNA (xn--)."""
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":") if not hostport.startswith("[") else (hostport, "", "")
    ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    return quote(userinfo, safe=":%!$&'()*+,;=") + at + ascii_host + colon + port


def header_value(text: str) -> str:
    """Free text (a user name, a title) for a custom header: as is when ASCII, else percent-encoded
    UTF-8 that the receiver reads back with urllib.parse.unquote / decodeURIComponent."""
    return text if text.isascii() and text.isprintable() else quote(text, safe=" ")
