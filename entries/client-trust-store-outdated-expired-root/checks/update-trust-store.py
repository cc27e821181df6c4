"""A site whose certificate is valid fails with "certificate has expired" only for a client whose
trust store is old: the chain the server sends ends, through a cross-signed copy of the CA's new
root, at an old root that has expired, and the store does not hold the new root. A client with
the updated store verifies the same server; current_context() drops the expired root from a
bundle, prefers trusted roots, still rejects a wrong name and a truly expired server certificate,
and cannot invent a root the bundle lacks. The TLS handshakes run in memory (ssl.MemoryBIO)."""

import ssl
import tempfile
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


def handshake(client_ctx: ssl.SSLContext, server_ctx: ssl.SSLContext,
              host: str = "shop.example.com") -> str:
    """A TLS handshake between two in-memory endpoints; 'ok' or the client's error."""
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
                except ssl.SSLError as error:
                    if name == "client":
                        return str(error)
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        if all(done.values()):
            return "ok"
    return "stalled"


ns = load_snippet()
# The chain a Let's Encrypt server sent by default in 2021: leaf, R3, and the cross-signed root.
site = server(LEAF, INTERMEDIATE, CROSS_SIGNED)
old_bundle = write("old-cacert.pem", OLD_ROOT)  # an image or certifi from before the new root
updated_bundle = write("cacert.pem", OLD_ROOT, NEW_ROOT)  # the new root added, the old one kept

# 1. The old client: "certificate has expired", although the site's own certificate is valid.
old_client = handshake(ssl.create_default_context(cafile=old_bundle), site)
assert "CERTIFICATE_VERIFY_FAILED" in old_client, old_client
assert "certificate has expired" in old_client, old_client
# ...while an up-to-date client verifies the very same server: the fault is the client's store.
assert handshake(ssl.create_default_context(cafile=updated_bundle), site) == "ok"

# 2. The snippet names the expired root and leaves it out.
assert ns["expired_roots"](old_bundle) == ["Example Old Root CA"]
assert ns["expired_roots"](updated_bundle) == ["Example Old Root CA"]
context = ns["current_context"](updated_bundle)
names = [dict(p for rdn in ca["subject"] for p in rdn)["commonName"]
         for ca in context.get_ca_certs()]
assert names == ["Example Root X1"], names
assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname  # never loosened
assert context.verify_flags & ssl.VERIFY_X509_TRUSTED_FIRST
fixed = handshake(context, site)
assert fixed == "ok", fixed
# The server may also send the short chain (leaf, R3): the updated client verifies it too.
assert handshake(context, server(LEAF, INTERMEDIATE)) == "ok"

# 3. Still verifying: a wrong name and a server certificate that really expired are refused.
wrong = handshake(context, site, host="shop.example.net")
assert "Hostname mismatch" in wrong, wrong
really_expired = handshake(context, server(EXPIRED_LEAF, INTERMEDIATE, CROSS_SIGNED))
assert "certificate has expired" in really_expired, really_expired

# 4. Dropping the expired root cannot add the missing one: an old bundle must be updated.
no_new_root = handshake(ns["current_context"](old_bundle), site)
assert "unable to get local issuer certificate" in no_new_root, no_new_root

record(
    old_store=old_client.split("] ", 1)[-1][:70],
    expired_in_bundle=ns["expired_roots"](updated_bundle),
    current_context=fixed,
    wrong_name_rejected=True,
    expired_leaf_rejected=True,
    old_bundle_after_drop=no_new_root.split("] ", 1)[-1][:70],
)
