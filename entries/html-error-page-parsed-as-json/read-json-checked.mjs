// WRONG: const data = await response.json();
//   An HTML error page (502 from a proxy, 404, a login redirect) gives
//   SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON
// Check response.ok and Content-Type first, and report what came back instead.

export class UnexpectedResponse extends Error {
  constructor(message) { super(message); this.name = "UnexpectedResponse"; }
}

function describe(response, text) {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.trim();
  const type = response.headers.get("content-type") || "no Content-Type";
  return `HTTP ${response.status} from ${response.url || "the server"}, ${type}: ${JSON.stringify(title ?? text.replace(/\s+/g, " ").slice(0, 120))}`;
}

export async function readJson(response) {
  const text = await response.text();
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("json")) {
    throw new UnexpectedResponse(describe(response, text));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnexpectedResponse(`${describe(response, text)} (${error.message})`);
  }
}
