"""Trust the intercepting proxy's CA in addition to the usual ones; never turn verification off."""

import os
import ssl

# WRONG: ssl._create_unverified_context(), verify=False, NODE_TLS_REJECT_UNAUTHORIZED=0 or
# PYTHONHTTPSVERIFY=0: every man-in-the-middle is accepted, not only the company's proxy.
# ALSO WRONG: create_default_context(cafile=proxy_ca) alone: trusts the proxy CA *instead of*
# the public CAs, so hosts the proxy does not intercept start failing.


def trusting_context(extra_ca_file: str | None = None) -> ssl.SSLContext:
    """Verifying client context: the default CAs, plus the proxy CA (argument or PROXY_CA_FILE)."""
    context = ssl.create_default_context()  # CERT_REQUIRED and check_hostname stay on
    extra = extra_ca_file or os.environ.get("PROXY_CA_FILE")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


# requests:  session.verify = "/path/bundle.pem"  (certifi.where() contents + the proxy CA)
# httpx:     httpx.Client(verify=trusting_context("/path/proxy-ca.pem"))
# openai:    OpenAI(http_client=httpx.Client(verify=trusting_context(...)))
# Node:      NODE_EXTRA_CA_CERTS=/path/proxy-ca.pem node app.js  (adds to the bundled CAs)
