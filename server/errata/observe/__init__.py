"""Operating errata: Prometheus metrics, and the masked questions it could not answer (gaps)."""
