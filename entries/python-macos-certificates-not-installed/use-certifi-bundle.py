"""Give a Python without a CA store one to verify against: certifi's copy of Mozilla's bundle."""

import os
import ssl

# WRONG: ssl._create_default_https_context = ssl._create_unverified_context, verify=False or
# PYTHONHTTPSVERIFY=0: verification is off for every host, and so is the protection.
# The cause on macOS: the python.org installer's Python has its own OpenSSL, which does not read
# the Keychain and ships no CA certificates; "/Applications/Python 3.x/Install
# Certificates.command" (pip install certifi + a link to its bundle) was never run, so every
# HTTPS call fails with "unable to get local issuer certificate". The same happens in a slim
# container without the ca-certificates package.


def system_cas_missing() -> bool:
    """True when OpenSSL's default CA file is absent and its CA directory empty or absent."""
    paths = ssl.get_default_verify_paths()  # cafile/capath are None when they do not exist
    if paths.cafile:
        return False
    return not (paths.capath and any(os.scandir(paths.capath)))


def certifi_context() -> ssl.SSLContext:
    """RIGHT: a verifying client context that trusts certifi's bundle (pip install certifi).
    Pass it to urllib (urlopen(url, context=...)), httpx (verify=...), aiohttp (ssl=...)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def use_certifi_when_no_system_cas() -> str | None:
    """RIGHT, for code that builds its own default context (urllib, http.client, websockets,
    a library you do not control): call once at start-up; points SSL_CERT_FILE at certifi's
    bundle when Python finds no CA store. Returns the bundle path, or None if CAs were there."""
    if not system_cas_missing():
        return None
    import certifi

    os.environ["SSL_CERT_FILE"] = certifi.where()
    return os.environ["SSL_CERT_FILE"]


# Once per machine instead: run "/Applications/Python 3.x/Install Certificates.command", or
#     export SSL_CERT_FILE="$(python3 -m certifi)"
