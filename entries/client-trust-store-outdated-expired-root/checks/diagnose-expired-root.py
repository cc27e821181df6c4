"""verdict(), which diagnose() runs on its socket handshakes, tells which certificate "has
expired", with verification on throughout: a root in the client's own bundle (the site is fine,
the store is outdated), or the server's certificate (renew it on the server). The handshakes run in
memory (ssl.MemoryBIO) against servers holding certificates minted for this check; OpenSSL 1.0.2's
chain building, which the sandbox does not have, is played by a client that stops at the first
trusted issuer on the chain the server sent: the expired old root."""

import ssl
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

# Minted offline for this check, as Let's Encrypt's chain was in 2021 (EC P-256):
# OLD_ROOT "Example Old Root CA", self-signed, valid 2000-09-30 to 2021-09-30 (DST Root CA X3);
# NEW_ROOT "Example Root X1", self-signed, valid 2015-2126 (ISRG Root X1);
# CROSS_SIGNED: NEW_ROOT's name and key, issued by OLD_ROOT, valid 2021-2124;
# INTERMEDIATE "Example R3", issued by NEW_ROOT; LEAF shop.example.com and www.shop.example.com,
# issued by R3, valid 2026-2116; EXPIRED_LEAF: the same names and key, valid 2025-01-01 to 04-01.
OLD_ROOT = """-----BEGIN CERTIFICATE-----
MIIBoDCCAUegAwIBAgIUUeNrEWY67vfliwFyaCwbhsfbn8YwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTRXhhbXBsZSBPbGQgUm9vdCBDQTAeFw0wMDA5MzAwMDAwMDBa
Fw0yMTA5MzAwMDAwMDBaMB4xHDAaBgNVBAMME0V4YW1wbGUgT2xkIFJvb3QgQ0Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQfHccwNgu+mpYyapbUN6zExoaOuuOy
tpDGd6yrmIMsQcGx8LAHoRJevsJiHbidnkVquYv7SwmFY6S9b3BAu0lRo2MwYTAP
BgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBSR+6jBvbhx83AceFqZTqaH7tWmMTAf
BgNVHSMEGDAWgBSR+6jBvbhx83AceFqZTqaH7tWmMTAOBgNVHQ8BAf8EBAMCAQYw
CgYIKoZIzj0EAwIDRwAwRAIgdlHDxzJ3afCGyLpFG1XLIDhOXTgCv5At+9yf0UP3
dKACIA+uFf/jZpArnarQxx1S3OX08E2kAn9i+tO0CRJ/SskK
-----END CERTIFICATE-----"""
NEW_ROOT = """-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUWqTF5p3acUY2GX3bY8jKtZ2GMdMwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPRXhhbXBsZSBSb290IFgxMCAXDTE1MDYwNDAwMDAwMFoYDzIx
MjYwNjA0MDAwMDAwWjAaMRgwFgYDVQQDDA9FeGFtcGxlIFJvb3QgWDEwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATygV3+FzepHuHozsmFXW9Y6RbbT29hzSA66Li0
/HWP8vVOOFArokHOGzP/33cMqCbkMzxY+D+0FETJxes9bAnfo2MwYTAPBgNVHRMB
Af8EBTADAQH/MB0GA1UdDgQWBBRf5c19KxGNzZ93UEmlk99AdJl1uDAfBgNVHSME
GDAWgBRf5c19KxGNzZ93UEmlk99AdJl1uDAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI
zj0EAwIDSAAwRQIhANOauImJQ8UV0esY+Fdvyqzbe/aDUFmUjWxiHqcHuKyhAiBx
hhmZjHqPC+z2l9RYeGQv4tc3jV0ukhiddfp55U7Mow==
-----END CERTIFICATE-----"""
CROSS_SIGNED = """-----BEGIN CERTIFICATE-----
MIIBoDCCAUWgAwIBAgIUasOm+B+vKmO2tQsrxTQ5awxoGd4wCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTRXhhbXBsZSBPbGQgUm9vdCBDQTAgFw0yMTAxMjAwMDAwMDBa
GA8yMTI0MDkzMDAwMDAwMFowGjEYMBYGA1UEAwwPRXhhbXBsZSBSb290IFgxMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8oFd/hc3qR7h6M7JhV1vWOkW209vYc0g
Oui4tPx1j/L1TjhQK6JBzhsz/993DKgm5DM8WPg/tBREycXrPWwJ36NjMGEwDwYD
VR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUX+XNfSsRjc2fd1BJpZPfQHSZdbgwHwYD
VR0jBBgwFoAUkfuowb24cfNwHHhamU6mh+7VpjEwDgYDVR0PAQH/BAQDAgEGMAoG
CCqGSM49BAMCA0kAMEYCIQD9cX8nPqe8Xpt97cT1l4wJ9XF7a7m1y5RJEmItjqrM
3wIhAOeKnLyew/Td9m7X9H+Q+MzbIvcev+362ffATQcgpK5L
-----END CERTIFICATE-----"""
INTERMEDIATE = """-----BEGIN CERTIFICATE-----
MIIBmjCCAT+gAwIBAgIUWP9H8NCV/ZgS5ONRV21jvCGMS3AwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPRXhhbXBsZSBSb290IFgxMCAXDTIwMDkwNDAwMDAwMFoYDzIx
MjAwOTE1MDAwMDAwWjAVMRMwEQYDVQQDDApFeGFtcGxlIFIzMFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAE7Q8jJDfCVpwBTfKr6jxgySF02EBBMIcVI4ygBXzUCXMQ
7AV0arQsSF35N1Uu8RKTiMP7Hh7jaOl122AFp/p0mKNmMGQwEgYDVR0TAQH/BAgw
BgEB/wIBADAdBgNVHQ4EFgQUDkKfnov1b0mulsB6hPfVVYiAVUIwHwYDVR0jBBgw
FoAUX+XNfSsRjc2fd1BJpZPfQHSZdbgwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49
BAMCA0kAMEYCIQCwHd/c8h1b3qwP/fE9+N4ZsIEIlC7UHBZi62+ac2hH5AIhAMpb
XX4FWfirfTQKKB/oQiVyDNW6akNEF+Q2wtp7O7MR
-----END CERTIFICATE-----"""
LEAF = """-----BEGIN CERTIFICATE-----
MIIB3zCCAYSgAwIBAgIUfI6ccyX90BXljRT8I+mF+CGkzDowCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKRXhhbXBsZSBSMzAgFw0yNjAxMDEwMDAwMDBaGA8yMTE2MDEw
MTAwMDAwMFowGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABD7kiZavBZqa1BduWS7gEiTBbiFJSzbSXLTfAOPxF0r3
Cgvg4rStoxAYsuO/f8aIUDZ6Zst7LvxRNc+Odwc5BC2jgakwgaYwDAYDVR0TAQH/
BAIwADAdBgNVHQ4EFgQU+YyJv+QxOFpvaCMlgox1X3ktd8YwHwYDVR0jBBgwFoAU
DkKfnov1b0mulsB6hPfVVYiAVUIwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoG
CCsGAQUFBwMBMDEGA1UdEQQqMCiCEHNob3AuZXhhbXBsZS5jb22CFHd3dy5zaG9w
LmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0kAMEYCIQCueo/Im5MY+rzClh1OuKk/
Paeoyz03lKuExP+e9uW4/wIhAK9UEX9sppzHZ3XdSbNoYwuSAP1MblYxBPs3l7dS
muum
-----END CERTIFICATE-----"""
EXPIRED_LEAF = """-----BEGIN CERTIFICATE-----
MIIB3DCCAYKgAwIBAgIUTdYiagO7z6mqXeImvG2gYLnUkjAwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKRXhhbXBsZSBSMzAeFw0yNTAxMDEwMDAwMDBaFw0yNTA0MDEw
MDAwMDBaMBsxGTAXBgNVBAMMEHNob3AuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAQ+5ImWrwWamtQXblku4BIkwW4hSUs20ly03wDj8RdK9woL
4OK0raMQGLLjv3/GiFA2embLey78UTXPjncHOQQto4GpMIGmMAwGA1UdEwEB/wQC
MAAwHQYDVR0OBBYEFPmMib/kMThab2gjJYKMdV95LXfGMB8GA1UdIwQYMBaAFA5C
n56L9W9JrpbAeoT31VWIgFVCMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggr
BgEFBQcDATAxBgNVHREEKjAoghBzaG9wLmV4YW1wbGUuY29tghR3d3cuc2hvcC5l
eGFtcGxlLmNvbTAKBggqhkjOPQQDAgNIADBFAiEA/vndFN8xJU7lTB5Z2QVxfYoD
7qqCtJm1NgPYVtQg3LkCIAND9JQQpzbt+RqFkfHDLNUtOAPySbM6KLHq5KzxhHoS
-----END CERTIFICATE-----"""
LEAF_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkw4wMpkcNtKqcOeo
PtzcLu6n4BDMBvOfpXoJ0MSv3MihRANCAAQ+5ImWrwWamtQXblku4BIkwW4hSUs2
0ly03wDj8RdK9woL4OK0raMQGLLjv3/GiFA2embLey78UTXPjncHOQQt
-----END PRIVATE KEY-----"""

folder = Path(tempfile.mkdtemp())


def write(name: str, *pems: str) -> str:
    path = folder / name
    path.write_text("\n".join(pem.strip() for pem in pems) + "\n", encoding="utf-8")
    return str(path)


def server(*certs: str) -> ssl.SSLContext:
    """A server context sending these certificates, leaf first."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(write("chain.pem", *certs), write("key.pem", LEAF_KEY))
    return context


def connect(client_ctx: ssl.SSLContext, server_ctx: ssl.SSLContext, host: str) -> dict:
    """A verifying TLS handshake in memory; the peer certificate, or the client's error raised."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=host)
    server_end = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(20):
        for name, end in (("client", client), ("server", server_end)):
            if not done[name]:
                try:
                    end.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError:
                    if name == "client":
                        raise
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        if all(done.values()):
            return client.getpeercert()
    raise AssertionError("handshake stalled")


def expired(der: bytes) -> bool:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.load_verify_locations(cadata=der)
    return ssl.cert_time_to_seconds(probe.get_ca_certs()[0]["notAfter"]) < time.time()


ns = load_snippet()
site = server(LEAF, INTERMEDIATE, CROSS_SIGNED)  # Let's Encrypt's default chain in 2021
old_bundle = write("old-cacert.pem", OLD_ROOT)  # an image or certifi from before the new root
updated_bundle = write("cacert.pem", OLD_ROOT, NEW_ROOT)  # new root added, expired one kept
new_bundle = write("new-cacert.pem", NEW_ROOT)  # today's bundles


def diagnose(cafile: str, server_ctx: ssl.SSLContext = site, host: str = "shop.example.com",
             client=None) -> str:
    attempt = client or (lambda context: connect(context, server_ctx, host))
    return ns["verdict"](host, cafile, attempt)


def openssl_102(server_ctx: ssl.SSLContext, host: str = "shop.example.com"):
    """A client that, like OpenSSL 1.0.2, follows the chain the server sent and stops at the first
    issuer its store trusts: the cross-signed root leads to the old root, expired or not."""
    def attempt(context: ssl.SSLContext) -> dict:
        old = [der for der in context.get_ca_certs(binary_form=True) if expired(der)]
        if old:  # the expired old root is trusted and met first on the sent chain
            pems = "".join(ssl.DER_cert_to_PEM_cert(der) for der in old)
            context = ssl.create_default_context(cadata=pems)
        return connect(context, server_ctx, host)
    return attempt


# 1. Old store, valid site: the chain ends at the expired root and the store has no successor.
outdated = diagnose(old_bundle)
assert outdated.startswith("outdated store:") and "Example Old Root CA" in outdated, outdated
assert "certifi" in outdated and "ca-certificates" in outdated, outdated

# 2. The new root and the expired one, with OpenSSL 1.0.2's chain building: the expired root is
#    chosen; without it the same client verifies.
chosen = diagnose(updated_bundle, client=openssl_102(site))
assert chosen.startswith("expired root chosen:") and "Example Old Root CA" in chosen, chosen

# 3. The same bundle with a current OpenSSL verifies, and still names the stale root.
ok = diagnose(updated_bundle)
assert ok.startswith("ok:") and "Example Old Root CA" in ok, ok
assert diagnose(new_bundle) == "ok: shop.example.com verifies"

# 4. The server's own certificate expired: no store update helps, whatever the bundle.
for bundle in (new_bundle, updated_bundle):
    server_fault = diagnose(bundle, server(EXPIRED_LEAF, INTERMEDIATE, CROSS_SIGNED))
    assert server_fault.startswith("server:"), server_fault
    assert "renew it on the server" in server_fault, server_fault

# 5. Other faults are not called an expiry; names are still checked.
wrong = diagnose(new_bundle, host="shop.example.net")
assert wrong.startswith("other:") and "Hostname mismatch" in wrong, wrong

record(
    old_store=outdated.split(";")[0][:90],
    old_openssl=chosen.split(";")[0][:90],
    current_openssl=ok[:90],
    server_expired=server_fault.split(";")[0][:90],
    wrong_name=wrong[:90],
)
