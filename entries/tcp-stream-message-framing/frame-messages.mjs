// WRONG: socket.on("data", (chunk) => handle(JSON.parse(chunk)));
//   A 'data' event carries whatever bytes have arrived, not one write(): two quick writes come
//   as one chunk ("Unexpected non-whitespace character after JSON at position 22", older Node
//   "Unexpected token { in JSON at position 22"), a big one as several 64 KiB chunks
//   ("Unterminated string in JSON at position 65536", "Unexpected end of JSON input").
// Mark where each message ends (a length prefix, or one JSON document per line) and buffer.

const HEADER = 4; // a 4-byte big-endian length before every message
const MAX_MESSAGE = 64 * 1024 * 1024;

/** One frame: the length, then the JSON bytes. */
export function encodeFrame(value) {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

/** Call onMessage once per whole length-prefixed message, however the chunks are cut. */
export function onFrames(socket, onMessage, onError = (error) => socket.destroy(error)) {
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= HEADER) {
      const size = buffer.readUInt32BE(0);
      if (size > MAX_MESSAGE) return onError(new Error(`message length ${size} exceeds ${MAX_MESSAGE}`));
      if (buffer.length < HEADER + size) break; // wait for the rest of this message
      const body = buffer.subarray(HEADER, HEADER + size);
      buffer = buffer.subarray(HEADER + size);
      let message;
      try {
        message = JSON.parse(body.toString("utf8")); // whole bytes: no character is cut
      } catch (error) {
        return onError(error);
      }
      onMessage(message);
    }
  });
  socket.on("end", () => {
    if (buffer.length) onError(new Error(`connection closed inside a message (${buffer.length} bytes left)`));
  });
}

/** Newline-delimited JSON: buffer text, parse complete lines only, keep the partial last line. */
export function onJsonLines(socket, onMessage, onError = (error) => socket.destroy(error)) {
  socket.setEncoding("utf8"); // a StringDecoder: a UTF-8 character split between chunks survives
  let pending = "";
  socket.on("data", (text) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop();
    if (pending.length > MAX_MESSAGE) return onError(new Error(`no newline in ${pending.length} characters`));
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line));
      } catch (error) {
        return onError(error);
      }
    }
  });
  socket.on("end", () => {
    if (pending.trim()) onError(new Error(`connection closed inside a line: ${pending.slice(0, 60)}`));
  });
}

/** Write one message per line: JSON.stringify never puts a raw newline inside. */
export function writeJsonLine(socket, value) {
  return socket.write(JSON.stringify(value) + "\n");
}
