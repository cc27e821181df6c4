// Give the Node SDK's own HTTP client the proxy, and check at start-up that the API host can be
// reached, failing at once with a message that names the host.
//
// WRONG: new OpenAI() (openai-node v4, node-fetch) or the AI SDK / @google/genai on the built-in
//   fetch, on a network that blocks api.openai.com, with HTTPS_PROXY exported or a proxy set in
//   the browser: neither node-fetch nor Node's fetch reads it, so every request goes direct and
//   fails with "connect ETIMEDOUT 157.240.x.x:443" / "fetch failed", retried, then
//   APIConnectionError: Connection error.
//
// RIGHT (Node): openai-node v4: new OpenAI({ httpAgent: tunnelingAgent(proxy) }) (or
//   new HttpsProxyAgent(proxy) from https-proxy-agent); SDKs on the built-in fetch:
//   fetchOptions: { dispatcher: new ProxyAgent(proxy) } from undici, or
//   setGlobalDispatcher(new EnvHttpProxyAgent()); or start Node with NODE_USE_ENV_PROXY=1 (recent
//   Node releases read HTTP_PROXY / HTTPS_PROXY / NO_PROXY for fetch and http then).
import http from "node:http";
import https from "node:https";
import { createConnection } from "node:net";
import tls from "node:tls";

export class ApiHostUnreachable extends Error {}

const DEFAULT_PORTS = { "http:": 80, "https:": 443 };
const envValue = (env, name) => env[name.toLowerCase()] || env[name.toUpperCase()] || "";

function noProxyCovers(host, noProxy) {
  return noProxy.split(",").some((raw) => {
    const entry = raw.trim().toLowerCase().replace(/^\./, "");
    return raw.trim() === "*" || (entry !== "" && (host === entry || host.endsWith(`.${entry}`)));
  });
}

// The proxy curl and undici's EnvHttpProxyAgent use for url: HTTPS_PROXY for https (HTTP_PROXY
// for http), else ALL_PROXY; null when NO_PROXY covers the host.
export function proxyFor(url, env = process.env) {
  const { protocol, hostname } = new URL(url);
  if (noProxyCovers(hostname.toLowerCase(), envValue(env, "no_proxy"))) return null;
  return envValue(env, `${protocol.slice(0, -1)}_proxy`) || envValue(env, "all_proxy") || null;
}

export function redact(proxyUrl) {
  const url = new URL(proxyUrl);
  if (url.password) url.password = "***";
  return url.href.replace(/\/$/, "");
}

const tcp = ({ host, port }) => createConnection({ host, port });

// CONNECT host:port through an HTTP proxy; resolves with the socket, ready for TLS to the host.
export function openTunnel(host, port, proxyUrl, { timeoutMs = 5_000, connect = tcp } = {}) {
  const proxy = new URL(proxyUrl);
  if (!(proxy.protocol in DEFAULT_PORTS)) {
    return Promise.reject(new Error(`proxy scheme ${proxy.protocol} is not an HTTP proxy`));
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.hostname, port: Number(proxy.port) || DEFAULT_PORTS[proxy.protocol] });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error(`connect ETIMEDOUT ${proxy.host}`), { code: "ETIMEDOUT" })),
      timeoutMs,
    );
    let head = Buffer.alloc(0);
    const fail = (error) => { clearTimeout(timer); socket.destroy(); reject(error); };
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      clearTimeout(timer);
      socket.off("data", onData).off("error", fail);
      const status = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
      if (status.split(" ")[1] !== "200") {
        socket.destroy();
        reject(new ApiHostUnreachable(`the proxy ${redact(proxyUrl)} did not open ${host}:${port}: ${status}`));
        return;
      }
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      resolve(socket);
    };
    socket.on("data", onData).once("error", fail);
    let request = `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n`;
    if (proxy.username) {
      const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      request += `Proxy-Authorization: Basic ${Buffer.from(user).toString("base64")}\r\n`;
    }
    socket.write(`${request}\r\n`);
  });
}

// An agent for node:https (or node:http with secure: false) that reaches every host through the
// proxy: openai-node v4's httpAgent, node-fetch's agent, https.request's agent.
export function tunnelingAgent(proxyUrl, { secure = true, timeoutMs = 5_000, connect = tcp } = {}) {
  const Base = secure ? https.Agent : http.Agent;
  class TunnelingAgent extends Base {
    createConnection(options, callback) {
      const port = Number(options.port) || (secure ? 443 : 80);
      openTunnel(options.host, port, proxyUrl, { timeoutMs, connect }).then(
        (socket) => callback(null, secure ? tls.connect({ socket, servername: options.servername || options.host }) : socket),
        (error) => callback(error),
      );
    }
  }
  return new TunnelingAgent({ keepAlive: true });
}

// One connection to the API host, through the proxy the client will use, with a short timeout:
// run it at start-up. Resolves with how the host was reached; rejects with ApiHostUnreachable
// naming the host, the proxy (or that there is none) and what to change.
export async function checkApiReachable(baseUrl, { env = process.env, timeoutMs = 5_000, connect = tcp } = {}) {
  const url = new URL(baseUrl);
  const host = url.hostname;
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
  const proxy = proxyFor(baseUrl, env);
  try {
    const socket = proxy
      ? await openTunnel(host, port, proxy, { timeoutMs, connect })
      : await new Promise((resolve, reject) => {
          const s = connect({ host, port });
          const timer = setTimeout(() => s.destroy(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: "ETIMEDOUT" })), timeoutMs);
          s.once("connect", () => { clearTimeout(timer); resolve(s); });
          s.once("error", (error) => { clearTimeout(timer); reject(error); });
        });
    socket.destroy();
  } catch (error) {
    if (error instanceof ApiHostUnreachable) throw error;
    const why = error.message;
    if (proxy) {
      throw new ApiHostUnreachable(`cannot reach the proxy ${redact(proxy)} for ${host}:${port}: ${why}; is it running, at this address?`, { cause: error });
    }
    throw new ApiHostUnreachable(
      `cannot reach ${host}:${port} directly: ${why}. This network does not let it through and no ` +
        "HTTPS_PROXY / ALL_PROXY is set. Give the SDK's own client the proxy (httpAgent, a " +
        "dispatcher, NODE_USE_ENV_PROXY=1) or a base URL it can reach (an approved relay): a " +
        "proxy set in the browser or the OS is not one Node uses.",
      { cause: error },
    );
  }
  return `${host}:${port} reachable ${proxy ? `through ${redact(proxy)}` : "directly"}`;
}
