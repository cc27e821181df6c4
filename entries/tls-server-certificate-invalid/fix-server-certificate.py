"""Fix the certificate where it is wrong, on the server: renewed, sent with its full chain, and
issued for every name clients use. Clients keep verifying."""

import ssl
from pathlib import Path

# WRONG (client): verify=False, ssl._create_unverified_context(), curl -k or
# NODE_TLS_REJECT_UNAUTHORIZED=0: that client then accepts any certificate for the host, an
# attacker's too, and the server stays broken for every other client.
# WRONG (server): serving cert.pem, the leaf alone. Browsers often fill in the missing
# intermediate from a cache or its AIA URL; Python, curl, Node, Java and Go do not.


def write_full_chain(leaf_pem: str, intermediate_pems: list[str], path: str) -> str:
    """Write the leaf first, then its intermediates (what certbot names fullchain.pem)."""
    parts = [leaf_pem.strip(), *(pem.strip() for pem in intermediate_pems)]
    Path(path).write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def server_context(fullchain_file: str, key_file: str) -> ssl.SSLContext:
    """A TLS server context that sends the leaf and every intermediate in fullchain_file."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile=fullchain_file, keyfile=key_file)
    return context


# Missing chain:
#   nginx   ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;  (not cert.pem)
#   Apache  SSLCertificateFile .../fullchain.pem   (2.4.8+; older: SSLCertificateChainFile chain.pem)
#   Node    https.createServer({ cert: fs.readFileSync("fullchain.pem"), key: ... })
# Expired: renew (certbot renew, or the CA's portal), then reload every process that serves it
#   (systemctl reload nginx; the load balancer's certificate too): a renewed file on disk is not
#   served until then. Watch the days left (diagnose-server-certificate.py) and alert early.
# Wrong name: reissue with every name clients use in subjectAltName (the CN alone is ignored):
#   certbot certonly -d shop.example.com -d www.shop.example.com; or call the host by a name
#   the certificate covers (not its IP address, not an internal alias).
