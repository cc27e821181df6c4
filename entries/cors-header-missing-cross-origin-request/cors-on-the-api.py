"""Answer CORS on the API itself: preflights with 2xx and the allowed methods and headers, and
Access-Control-Allow-Origin on every response to an allowed origin (a WSGI middleware that does
what Starlette's CORSMiddleware, flask-cors, Express cors() and django-cors-headers do)."""

# WRONG: an API with no CORS layer, or one that only stamps a header on some routes:
#   @app.get("/api/items") ... response.headers["Access-Control-Allow-Origin"] = "*"
# The browser's preflight (OPTIONS, no cookies, no Authorization) then hits the router or the
# auth check and gets 405, 401 or a trailing-slash redirect without the CORS headers, and the page
# sees "TypeError: Failed to fetch" while curl and Postman (which do no CORS check) work.

SAFE_METHODS = ("GET", "HEAD", "POST")


class CorsMiddleware:
    """Wrap the whole app, outermost, so it runs before routing, redirects and authentication."""

    def __init__(self, app, allow_origins, allow_methods=("GET", "POST", "PUT", "PATCH", "DELETE"),
                 allow_headers=("content-type", "authorization"), expose_headers=(),
                 allow_credentials=False, max_age=600):
        if allow_credentials and "*" in allow_origins:
            raise ValueError("allow_credentials needs explicit origins: browsers refuse '*' then")
        self.app = app
        self.allow_all = "*" in allow_origins
        self.allow_origins = {o.rstrip("/") for o in allow_origins if o != "*"}  # scheme://host:port, no path
        self.allow_methods = [m.upper() for m in allow_methods]
        self.allow_headers = [h.lower() for h in allow_headers]
        self.expose_headers = list(expose_headers)
        self.allow_credentials = allow_credentials
        self.max_age = max_age

    def origin_allowed(self, origin):
        return self.allow_all or origin in self.allow_origins

    def origin_headers(self, origin):
        # An explicit origin is echoed (with Vary: Origin, so caches keep one copy per origin);
        # '*' is sent only when any origin may read and no credentials are involved.
        value = "*" if self.allow_all and not self.allow_credentials else origin
        headers = [("Access-Control-Allow-Origin", value), ("Vary", "Origin")]
        if self.allow_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return headers

    def __call__(self, environ, start_response):
        origin = environ.get("HTTP_ORIGIN")
        requested_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if environ["REQUEST_METHOD"] == "OPTIONS" and origin and requested_method:
            return self.preflight(environ, origin, requested_method.upper(), start_response)
        if not origin or not self.origin_allowed(origin):
            return self.app(environ, start_response)  # no CORS headers: the browser blocks it

        def start_with_cors(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            extra = self.origin_headers(origin)
            if self.expose_headers:
                extra.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
            return start_response(status, kept + extra, exc_info)

        return self.app(environ, start_with_cors)

    def preflight(self, environ, origin, method, start_response):
        """Answer the preflight here, 204, never passing it to routes or auth."""
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
        headers = [h.strip().lower() for h in requested.split(",") if h.strip()]
        refused = []
        if not self.origin_allowed(origin):
            refused.append("origin")
        if method not in self.allow_methods and method not in SAFE_METHODS:
            refused.append("method")
        if any(h not in self.allow_headers for h in headers):
            refused.append("headers")
        if refused:  # as Starlette does: 400 and a reason the developer can read in the Network tab
            body = f"Disallowed CORS {', '.join(refused)}".encode()
            start_response("400 Bad Request", [("Content-Type", "text/plain"),
                                               ("Content-Length", str(len(body)))])
            return [body]
        response = self.origin_headers(origin) + [
            ("Access-Control-Allow-Methods", ", ".join(self.allow_methods)),
            ("Access-Control-Allow-Headers", ", ".join(self.allow_headers)),
            ("Access-Control-Max-Age", str(self.max_age)),
            ("Content-Length", "0"),
        ]
        start_response("204 No Content", response)
        return [b""]


# The same, in the frameworks (list the page's exact origins: scheme, host and port, no path or slash):
#   FastAPI / Starlette:
#     app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"],
#                        allow_methods=["*"], allow_headers=["*"])
#   Flask:   from flask_cors import CORS; CORS(app, origins=["http://localhost:3000"])
#   Express: app.use(cors({ origin: "http://localhost:3000" }))  // before the routes and auth
#   Django:  INSTALLED_APPS += ["corsheaders"]; MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
#            CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
# Auth middleware must let OPTIONS preflights through (they never carry the token), and the page
# should call the route's canonical URL (/api/items/ if that is the route), since a redirect is
# not allowed for a preflight.
