"""Verify against a current trust store: one that holds the CA's new root and no expired root
an old chain can still end at (DST Root CA X3 for Let's Encrypt, expired 2021-09-30)."""

import ssl
import time
from pathlib import Path

# WRONG: verify=False, ssl._create_unverified_context(), curl -k, NODE_TLS_REJECT_UNAUTHORIZED=0.
# The site's certificate is valid (browsers and up-to-date machines connect to it); this client's
# store is old: it lacks the new root (ISRG Root X1), or it still holds the expired one (DST Root
# CA X3) and an old TLS library (OpenSSL 1.0.x, old GnuTLS) builds the chain through it.
#
# RIGHT, once per machine or image (the code does not change):
#   pip install -U certifi                    2021.10.8 and later no longer ship DST Root CA X3
#   apt-get update && apt-get install -y ca-certificates      (yum update ca-certificates)
#   rebuild FROM a maintained base image instead of one frozen before the root changed
#   a runtime linked to OpenSSL >= 1.1.0 (newer Python, Node, curl): it prefers trusted roots
# Remove the expired root from a Debian/Ubuntu system store:
#   sed -i 's|^mozilla/DST_Root_CA_X3.crt|!mozilla/DST_Root_CA_X3.crt|' /etc/ca-certificates.conf
#   update-ca-certificates --fresh


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


def expired_roots(cafile: str) -> list[str]:
    """Names of the expired certificates in a CA bundle, e.g. ['DST Root CA X3']."""
    now = time.time()
    described = (describe(pem) for pem in split_pem(Path(cafile).read_text(encoding="utf-8")))
    return [name for name, until in described if until < now]


def current_roots(cafile: str) -> str:
    """The bundle without its expired certificates, as PEM text."""
    now = time.time()
    pems = split_pem(Path(cafile).read_text(encoding="utf-8"))
    return "".join(pem for pem in pems if describe(pem)[1] >= now)


def current_context(cafile: str) -> ssl.SSLContext:
    """A verifying client context on cafile's unexpired roots, preferring trusted roots when it
    builds the chain. cafile: certifi.where() after `pip install -U certifi`, or the system
    bundle (/etc/ssl/certs/ca-certificates.crt). Pass it to urlopen(context=), httpx (verify=),
    aiohttp (ssl=). It cannot add a root the bundle lacks: update the bundle for that."""
    context = ssl.create_default_context(cadata=current_roots(cafile))
    context.verify_flags |= ssl.VERIFY_X509_TRUSTED_FIRST
    return context
