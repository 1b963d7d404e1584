"""DOCSPLANE_AMQP_URL read one way for kombu (build jobs, the health probe) and pika (relay, subscriber).

The two libraries disagree on the path: kombu reads `//` as the vhost `/`, pika as the empty vhost
(RabbitMQ then answers `530 NOT_ALLOWED - vhost  not found`); kombu reads `/a/b` as `a/b`, pika as `a`.
`amqp_url` settles the vhost once and spells it percent-encoded (`/%2F`), which both read alike:

    ''  '/'  '//'  '/%2F'  -> the vhost '/'      '/name' -> 'name'      '/%2Fname' -> '/name'
    '/a/b'                 -> refused (ambiguous: write '/a%2Fb')"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

SCHEMES = ("amqp", "amqps")
FORMS = "end it with /%2F (or //) for the vhost '/', with /NAME for the vhost NAME"


class AmqpUrlError(ValueError):
    """DOCSPLANE_AMQP_URL cannot be read the same way by every client."""


def vhost(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise AmqpUrlError(f"DOCSPLANE_AMQP_URL must be an amqp:// or amqps:// URL with a host: {FORMS}")
    path = parts.path
    if path in ("", "/", "//"):
        return "/"
    if "/" in path[1:]:
        raise AmqpUrlError(f"DOCSPLANE_AMQP_URL: the vhost {path[1:]!r} is ambiguous (percent-encode a '/' in a vhost as %2F): {FORMS}")
    return unquote(path[1:])


def amqp_url(url: str) -> str:
    """The URL with its vhost spelled `/<percent-encoded vhost>`; idempotent. AmqpUrlError when unreadable."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(vhost(url), safe="")))


def explain(error: BaseException, url: str) -> str:
    """A broker's refusal, with the fix: the driver's words alone ('NOT_ALLOWED', 'ACCESS_REFUSED') do not say it."""
    text = " ".join(str(error).split()) or type(error).__name__
    name = vhost(url)
    if "NOT_ALLOWED" in text or ("vhost" in text.lower() and "not found" in text.lower()):
        return (f"{text}: the vhost {name!r} does not exist or the user may not use it; create it "
                f"(rabbitmqctl add_vhost {name!r}; rabbitmqctl set_permissions -p {name!r} USER '.*' '.*' '.*') "
                f"or fix DOCSPLANE_AMQP_URL ({FORMS})")
    if "ACCESS_REFUSED" in text or "AccessDenied" in type(error).__name__ or "Authentication" in type(error).__name__:
        return f"{text}: RabbitMQ refused the user or password of DOCSPLANE_AMQP_URL; fix them there"
    return text
