"""MONGO_URL as a person may see it (credentials hidden), and the client options we add to it."""

from urllib.parse import parse_qsl, unquote

# A password or key passphrase in the query; the user name before `@` stays readable.
_SECRET_OPTIONS = ("password", "tlscertificatekeyfilepassword", "sslpemkeypassword")
_HIDDEN = "***"

# What the service asks of the driver unless MONGO_URL says otherwise.
#  - retryWrites/retryReads: pymongo's defaults, written out so that nobody turns them off
#    by accident: a failover mid-batch is retried once by the driver.
#  - serverMonitoringMode=poll: after a "not primary" error the driver re-checks the server
#    within half a second. In its streaming mode it waits out the monitor's awaitable hello
#    (heartbeatFrequencyMS, 10 s) whenever the error carries no newer topologyVersion (a
#    proxy, SecantusDB's failpoints), longer than the selection timeout: its own retry of
#    the failed write would then fail too.
DEFAULT_OPTIONS = {"retryWrites": True, "retryReads": True, "serverMonitoringMode": "poll"}


def redact(url):
    """Return url with its password (and any key passphrase) replaced by ***."""
    if not url:
        return url
    scheme, userinfo, rest = _split(url)
    if userinfo is not None and ":" in userinfo:
        url = f"{scheme}{userinfo.partition(':')[0]}:{_HIDDEN}@{rest}"
    base, _, query = url.partition("?")
    if not query:
        return url
    pairs = [
        f"{name}={_HIDDEN if name.lower() in _SECRET_OPTIONS else value}"
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{base}?{'&'.join(pairs)}"


def _split(url):
    # As pymongo reads it: the user information ends at the last `@` before the path.
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url, None, ""
    hosts, slash, path = rest.partition("/")
    if "@" not in hosts:
        return f"{scheme}://", None, rest
    userinfo, _, hosts = hosts.rpartition("@")
    return f"{scheme}://", userinfo, f"{hosts}{slash}{path}"


def options_not_in(url):
    """Return DEFAULT_OPTIONS less those MONGO_URL sets itself (its choice wins)."""
    _, _, query = url.partition("?")
    named = {name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)}
    return {name: value for name, value in DEFAULT_OPTIONS.items() if name.lower() not in named}


def retries_disabled(url):
    """Tell whether MONGO_URL turns the driver's retryable writes or reads off."""
    _, _, query = url.partition("?")
    options = {name.lower(): value.lower() for name, value in parse_qsl(query)}
    return any(options.get(name) == "false" for name in ("retrywrites", "retryreads"))


def secrets_of(url):
    """Return the secrets written in url (its password, raw and decoded), to keep out of text."""
    _, userinfo, _ = _split(url or "")
    password = (userinfo or "").partition(":")[2]
    return sorted({password, unquote(password)} - {""}, key=len, reverse=True)
