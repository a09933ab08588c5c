"""An import file fetched from a URL or read from the import folder, refusing internal addresses.

Every address a host name resolves to is checked before connecting, each redirect is
checked again, and the address actually connected to is checked before a byte of the body
is read (a DNS answer that changed in between, "DNS rebinding", is refused too).
"""

import socket
import time
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError

from app.importers.addresses import Allowlist, UrlRefused
from app.importers.base import ImportFileError

__all__ = [
    "DownloadError",
    "ImportPathRefused",
    "UrlRefused",
    "check_url",
    "download",
    "resolve_import_path",
]

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# A whole download may last this many times the per-read timeout: a server trickling
# a byte at a time would otherwise hold a worker for ever.
TOTAL_TIMEOUT_FACTOR = 20


class DownloadError(ImportFileError):
    """A URL whose file could not be fetched: not http(s), unreachable, not 2xx, slow, too big."""


class ImportPathRefused(ImportFileError):
    """A server path outside the import folder, or any path when no folder is configured."""


def public_url(url):
    """Return a URL without its query: a signed URL's query is a credential, never shown."""
    return url.split("?", 1)[0]


def check_url(url: str, allowlist: tuple[str, ...]) -> None:
    """Raise DownloadError for a URL that is not http(s), UrlRefused for an internal one."""
    _check(url, Allowlist(allowlist))


def _check(url, allowed):
    host, port = _host_port(url)
    for address in _resolve(host, port):
        allowed.check(host, address)


def _host_port(url):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DownloadError("the URL is not valid") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise DownloadError(f"only http and https URLs can be downloaded, not {parts.scheme!r}")
    if not parts.hostname:
        raise DownloadError("the URL names no host")
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


def _resolve(host, port):
    """Return every address `host` resolves to."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DownloadError(f"the host name {host} cannot be resolved") from None
    return sorted({answer[4][0] for answer in answers})


def download(url, write, *, max_bytes, timeout, allowlist, total_timeout=None) -> int:
    """Stream the body of `url` into `write(chunk)` and return its size in bytes.

    `timeout` bounds the connection and every wait for data; the whole download may last
    `total_timeout` seconds (default: TOTAL_TIMEOUT_FACTOR times `timeout`).
    """
    allowed = Allowlist(allowlist)
    deadline = time.monotonic() + (total_timeout or timeout * TOTAL_TIMEOUT_FACTOR)
    with _session(allowed) as session:
        for _ in range(MAX_REDIRECTS + 1):
            _check(url, allowed)
            with _get(session, url, timeout) as response:
                if not response.is_redirect:
                    _check_answer(response, max_bytes)
                    return _copy(response, write, max_bytes, deadline)
                url = urljoin(url, response.headers["location"])
    raise DownloadError(f"the server redirects more than {MAX_REDIRECTS} times")


def _get(session, url, timeout):
    try:
        return session.get(url, stream=True, allow_redirects=False, timeout=timeout)
    except requests.Timeout:
        raise DownloadError(f"the server did not answer within {timeout} seconds") from None
    except requests.exceptions.SSLError:
        raise DownloadError("the server's TLS certificate or handshake failed") from None
    except requests.RequestException as error:
        raise DownloadError(f"the connection failed ({_cause(error)})") from None


def _cause(error):
    """Return the innermost reason of a failed request, without its URL (it may hold a token)."""
    while error.__context__ is not None:
        error = error.__context__
    return getattr(error, "strerror", None) or type(error).__name__


def _check_answer(response, max_bytes):
    status = response.status_code
    if not 200 <= status < 300:
        # The standard phrase, not the server's own text, which could say anything.
        raise DownloadError(f"the server answered {status} {_phrase(status)}".rstrip())
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(f"the file is {declared} bytes, more than the limit of {max_bytes}")


def _phrase(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _copy(response, write, max_bytes, deadline):
    total = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            total += len(chunk)
            if total > max_bytes:
                raise DownloadError(f"the file is more than the limit of {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise DownloadError("the download took too long and was stopped")
            write(chunk)
    except requests.RequestException as error:
        if isinstance(error.args[0] if error.args else None, ReadTimeoutError):
            raise DownloadError("the server stopped sending the file (timed out)") from None
        raise DownloadError(f"the download broke off ({_cause(error)})") from None
    return total


def _session(allowed):
    """Return a session whose connections check the address they reached."""
    session = requests.Session()
    # No proxy from the environment (it would be the peer checked) and no .netrc credentials.
    session.trust_env = False
    adapter = _PeerCheckingAdapter(allowed)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _PeerCheckingAdapter(HTTPAdapter):
    """An adapter whose pools connect through peer-checking connections."""

    def __init__(self, allowed):
        self._pools = {
            scheme: type(pool.__name__, (pool,), {"ConnectionCls": _checking(conn, allowed)})
            for scheme, pool, conn in (
                ("http", HTTPConnectionPool, HTTPConnection),
                ("https", HTTPSConnectionPool, HTTPSConnection),
            )
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        """Make the pool manager use the checking pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


def _checking(connection_class, allowed):
    """Return a subclass of `connection_class` that refuses an internal peer after connecting."""

    def _new_conn(self):
        sock = connection_class._new_conn(self)
        try:
            allowed.check(self.host, sock.getpeername()[0])
        except BaseException:
            sock.close()
            raise
        return sock

    return type(connection_class.__name__, (connection_class,), {"_new_conn": _new_conn})


def resolve_import_path(folder: str | None, path: str) -> Path:
    """Return the file `path` names inside the import `folder`, or raise ImportPathRefused."""
    if not folder:
        raise ImportPathRefused("server paths cannot be imported: no import folder is configured")
    if "\x00" in path:
        raise ImportPathRefused("the path holds a NUL character")
    root = Path(folder).resolve()
    # resolve() follows symbolic links, so a link inside the folder cannot lead out of it.
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise ImportPathRefused(f"the path {path!r} is outside the import folder")
    return resolved
