"""Keep a login session across origins: the client asks for credentials, the API allows its exact
origin with Access-Control-Allow-Credentials: true, and the session cookie may cross sites."""

# WRONG, any one of these loses the cookie, and the API sees an anonymous user on the next call:
#   fetch("http://localhost:8000/api/me")                 # no credentials: 'include' missing
#   axios.get(url)                                        # withCredentials not set
#   CORSMiddleware(allow_origins=["*"], allow_credentials=True) / cors({ origin: "*", credentials: true })
#       -> "... must not be the wildcard '*' when the request's credentials mode is 'include'"
#   CORS with the origin but without credentials
#       -> "... Access-Control-Allow-Credentials header in the response is '' which must be 'true'"
#   Set-Cookie: session=...  (no SameSite: Chrome treats it as Lax) from an API on another site
#       -> "This Set-Cookie was blocked because it had the "SameSite=Lax" attribute but came
#           from a cross-site response ..."; SameSite=None without Secure is rejected too.
#
# RIGHT, the client (every call, the login included, so the Set-Cookie is kept):
#   fetch(url, { credentials: "include" })
#   const api = axios.create({ baseURL: API, withCredentials: true })

SAFE_METHODS = ("GET", "HEAD", "POST")


class CredentialedCors:
    """WSGI middleware, outermost: CORS for cookie-carrying calls from the listed origins."""

    def __init__(self, app, allow_origins, allow_methods=("GET", "POST", "PUT", "PATCH", "DELETE"),
                 allow_headers=("content-type", "x-csrf-token"), max_age=600):
        if "*" in allow_origins:
            raise ValueError("credentials need explicit origins: browsers refuse '*' with them")
        self.app = app
        self.allow_origins = {o.rstrip("/") for o in allow_origins}
        self.allow_methods = [m.upper() for m in allow_methods]
        self.allow_headers = [h.lower() for h in allow_headers]
        self.max_age = max_age

    def cors_headers(self, origin):
        return [
            ("Access-Control-Allow-Origin", origin),  # the caller's own origin, never '*'
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),  # the answer depends on Origin: caches must keep them apart
        ]

    def __call__(self, environ, start_response):
        origin = environ.get("HTTP_ORIGIN")
        allowed = origin in self.allow_origins
        if (environ["REQUEST_METHOD"] == "OPTIONS" and origin
                and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")):
            method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
            asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
            names = [h.strip().lower() for h in asked.split(",") if h.strip()]
            ok = (allowed and (method in self.allow_methods or method in SAFE_METHODS)
                  and all(h in self.allow_headers for h in names))
            if not ok:
                start_response("400 Bad Request", [("Content-Length", "0")])
                return [b""]
            start_response("204 No Content", self.cors_headers(origin) + [
                ("Access-Control-Allow-Methods", ", ".join(self.allow_methods)),
                ("Access-Control-Allow-Headers", ", ".join(self.allow_headers)),
                ("Access-Control-Max-Age", str(self.max_age)),
                ("Content-Length", "0"),
            ])
            return [b""]
        if not allowed:
            return self.app(environ, start_response)

        def start_with_cors(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, kept + self.cors_headers(origin), exc_info)

        return self.app(environ, start_with_cors)


def session_cookie(name, value, *, cross_site, secure=None, max_age=None, path="/"):
    """The Set-Cookie value for a session cookie.

    cross_site=True when the page and the API are different sites (another registrable domain,
    http vs https, localhost vs 127.0.0.1): SameSite=None, which browsers accept only with
    Secure, so the API must be served over HTTPS. Between two ports of one host (localhost:3000
    and localhost:8000) or behind one proxy, the pages are same-site and Lax keeps its protection.
    """
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly"]
    if cross_site:
        parts += ["SameSite=None", "Secure"]
    else:
        parts.append("SameSite=Lax")
        if secure:
            parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    return "; ".join(parts)


# The same in the frameworks:
#   FastAPI:  app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"],
#                                allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
#             response.set_cookie("session", sid, httponly=True, samesite="none", secure=True)
#   Flask:    CORS(app, origins=["https://app.example.com"], supports_credentials=True)
#             app.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True)
#   Express:  app.use(cors({ origin: "https://app.example.com", credentials: true }))
#             session({ cookie: { sameSite: "none", secure: true } }); app.set("trust proxy", 1)
#   Django:   CORS_ALLOWED_ORIGINS = [...]; CORS_ALLOW_CREDENTIALS = True
#             SESSION_COOKIE_SAMESITE = "None"; SESSION_COOKIE_SECURE = True (and CSRF_COOKIE_*,
#             CSRF_TRUSTED_ORIGINS for the page's origin)
# Cookies with SameSite=None are third-party cookies: Safari and some Chrome and Firefox settings
# block them. Serving the page and the API from one site (api.example.com under example.com, or a
# reverse proxy / Vite server.proxy forwarding /api) avoids all of this, and Lax then works.
