"""verdict(), which diagnose() runs on its socket handshake, names the server's fault from the
client side: expired, incomplete chain or wrong name, and says ok with the days left for a good
server, with verification on throughout. The sandbox has no sockets, so the same verifying
handshake runs in memory (ssl.MemoryBIO) against servers holding certificates minted for this
check under a stand-in public root. explain() names a private or proxy CA as such."""

import ssl
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

# Root (stands in for a public CA the client trusts) -> intermediate "Example Issuing CA R1" ->
# leaf for shop.example.com and www.shop.example.com, valid 2026-2116; EXPIRED_LEAF: the same
# names and key, valid only 2025-01-01 to 2025-04-01.
ROOT_CA = """-----BEGIN CERTIFICATE-----
MIIBqTCCAU+gAwIBAgIUTjWQY7rO77Pc3/b6VeJC6lW3sTYwCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWRXhhbXBsZSBQdWJsaWMgUm9vdCBDQTAgFw0yNjAxMDEwMDAw
MDBaGA8yMTI2MDEwMTAwMDAwMFowITEfMB0GA1UEAwwWRXhhbXBsZSBQdWJsaWMg
Um9vdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPJUdufcypQbVWQ/rnOx
vtazJJonLrT0rnjwlQcv5j4kXT6q5IGT4LmFPlxy5g1pWDA77lJnP/8RDEqHoBUt
VtKjYzBhMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFEMAPdc4lR5PSOeamldY
+e5mivDnMB8GA1UdIwQYMBaAFEMAPdc4lR5PSOeamldY+e5mivDnMA4GA1UdDwEB
/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAr6KoYCYUqWdrxBObiiCQy+ciikOj
iL7qRjRpjbZUr1cCIDkl1tgv1Zx7bfjmkzjFmBV151N9k6DZJVlA0ck9Pg5t
-----END CERTIFICATE-----"""
INTERMEDIATE = """-----BEGIN CERTIFICATE-----
MIIBqzCCAVGgAwIBAgIUKkzixxAaBl0B8SWe5U6YnMr1DfowCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWRXhhbXBsZSBQdWJsaWMgUm9vdCBDQTAgFw0yNjAxMDEwMDAw
MDBaGA8yMTIwMDEwMTAwMDAwMFowIDEeMBwGA1UEAwwVRXhhbXBsZSBJc3N1aW5n
IENBIFIxMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElrnWspWwEMw6SvZqb6xZ
MHvozZynmXgNF943Yx0Fwy9XGUlKwfwH93ap3SmC8pt/L+KR8oS/N/aurqYBXYWt
DqNmMGQwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQUUBl/30pSMs69oROO
0klkp2z3oiMwHwYDVR0jBBgwFoAUQwA91ziVHk9I55qaV1j57maK8OcwDgYDVR0P
AQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIAC1tPNT7EO+D1qzieFALwKtj7I8
eVc8bslRP64oYDyjAiEA+aFKM66Be+WVWwMNm7taeUHP/JJGn4yAS+kEOkpokxo=
-----END CERTIFICATE-----"""
LEAF = """-----BEGIN CERTIFICATE-----
MIIB6TCCAY+gAwIBAgIURFQzVvH7mwhwZqMF3XIlD/5ANQswCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVRXhhbXBsZSBJc3N1aW5nIENBIFIxMCAXDTI2MDEwMTAwMDAw
MFoYDzIxMTYwMTAxMDAwMDAwWjAbMRkwFwYDVQQDDBBzaG9wLmV4YW1wbGUuY29t
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDqFExMI6K+y0UgdqyIpJQQQv8WZ9
ewLplPvTUC0wsKD+xAFBJWTJm6te08/awFAtusXx1g6iyIX9FAsCyFod4qOBqTCB
pjAMBgNVHRMBAf8EAjAAMB0GA1UdDgQWBBTR/aiQZY9hxA2WVRhjfmaCIzHz9TAf
BgNVHSMEGDAWgBRQGX/fSlIyzr2hE47SSWSnbPeiIzAOBgNVHQ8BAf8EBAMCB4Aw
EwYDVR0lBAwwCgYIKwYBBQUHAwEwMQYDVR0RBCowKIIQc2hvcC5leGFtcGxlLmNv
bYIUd3d3LnNob3AuZXhhbXBsZS5jb20wCgYIKoZIzj0EAwIDSAAwRQIgPUAuh3Fp
wk+OJuJhM3CNWKgDtgzxhJo71GNatHiDKYsCIQDB9201w3jd6kHPKvIvo/mEu+ax
HIfbmEn4/PM4uBCCkw==
-----END CERTIFICATE-----"""
EXPIRED_LEAF = """-----BEGIN CERTIFICATE-----
MIIB6DCCAY2gAwIBAgIUK6r9ANzloT3ge/qfnRVStt+sXb0wCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVRXhhbXBsZSBJc3N1aW5nIENBIFIxMB4XDTI1MDEwMTAwMDAw
MFoXDTI1MDQwMTAwMDAwMFowGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTBZ
MBMGByqGSM49AgEGCCqGSM49AwEHA0IABA6hRMTCOivstFIHasiKSUEEL/FmfXsC
6ZT701AtMLCg/sQBQSVkyZurXtPP2sBQLbrF8dYOosiF/RQLAshaHeKjgakwgaYw
DAYDVR0TAQH/BAIwADAdBgNVHQ4EFgQU0f2okGWPYcQNllUYY35mgiMx8/UwHwYD
VR0jBBgwFoAUUBl/30pSMs69oROO0klkp2z3oiMwDgYDVR0PAQH/BAQDAgeAMBMG
A1UdJQQMMAoGCCsGAQUFBwMBMDEGA1UdEQQqMCiCEHNob3AuZXhhbXBsZS5jb22C
FHd3dy5zaG9wLmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0kAMEYCIQDhXdMLAYcL
1JhwmI5B3yS62MgcXFKxppc+WDoYDO98TQIhAMOzgSpA/d2WJlQpJfKynEk+xGJB
0mChAV1fsmO6Xeah
-----END CERTIFICATE-----"""
LEAF_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgagDxvGeoc0R6uDxK
ASmsjouO90fegO1jp0mHR3WzJSmhRANCAAQOoUTEwjor7LRSB2rIiklBBC/xZn17
AumU+9NQLTCwoP7EAUElZMmbq17Tz9rAUC26xfHWDqLIhf0UCwLIWh3i
-----END PRIVATE KEY-----"""

folder = Path(tempfile.mkdtemp())


def write(name: str, text: str) -> str:
    path = folder / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return str(path)


def server(*certs: str) -> ssl.SSLContext:
    """A server context sending these certificates (leaf first)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(write("chain.pem", "\n".join(certs)), write("key.pem", LEAF_KEY))
    return context


def handshake(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext, host: str) -> dict:
    """A verifying TLS handshake in memory; the peer certificate, or the client's error raised."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=host)
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(20):
        for name, end in (("client", client), ("server", server)):
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


ns = load_snippet()
client = ssl.create_default_context(cafile=write("root.pem", ROOT_CA))


def diagnose(context: ssl.SSLContext, host: str = "shop.example.com") -> str:
    return ns["verdict"](host, lambda: handshake(context, client, host))


leaf_only = diagnose(server(LEAF))
expired = diagnose(server(EXPIRED_LEAF, INTERMEDIATE))
wrong = diagnose(server(LEAF, INTERMEDIATE), host="shop.example.net")
good = diagnose(server(LEAF, INTERMEDIATE))
assert leaf_only.startswith("incomplete chain:") and "fullchain.pem" in leaf_only, leaf_only
assert expired.startswith("expired:") and "certificate has expired" in expired, expired
assert wrong.startswith("wrong name:") and "'shop.example.net'" in wrong, wrong
assert good.startswith("ok:") and "expires in" in good, good
days = int(good.split("expires in ")[1].split()[0])
assert 30000 < days < 40000, good  # valid until 2116
assert client.verify_mode == ssl.CERT_REQUIRED and client.check_hostname  # never loosened

# A chain ending in a root this client does not trust (a proxy's or private CA) is named as such.
stranger = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, but trusts no CA at all
untrusted = ns["verdict"](
    "shop.example.com",
    lambda: handshake(server(LEAF, INTERMEDIATE, ROOT_CA), stranger, "shop.example.com"),
)
assert untrusted.startswith("untrusted CA:") and "self-signed" in untrusted, untrusted

record(
    leaf_only=leaf_only.split(";")[0][:80],
    expired=expired.split(";")[0][:80],
    wrong_name=wrong.split(";")[0][:80],
    good=good[:80],
    untrusted=untrusted.split(";")[0][:80],
)
