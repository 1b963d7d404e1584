"""Opening a psycopg2 connection to the read-model database (psycopg2 is imported late: it is
needed only with PostgreSQL)."""

CONNECT_TIMEOUT = 5  # seconds, unless the URL says otherwise: an unreachable server answers 503 soon


def connect(url: str, **kwargs):
    import psycopg2

    timeout = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT}
    return psycopg2.connect(url, **kwargs, **timeout)
