// HTTP header values are ISO-8859-1 bytes (RFC 9110 5.5), not text. A file name, URL or user
// name with other characters must be encoded before it goes into a header:
// WRONG:
//   res.setHeader("Content-Disposition", `attachment; filename="${title}.mp3"`);  // 报告, 🚀
//   -> TypeError [ERR_INVALID_CHAR]: Invalid character in header content ["Content-Disposition"]
//   fetch(url, { headers: { "X-User": "张三" } })
//   -> TypeError: Cannot convert argument to a ByteString because the character at index 0 has
//      a value of 24352 which is greater than 255. (browsers: String contains non ISO-8859-1 code point)
// RIGHT: filename*=UTF-8''<percent-encoded> with an ASCII filename= fallback (RFC 6266, 8187),
// encodeURI for URLs, encodeURIComponent for free text the receiver decodes.

/** An ASCII stand-in for old clients: accents stripped (é -> e), anything else -> "_". */
export function asciiFallback(filename) {
  const bare = filename.normalize("NFKD").replace(/\p{M}/gu, "");
  return bare.replace(/[^\x20-\x7e]|["\\]/gu, "_") || "download";
}

/** RFC 5987 value characters: encodeURIComponent leaves ' ( ) * which attr-char does not allow. */
function encodeRfc5987(text) {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 section 4.3). */
export function contentDisposition(filename, disposition = "attachment") {
  const fallback = asciiFallback(filename);
  const value = `${disposition}; filename="${fallback}"`;
  return fallback === filename ? value : `${value}; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/** A URL for a Location or Referer header: non-ASCII percent-encoded, host in punycode. */
export function asciiUrl(url) {
  return new URL(url).href; // WHATWG URL: path/query percent-encoded as UTF-8, host via IDNA
}

/** Free text (a user name, a title) for a custom header; the receiver applies decodeURIComponent. */
export function headerValue(text) {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}
