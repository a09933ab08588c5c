"""Downloads of import files: a local server for the good paths, refusals that never connect."""

import http.server
import ipaddress
import socket
import threading
import time

import pytest

from app.importers.base import ImportFileError
from app.importers.download import (
    DownloadError,
    ImportPathRefused,
    UrlRefused,
    check_url,
    download,
    resolve_import_path,
)

LOCAL = ("127.0.0.1",)
BODY = b"user0,user0@example.com,User 0\n" * 100


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: a file, errors, redirects, slow and oversized bodies."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        route = self.path.split("?", 1)[0]
        if route == "/file":
            self._answer(200, BODY, {"Content-Length": str(len(BODY))})
        elif route == "/missing":
            self._answer(404, b"no", {"Content-Length": "2"})
        elif route == "/broken":
            self._answer(500, b"no", {"Content-Length": "2"})
        elif route == "/odd":
            self.send_response(599, "Call +1 555 0100 \x1b[2J")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif route == "/forbidden":
            self._answer(403, b"no", {"Content-Length": "2"})
        elif route == "/declared-big":
            self._answer(200, b"", {"Content-Length": str(10**9)})
        elif route == "/unannounced-big":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x" * 1000)
        elif route == "/slow":
            time.sleep(1.5)
            self._answer(200, BODY, {"Content-Length": str(len(BODY))})
        elif route == "/trickle":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif route.startswith("/hop/"):
            left = int(route.rsplit("/", 1)[1])
            self._redirect("/file" if left == 0 else f"/hop/{left - 1}")
        elif route == "/to-private":
            self._redirect("http://10.0.0.1/file")
        elif route == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif route == "/to-ftp":
            self._redirect("ftp://127.0.0.1/file")

    def _answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location):
        self._answer(302, b"", {"Location": location, "Content-Length": "0"})

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Record every connection attempt and refuse any but to loopback (tests never leave it)."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        attempts.append(address[0])
        if not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            raise AssertionError(f"a test tried to connect to {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def fetch(url, max_bytes=1 << 20, timeout=5.0, allowlist=LOCAL, **options):
    chunks = []
    size = download(
        url, chunks.append, max_bytes=max_bytes, timeout=timeout, allowlist=allowlist, **options
    )
    return size, b"".join(chunks)


def refusal(url, allowlist=()):
    with pytest.raises(UrlRefused) as raised:
        fetch(url, allowlist=allowlist)
    return str(raised.value)


def error(url, **options):
    with pytest.raises(DownloadError) as raised:
        fetch(url, **options)
    return str(raised.value)


# --- what is downloaded -------------------------------------------------------------------


def test_an_allowed_url_is_streamed_into_write_and_its_size_returned(server):
    assert fetch(f"{server}/file") == (len(BODY), BODY)


def test_redirects_are_followed_up_to_five(server):
    assert fetch(f"{server}/hop/4") == (len(BODY), BODY)


def test_more_than_five_redirects_are_refused(server):
    assert error(f"{server}/hop/5") == "the server redirects more than 5 times"


def test_a_cidr_in_the_allowlist_allows_its_addresses(server):
    assert fetch(f"{server}/file", allowlist=("127.0.0.0/8",))[0] == len(BODY)


def test_a_host_name_in_the_allowlist_allows_it(server):
    url = server.replace("127.0.0.1", "localhost")
    assert fetch(f"{url}/file", allowlist=("LocalHost",))[0] == len(BODY)


# --- what fails ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route, answer",
    [
        ("/missing", "404 Not Found"),
        ("/forbidden", "403 Forbidden"),
        ("/broken", "500 Internal Server Error"),
        ("/odd", "599"),
    ],
)
def test_an_answer_that_is_not_2xx_is_a_download_error_naming_it(server, route, answer):
    assert error(f"{server}{route}") == f"the server answered {answer}"


def test_a_download_error_is_an_import_file_error():
    assert issubclass(DownloadError, ImportFileError)


def test_a_secret_in_the_query_never_reaches_the_message(server):
    assert "s3cr3t" not in error(f"{server}/missing?token=s3cr3t")


def test_a_server_that_does_not_answer_in_time_is_a_timeout(server):
    assert error(f"{server}/slow", timeout=0.3) == "the server did not answer within 0.3 seconds"


def test_a_trickling_server_is_stopped_at_the_total_timeout(server):
    message = error(f"{server}/trickle", timeout=1.0, total_timeout=0.3)
    assert message == "the download took too long and was stopped"


def failed_download(url, max_bytes):
    """Return the message of a download that fails, and how many bytes it wrote first."""
    written = []
    with pytest.raises(DownloadError) as raised:
        download(url, written.append, max_bytes=max_bytes, timeout=5, allowlist=LOCAL)
    return str(raised.value), sum(map(len, written))


def test_a_declared_length_over_the_limit_is_refused_before_the_body(server):
    assert failed_download(f"{server}/declared-big", 1000) == (
        "the file is 1000000000 bytes, more than the limit of 1000",
        0,
    )


def test_a_body_without_length_is_counted_and_stopped_at_the_limit(server):
    message, written = failed_download(f"{server}/unannounced-big", 5000)
    assert message == "the file is more than the limit of 5000 bytes"
    assert written <= 5000


def test_a_closed_port_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert error(f"http://127.0.0.1:{port}/file") == "the connection failed (Connection refused)"


def test_an_unknown_host_name_is_a_download_error(monkeypatch):
    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    assert error("http://import.example.invalid/file") == (
        "the host name import.example.invalid cannot be resolved"
    )


@pytest.mark.parametrize(
    "url, scheme",
    [
        ("ftp://127.0.0.1/users.zip", "ftp"),
        ("file:///etc/passwd", "file"),
        ("gopher://127.0.0.1/", "gopher"),
        ("javascript:alert(1)", "javascript"),
        ("//127.0.0.1/users.zip", ""),
    ],
)
def test_a_url_that_is_not_http_or_https_is_refused(url, scheme, connections):
    with pytest.raises(DownloadError) as raised:
        check_url(url, LOCAL)
    assert str(raised.value) == f"only http and https URLs can be downloaded, not {scheme!r}"
    assert connections == []


def test_a_redirect_to_another_scheme_is_refused(server):
    assert error(f"{server}/to-ftp") == "only http and https URLs can be downloaded, not 'ftp'"


# --- SSRF ---------------------------------------------------------------------------------

INTERNAL = [
    ("http://127.0.0.1/", "the host 127.0.0.1 is a loopback address"),
    ("http://127.1.2.3:8080/x", "the host 127.1.2.3 is a loopback address"),
    ("http://10.1.2.3/", "the host 10.1.2.3 is a private address"),
    ("http://172.16.0.1/", "the host 172.16.0.1 is a private address"),
    ("http://192.168.1.1/", "the host 192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/", "the host 169.254.169.254 is a link-local address"),
    ("http://0.0.0.0/", "the host 0.0.0.0 is an unspecified address"),
    ("http://224.0.0.1/", "the host 224.0.0.1 is a multicast address"),
    ("http://100.64.0.1/", "the host 100.64.0.1 is an address that is not global"),
    ("http://[::1]/", "the host ::1 is a loopback address"),
    ("http://[fe80::1]/", "the host fe80::1 is a link-local address"),
    ("http://[fc00::1]/", "the host fc00::1 is a private address"),
    ("http://[::ffff:127.0.0.1]/", "the host ::ffff:127.0.0.1 is a loopback address"),
    ("http://[::ffff:10.0.0.1]/", "the host ::ffff:10.0.0.1 is a private address"),
    ("http://[2002:a00:1::]/", "the host 2002:a00:1:: is a private address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "the host 64:ff9b::a9fe:a9fe is a link-local address"),
    ("http://localhost/", "the host localhost resolves to 127.0.0.1, a loopback address"),
    ("http://2130706433/", "the host 2130706433 resolves to 127.0.0.1, a loopback address"),
    ("http://0x7f.1/", "the host 0x7f.1 resolves to 127.0.0.1, a loopback address"),
]


@pytest.mark.parametrize("url, reason", INTERNAL, ids=[url for url, _ in INTERNAL])
def test_check_url_refuses_an_internal_address_without_connecting(url, reason, connections):
    with pytest.raises(UrlRefused) as raised:
        check_url(url, ())
    assert str(raised.value) == f"{reason}: downloads reach only public addresses"
    assert connections == []


@pytest.mark.parametrize("url, reason", INTERNAL[:6], ids=[url for url, _ in INTERNAL[:6]])
def test_download_refuses_an_internal_address_without_connecting(url, reason, connections):
    assert refusal(url).startswith(reason)
    assert connections == []


def test_the_refusal_carries_rocket_chats_error_code():
    assert UrlRefused.code == "error-ssrf-validation-failed"


def test_an_allowlisted_cidr_allows_only_its_own_addresses(connections):
    with pytest.raises(UrlRefused):
        check_url("http://10.0.0.1/", ("127.0.0.0/8", "192.168.0.0/16"))
    check_url("http://192.168.3.4/", ("127.0.0.0/8", "192.168.0.0/16"))
    assert connections == []


def test_an_allowlist_given_as_one_string_is_read_as_a_list(connections):
    check_url("http://10.1.2.3/", " intranet.example , 10.0.0.0/8")
    with pytest.raises(UrlRefused):
        check_url("http://127.0.0.1/", " intranet.example , 10.0.0.0/8")
    assert connections == []


def test_an_empty_allowlist_entry_allows_nothing(connections):
    with pytest.raises(UrlRefused):
        check_url("http://127.0.0.1/", ("", " "))


def test_a_public_address_passes_the_check_without_connecting(connections):
    check_url("https://93.184.215.14/users.zip", ())
    assert connections == []


@pytest.mark.parametrize("route", ["/to-private", "/to-metadata"])
def test_a_redirect_into_the_network_is_refused_before_following_it(server, route, connections):
    assert refusal(f"{server}{route}", allowlist=LOCAL).endswith(
        ": downloads reach only public addresses"
    )
    assert set(connections) == {"127.0.0.1"}


@pytest.fixture
def rebinding_dns(monkeypatch):
    """A name server that answers a public address to the first lookup and the truth to
    the next ones (DNS rebinding): the check before connecting sees a public address,
    the connection reaches loopback. Returns the names looked up."""
    real, lookups = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        if len(lookups) == 1:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def test_a_name_that_resolves_elsewhere_when_connecting_is_refused(server, rebinding_dns):
    # The connected peer is checked before any byte of the body is read.
    written = []
    with pytest.raises(UrlRefused) as raised:
        download(f"{server}/file", written.append, max_bytes=1 << 20, timeout=5, allowlist=())
    assert str(raised.value) == (
        "the host 127.0.0.1 is a loopback address: downloads reach only public addresses"
    )
    assert written == [] and len(rebinding_dns) == 2  # the check's lookup, the connection's


def test_an_https_connection_is_checked_before_its_handshake(server, rebinding_dns):
    url = server.replace("http://", "https://")
    assert refusal(f"{url}/file").startswith("the host 127.0.0.1 is a loopback address")


def test_a_failed_tls_handshake_is_a_download_error(server):
    url = server.replace("http://", "https://")
    assert error(f"{url}/file") == "the server's TLS certificate or handshake failed"


def test_proxies_from_the_environment_are_not_used(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    assert fetch(f"{server}/file")[0] == len(BODY)


# --- server paths ----------------------------------------------------------------------------


def test_a_path_inside_the_import_folder_is_resolved(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "users.zip").write_bytes(b"PK")
    assert (
        resolve_import_path(str(tmp_path), "exports/users.zip")
        == (tmp_path / "exports" / "users.zip").resolve()
    )


@pytest.mark.parametrize("path", ["../secret.zip", "exports/../../secret.zip", "/etc/passwd", "."])
def test_a_path_outside_the_import_folder_is_refused(tmp_path, path):
    folder = tmp_path / "imports"
    folder.mkdir()
    with pytest.raises(ImportPathRefused) as raised:
        resolve_import_path(str(folder), path)
    assert str(raised.value) == f"the path {path!r} is outside the import folder"


def test_a_link_inside_the_folder_that_leads_out_is_refused(tmp_path):
    folder = tmp_path / "imports"
    folder.mkdir()
    (tmp_path / "secret.zip").write_bytes(b"PK")
    (folder / "users.zip").symlink_to(tmp_path / "secret.zip")
    with pytest.raises(ImportPathRefused):
        resolve_import_path(str(folder), "users.zip")


@pytest.mark.parametrize("folder", [None, ""])
def test_no_path_is_read_when_no_folder_is_configured(folder):
    with pytest.raises(ImportPathRefused) as raised:
        resolve_import_path(folder, "users.zip")
    assert str(raised.value) == ("server paths cannot be imported: no import folder is configured")


def test_a_path_with_a_nul_is_refused(tmp_path):
    with pytest.raises(ImportPathRefused, match="NUL"):
        resolve_import_path(str(tmp_path), "users.zip\x00.txt")
