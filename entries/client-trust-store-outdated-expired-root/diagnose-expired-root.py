"""Tell from the client which certificate "has expired": a root in this client's own trust store
(the site is fine: update the store) or the server's own certificate (renew it on the server)."""

import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path

EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED, SSLCertVerificationError.verify_code
NO_ISSUER = (2, 20)  # unable to get (local) issuer certificate


def split_pem(bundle: str) -> list[str]:
    """The certificates of a PEM bundle, one PEM block each."""
    end = "-----END CERTIFICATE-----"
    blocks = [part[part.index("-----BEGIN"):] for part in bundle.split(end) if "-----BEGIN" in part]
    return [block + end + "\n" for block in blocks]


def describe(pem: str) -> tuple[str, float]:
    """A CA certificate's common name and its notAfter (seconds since the epoch)."""
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.load_verify_locations(cadata=pem)
    cert = probe.get_ca_certs()[0]
    subject = dict(pair for rdn in cert["subject"] for pair in rdn)
    name = subject.get("commonName") or subject.get("organizationName", "?")
    return name, ssl.cert_time_to_seconds(cert["notAfter"])


def split_by_expiry(cafile: str) -> tuple[list[str], str]:
    """The names of the bundle's expired roots, and the PEM text of the others."""
    now, stale, current = time.time(), [], []
    for pem in split_pem(Path(cafile).read_text(encoding="utf-8")):
        name, until = describe(pem)
        if until < now:
            stale.append(name)
        else:
            current.append(pem)
    return stale, "".join(current)


def verdict(host: str, cafile: str, attempt: Callable[[ssl.SSLContext], object]) -> str:
    """Run attempt (a verifying handshake with the given context) on the bundle as it is, and
    after a "certificate has expired", again without the bundle's expired roots."""
    stale, current = split_by_expiry(cafile)
    try:
        attempt(ssl.create_default_context(cafile=cafile))
    except ssl.SSLCertVerificationError as error:
        if error.verify_code != EXPIRED:
            return f"other: {error.verify_message}"
        return after_expiry(host, stale, current, attempt)
    note = f" (expired roots still in the bundle: {stale})" if stale else ""
    return f"ok: {host} verifies{note}"


def after_expiry(host: str, stale: list[str], current: str,
                 attempt: Callable[[ssl.SSLContext], object]) -> str:
    """Retry without the expired roots: which certificate had expired decides the verdict."""
    without_expired = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, checks host names
    if current:
        without_expired.load_verify_locations(cadata=current)
    try:
        attempt(without_expired)
    except ssl.SSLCertVerificationError as error:
        if error.verify_code == EXPIRED:
            return (f"server: {host}'s own certificate or its intermediate has expired; "
                    "renew it on the server (no trust store update helps)")
        if error.verify_code in NO_ISSUER and stale:
            return (f"outdated store: {host}'s chain ends at the expired root "
                    f"{', '.join(stale)} and this bundle lacks its successor; update it "
                    "(pip install -U certifi, ca-certificates, a newer base image)")
        return f"other: {error.verify_message}"
    return (f"expired root chosen: the bundle holds the new root, but this TLS library built the "
            f"chain through the expired {', '.join(stale)}; remove it from the bundle or upgrade "
            "OpenSSL (>= 1.1.0)")


def default_bundle() -> str:
    """certifi's bundle when installed (requests, httpx), else OpenSSL's default CA file."""
    try:
        import certifi

        return certifi.where()
    except ImportError:
        return ssl.get_default_verify_paths().openssl_cafile


def diagnose(host: str, port: int = 443, cafile: str | None = None, timeout: float = 10.0) -> str:
    """Connect to host with verification on, against cafile (default_bundle() by default)."""
    def attempt(context: ssl.SSLContext) -> object:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                return tls.getpeercert()

    return verdict(host, cafile or default_bundle(), attempt)


# python diagnose-expired-root.py example.org [/path/to/cacert.pem]
if __name__ == "__main__":
    import sys

    print(diagnose(sys.argv[1], cafile=sys.argv[2] if len(sys.argv) > 2 else None))
