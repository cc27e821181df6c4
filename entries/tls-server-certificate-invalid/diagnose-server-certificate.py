"""Connect with verification on and say which fault of the server's certificate breaks it:
expired, incomplete chain, or a name it does not cover."""

import socket
import ssl
import time
from collections.abc import Callable

# OpenSSL verify codes (X509_V_ERR_*), as found in SSLCertVerificationError.verify_code.
NOT_YET_VALID, EXPIRED = 9, 10
SELF_SIGNED, SELF_SIGNED_IN_CHAIN = 18, 19
NO_LOCAL_ISSUER, LEAF_UNVERIFIABLE = 20, 21
HOSTNAME_MISMATCH = 62


def explain(error: ssl.SSLCertVerificationError, host: str) -> str:
    """One line naming the fault behind a verification error, and where it is fixed."""
    code, message = error.verify_code, error.verify_message
    if code in (EXPIRED, NOT_YET_VALID):
        return (f"expired: {host} serves a certificate outside its dates ({message}); "
                "renew it on the server and reload it (or fix this machine's clock)")
    if code == HOSTNAME_MISMATCH:
        return (f"wrong name: the certificate does not cover {host!r}; reissue it with that "
                "name in subjectAltName, or connect by a name it covers")
    if code in (NO_LOCAL_ISSUER, LEAF_UNVERIFIABLE):
        return (f"incomplete chain: no trusted issuer for {host}'s certificate ({message}); "
                "if other HTTPS hosts verify from here and this one fails from every network, "
                "the server omits its intermediate (openssl s_client -showcerts lists one "
                "certificate): serve fullchain.pem. Fails on one network only: a proxy's CA")
    if code in (SELF_SIGNED, SELF_SIGNED_IN_CHAIN):
        return (f"untrusted CA: {host} is signed by a private or proxy CA ({message}); "
                "trust that CA, do not disable verification")
    return f"other: {message}"


def verdict(host: str, handshake: Callable[[], dict]) -> str:
    """Run a verifying handshake (it returns the peer certificate) and say what it found."""
    try:
        cert = handshake()
    except ssl.SSLCertVerificationError as error:
        return explain(error, host)
    days = (ssl.cert_time_to_seconds(cert["notAfter"]) - time.time()) / 86400
    return f"ok: {host}'s certificate verifies and expires in {days:.0f} days"


def diagnose(host: str, port: int = 443, *, address: str | None = None,
             context: ssl.SSLContext | None = None, timeout: float = 10.0) -> str:
    """Verify host's certificate (at address, if given, with host as the SNI name)."""
    context = context or ssl.create_default_context()  # verification and host names checked

    def handshake() -> dict:
        with socket.create_connection((address or host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                return tls.getpeercert()

    return verdict(host, handshake)


# python diagnose-server-certificate.py api.example.com   (add an IP to test one backend)
if __name__ == "__main__":
    import sys

    print(diagnose(sys.argv[1], address=sys.argv[2] if len(sys.argv) > 2 else None))
