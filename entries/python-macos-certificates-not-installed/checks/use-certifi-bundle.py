"""A Python without a CA store (the python.org macOS build before Install
Certificates.command) fails certificate verification with "unable to get local issuer
certificate"; certifi's bundle, through a context or SSL_CERT_FILE, makes it verify, with host
names still checked and strangers still rejected. The TLS handshake runs in memory
(ssl.MemoryBIO): no network. The sandbox has no certifi, so a stand-in module whose where()
names a bundle holding the test root CA plays its part, as the real bundle holds the public CAs."""

import os
import ssl
import sys
import tempfile
import types
from pathlib import Path

from errata_check import load_snippet, record

ROOT_CA = """-----BEGIN CERTIFICATE-----
MIIB6zCCAZGgAwIBAgIUSe8GFXtSPNYDj86JtT5avHdGTQgwCgYIKoZIzj0EAwIw
QjEfMB0GA1UECgwWRXhhbXBsZSBUcnVzdCBTZXJ2aWNlczEfMB0GA1UEAwwWRXhh
bXBsZSBQdWJsaWMgUm9vdCBDQTAgFw0yNjEyMDYxMDA2NDJaGA8yMTI2MTExMjEw
MDY0MlowQjEfMB0GA1UECgwWRXhhbXBsZSBUcnVzdCBTZXJ2aWNlczEfMB0GA1UE
AwwWRXhhbXBsZSBQdWJsaWMgUm9vdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABMsULeeU56uXuNiYxT5C/zCbGTT803u7wmJu/eyT0eRxcjoLO+FRKrPTrIxW
ZNbAVoRbPkHsSh5SL67p1qGpAdijYzBhMB0GA1UdDgQWBBR6SvjkrfTiCQ7H3ssw
s1xhYXSP2DAfBgNVHSMEGDAWgBR6SvjkrfTiCQ7H3ssws1xhYXSP2DAPBgNVHRMB
Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEA44Ao
NTktZkaHf388OOYEAZhBwyxJBEcXTe1CD7qCLJICIFsFmzQVQjhAGkYNvog/AYmA
GbRpUlsZTCxdJKbEZ4AC
-----END CERTIFICATE-----"""
LEAF = """-----BEGIN CERTIFICATE-----
MIIB3zCCAYagAwIBAgIUfM7QvupqRohqeZ5TgfNsPqc0h0AwCgYIKoZIzj0EAwIw
QjEfMB0GA1UECgwWRXhhbXBsZSBUcnVzdCBTZXJ2aWNlczEfMB0GA1UEAwwWRXhh
bXBsZSBQdWJsaWMgUm9vdCBDQTAgFw0yNjEyMDYxMDA2NDJaGA8yMTI2MTExMjEw
MDY0MlowGzEZMBcGA1UEAwwQcHlwaS5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABFmwe++vvcfIl3weS0qYfk7FeARMEWKeG5vxih/eA0N9GbrG
/j7l5jPLh/CY273I7ElWnQ7uvyuswYdHW0CFCzujfzB9MBsGA1UdEQQUMBKCEHB5
cGkuZXhhbXBsZS5vcmcwCQYDVR0TBAIwADATBgNVHSUEDDAKBggrBgEFBQcDATAd
BgNVHQ4EFgQUYQKCoPjuZ0+KYodnqKaa4IjHp0YwHwYDVR0jBBgwFoAUekr45K30
4gkOx97LMLNcYWF0j9gwCgYIKoZIzj0EAwIDRwAwRAIgPKkazT2+cu5jJskdY7V3
vw9f2HN0JyqvjhMRM7O9S1ICIGFEUCgOS0/r3YB1+qP8nkqAGEuFIoJyt+4iAfzB
Hy+1
-----END CERTIFICATE-----"""
LEAF_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgefcQl8BoI9+5XZa4
MPQiPVh6nu1b0tIn3/U/8yOep2yhRANCAARZsHvvr73HyJd8HktKmH5OxXgETBFi
nhub8Yof3gNDfRm6xv4+5eYzy4fwmNu9yOxJVp0O7r8rrMGHR1tAhQs7
-----END PRIVATE KEY-----"""
# A self-signed certificate for the same name: nobody's CA signed it.
STRANGER = """-----BEGIN CERTIFICATE-----
MIIBqzCCAVCgAwIBAgIUWzhuaIZJc966aRBglCqWBzq1MFgwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQcHlwaS5leGFtcGxlLm9yZzAgFw0yNjEyMDYxMDA2NTZaGA8y
MTI2MTExMjEwMDY1NlowGzEZMBcGA1UEAwwQcHlwaS5leGFtcGxlLm9yZzBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABEbqEUFGJzbSuzBcHgyeVJshozE7u+dccdtU
gtyRVPCb3fVs3BtKF2DtTrjS/KJiLDalxnCpJBvJ3+j6jpTRs0yjcDBuMB0GA1Ud
DgQWBBRmwjtxSSKjjOXijSt8lGS908a0yzAfBgNVHSMEGDAWgBRmwjtxSSKjjOXi
jSt8lGS908a0yzAPBgNVHRMBAf8EBTADAQH/MBsGA1UdEQQUMBKCEHB5cGkuZXhh
bXBsZS5vcmcwCgYIKoZIzj0EAwIDSQAwRgIhAIloB1UW+WwFolEeGkhg7Vd/Kfqm
+ADB58OaewbllHuqAiEAgYfm+ZSqUMceCqHs5VNl2oL76Kn5bVNsELHmi9HlHW4=
-----END CERTIFICATE-----"""
STRANGER_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZddKZQOka/Oawvid
W0ZS1Wh2qnB89t5NAb/to4j4iH2hRANCAARG6hFBRic20rswXB4MnlSbIaMxO7vn
XHHbVILckVTwm931bNwbShdg7U640vyiYiw2pcZwqSQbyd/o+o6U0bNM
-----END PRIVATE KEY-----"""

folder = Path(tempfile.mkdtemp())


def write(name: str, text: str) -> str:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def handshake(client_ctx: ssl.SSLContext, cert: str, key: str, host: str = "pypi.example.org") -> str:
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


# The macOS python.org state, made explicit: no CA file, an empty CA directory.
empty_dir = folder / "openssl-certs"
empty_dir.mkdir()
os.environ["SSL_CERT_FILE"] = str(folder / "missing-cert.pem")
os.environ["SSL_CERT_DIR"] = str(empty_dir)

ns = load_snippet()
assert ns["system_cas_missing"]() is True
broken = handshake(ssl.create_default_context(), LEAF, LEAF_KEY)
assert "CERTIFICATE_VERIFY_FAILED" in broken and "unable to get local issuer certificate" in broken, broken

fake_certifi = types.ModuleType("certifi")
bundle = write("cacert.pem", ROOT_CA)
fake_certifi.where = lambda: bundle
sys.modules["certifi"] = fake_certifi

# Fix 1: a context built on certifi's bundle.
context = ns["certifi_context"]()
assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
assert handshake(context, LEAF, LEAF_KEY) == "ok"
assert "CERTIFICATE_VERIFY_FAILED" in handshake(context, STRANGER, STRANGER_KEY)
wrong_host = handshake(context, LEAF, LEAF_KEY, host="evil.example.net")
assert "Hostname mismatch" in wrong_host, wrong_host

# Fix 2: SSL_CERT_FILE for code that calls ssl.create_default_context() itself (urllib).
assert ns["use_certifi_when_no_system_cas"]() == bundle
assert os.environ["SSL_CERT_FILE"] == bundle and not ns["system_cas_missing"]()
default_now = ssl.create_default_context()
assert handshake(default_now, LEAF, LEAF_KEY) == "ok"
assert "CERTIFICATE_VERIFY_FAILED" in handshake(default_now, STRANGER, STRANGER_KEY)
# Where a CA store exists, it is left alone.
os.environ["SSL_CERT_FILE"] = write("system-bundle.pem", ROOT_CA)
assert ns["use_certifi_when_no_system_cas"]() is None
assert os.environ["SSL_CERT_FILE"].endswith("system-bundle.pem")

record(
    without_cas=broken.split("] ", 1)[-1][:60],
    certifi_context="ok",
    ssl_cert_file="ok",
    stranger_rejected=True,
    wrong_host_rejected=True,
)
