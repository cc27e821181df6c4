"""Behind an intercepting proxy: the default context fails with CERTIFICATE_VERIFY_FAILED, the
fix trusts the proxy CA and still rejects other issuers and wrong host names. The TLS handshake
runs in memory (ssl.MemoryBIO), so no network is needed."""

import ssl
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

# A stand-in for the company's proxy CA and the certificate it mints for api.example.com.
PROXY_CA = """-----BEGIN CERTIFICATE-----
MIIB1jCCAXugAwIBAgIUdYdpk1subOmJ0UbjYI7d742NjdwwCgYIKoZIzj0EAwIw
NzEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMR4wHAYDVQQDDBVFeGFtcGxlIENvcnAg
UHJveHkgQ0EwIBcNMjYxMjA2MDUxMDEyWhgPMjEyNjExMTIwNTEwMTJaMDcxFTAT
BgNVBAoMDEV4YW1wbGUgQ29ycDEeMBwGA1UEAwwVRXhhbXBsZSBDb3JwIFByb3h5
IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXtU6LwKTjeYvDJV7P7Sf3ARx
D/SF1Y0+pijpht1ZCpazAAspKYnOjxQ0RLEjDkP/cYPWo00Vqpr7joSLwp4/0aNj
MGEwHQYDVR0OBBYEFPV72oh4euqXn4NnI8+BowHxo/NMMB8GA1UdIwQYMBaAFPV7
2oh4euqXn4NnI8+BowHxo/NMMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD
AgEGMAoGCCqGSM49BAMCA0kAMEYCIQDca1Eo86dWHLUJkLP3HaSCk7bdHno9cggi
qR471ALtHwIhAO6zC9Z5kFxkWEauTuqcugDiQ2ocadivDbh/wkAdvlag
-----END CERTIFICATE-----"""
LEAF = """-----BEGIN CERTIFICATE-----
MIIB0zCCAXmgAwIBAgIUe9VQAXdoSoSi5Tvfp9UhFh6wOVAwCgYIKoZIzj0EAwIw
NzEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMR4wHAYDVQQDDBVFeGFtcGxlIENvcnAg
UHJveHkgQ0EwIBcNMjYxMjA2MDUxMDEyWhgPMjEyNjExMTIwNTEwMTJaMBoxGDAW
BgNVBAMMD2FwaS5leGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IA
BHjxpkNTD/r0jiCcvtCb0d/JTJnwxFH55MstDZOyEh6BgJGb3DmJmQob0ZDyqK5X
UF1WEoDulzFZHAFeRXYlvFejfjB8MBoGA1UdEQQTMBGCD2FwaS5leGFtcGxlLmNv
bTAJBgNVHRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBTEnazB
0z0CDy5T5cxmwbrlvz63BTAfBgNVHSMEGDAWgBT1e9qIeHrql5+DZyPPgaMB8aPz
TDAKBggqhkjOPQQDAgNIADBFAiBpS4S+EPOIqo7dYV2fWMR3UgEfzt439Ufzl9Wm
7zUHMgIhAJv/Kzcsi/4oE9Pdqz3Rib8lBSVcNixAX1TuJWNEOsM5
-----END CERTIFICATE-----"""
LEAF_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgF6G44JDcu3FJEUVp
64Al+Kud9nJmTSZCVE1cW8BMp+uhRANCAAR48aZDUw/69I4gnL7Qm9HfyUyZ8MRR
+eTLLQ2TshIegYCRm9w5iZkKG9GQ8qiuV1BdVhKA7pcxWRwBXkV2JbxX
-----END PRIVATE KEY-----"""
# A self-signed certificate for the same name: an attacker's, not the proxy's.
OTHER = """-----BEGIN CERTIFICATE-----
MIIBpzCCAU2gAwIBAgIURLPoLADlB3s3BMaJANbKF5o8CLwwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPYXBpLmV4YW1wbGUuY29tMCAXDTI2MTIwNjA1MTAxMloYDzIx
MjYxMTEyMDUxMDEyWjAaMRgwFgYDVQQDDA9hcGkuZXhhbXBsZS5jb20wWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQSXZzdVvaTyYtZOToOjS1alluB9Yu0zUASgdzu
NwUaOxl+pl/eE3gEnwQqgLCgXqQWyv1hQ9Hy8V4W6cpj/XPao28wbTAdBgNVHQ4E
FgQUQ3h/HW05Gqf/OL1wni709CICG/MwHwYDVR0jBBgwFoAUQ3h/HW05Gqf/OL1w
ni709CICG/MwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgg9hcGkuZXhhbXBs
ZS5jb20wCgYIKoZIzj0EAwIDSAAwRQIgVqorWvxe1eS+kDNTU7lv6fdKtNLxZ5JR
m2LsluD2nD4CIQC7N/tYGoOMo8mWVmioHGre79R6go6gg6pCsYqIzJAQJw==
-----END CERTIFICATE-----"""
OTHER_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvRMv9psXvVhAltP1
CJjF3RsqHKXKv9oU+NE+t44XxaOhRANCAAQSXZzdVvaTyYtZOToOjS1alluB9Yu0
zUASgdzuNwUaOxl+pl/eE3gEnwQqgLCgXqQWyv1hQ9Hy8V4W6cpj/XPa
-----END PRIVATE KEY-----"""

folder = Path(tempfile.mkdtemp())


def write(name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def handshake(client_ctx: ssl.SSLContext, cert: str, key: str, host: str = "api.example.com") -> str:
    """Run a TLS handshake between two in-memory endpoints; 'ok' or the client's error."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(write("cert.pem", cert), write("key.pem", key))
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
                except ssl.SSLError as error:
                    if name == "client":
                        return str(error)
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        if all(done.values()):
            return "ok"
    return "stalled"


naive = handshake(ssl.create_default_context(), LEAF, LEAF_KEY)
assert "CERTIFICATE_VERIFY_FAILED" in naive and "unable to get local issuer certificate" in naive, naive

ns = load_snippet()
fixed_ctx = ns["trusting_context"](write("proxy-ca.pem", PROXY_CA))
assert fixed_ctx.verify_mode == ssl.CERT_REQUIRED and fixed_ctx.check_hostname
fixed = handshake(fixed_ctx, LEAF, LEAF_KEY)
assert fixed == "ok", fixed
default_count = len(ssl.create_default_context().get_ca_certs())
assert len(fixed_ctx.get_ca_certs()) == default_count + 1  # added to the defaults, not instead
stranger = handshake(fixed_ctx, OTHER, OTHER_KEY)
assert "CERTIFICATE_VERIFY_FAILED" in stranger, stranger
wrong_host = handshake(fixed_ctx, LEAF, LEAF_KEY, host="evil.example.net")
assert "CERTIFICATE_VERIFY_FAILED" in wrong_host and "Hostname mismatch" in wrong_host, wrong_host
record(naive=naive.split("] ", 1)[-1][:80], fixed=fixed, stranger_rejected=True, wrong_host_rejected=True)
