// WRONG: writeFileSync("copy.png", readFileSync("logo.png", "utf8"))
//        await writeFile("photo.jpg", await (await fetch(url)).text())
//   No error is thrown: each byte that is not valid UTF-8 becomes U+FFFD (ef bf bd), so the copy
//   starts <Buffer ef bf bd 50 4e 47 ...> instead of <Buffer 89 50 4e 47 ...> and will not open.
// Read binary data without an encoding (a Buffer), and check text files before decoding them.
import { readFile, writeFile } from "node:fs/promises";

const SIGNATURES = [
  [[0x89, 0x50, 0x4e, 0x47], "PNG image"],
  [[0xff, 0xd8, 0xff], "JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "GIF image"],
  [[0x25, 0x50, 0x44, 0x46], "PDF"],
  [[0x50, 0x4b, 0x03, 0x04], "zip archive (.zip, .docx, .xlsx)"],
  [[0x1f, 0x8b], "gzip file"],
];

export function binaryKind(bytes) {
  const found = SIGNATURES.find(([magic]) => magic.every((byte, i) => bytes[i] === byte));
  return found ? found[1] : null;
}

export async function copyFileBytes(from, to) {
  await writeFile(to, await readFile(from)); // no encoding: a Buffer in, the same bytes out
}

export async function responseBytes(response) {
  return Buffer.from(await response.arrayBuffer()); // not response.text()
}

export async function readTextFile(path) {
  const bytes = await readFile(path);
  const kind = binaryKind(bytes);
  if (kind) throw new Error(`${path} is a ${kind}, not text: read it as a Buffer (no encoding)`);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes); // throws on invalid UTF-8
}
