"""Endpoints that hang, trickle, lie or flood (issue 13): one deadline bounds a whole call, answers have a
size cap, a push fails in one paragraph before sending anything, and no password is ever shown."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from servers import fake_endpoint

import sovgraph
from sovgraph.cli import main
from sovgraph.errors import EndpointTimeout, MalformedResults, PushError
from sovgraph.exchange.push import count, push
from sovgraph.store.remote import Endpoint, ResultTooLarge

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"


@contextlib.contextmanager
def raw_server(behave: object) -> Iterator[str]:
    """A TCP server on loopback whose connections are handled by ``behave(connection)``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()
    open_connections: list[socket.socket] = []

    def loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            open_connections.append(connection)
            threading.Thread(target=behave, args=(connection, stop), daemon=True).start()  # type: ignore[arg-type]

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join()
        for connection in open_connections:
            connection.close()
        listener.close()


def _hang(connection: socket.socket, stop: threading.Event) -> None:
    stop.wait(30)


def _trickle(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(65536)
    with contextlib.suppress(OSError):
        connection.sendall(HEAD + b"\r\n")
        while not stop.wait(0.2):
            connection.sendall(b" ")  # a byte at a time: each read succeeds, the answer never ends


def _trickle_headers(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(65536)
    with contextlib.suppress(OSError):
        connection.sendall(HEAD)
        while not stop.wait(0.2):
            connection.sendall(b"X-Slow: 1\r\n")


@pytest.mark.parametrize("behave", [_hang, _trickle, _trickle_headers], ids=["hang", "trickle", "headers"])
def test_one_deadline_bounds_the_whole_call(behave: object) -> None:
    with raw_server(behave) as url:
        started = time.monotonic()
        with pytest.raises(EndpointTimeout) as caught:
            Endpoint(url, timeout=1.0, tries=3, backoff=0.1).query("ASK {}")
        took = time.monotonic() - started
    assert took < 2.5, took  # not 3 tries of 1 s, and not never
    assert str(caught.value) == f"the SPARQL endpoint {url} did not answer within 1 s."


def test_the_command_line_deadline_is_the_documented_30_s() -> None:
    from sovgraph.cli.common import QUERY_TIMEOUT

    assert QUERY_TIMEOUT == 30.0
    assert "did not answer within 30 s" in (Path(__file__).parents[2] / "docs" / "endpoints.md").read_text()


def test_an_answer_over_the_size_cap_is_refused_with_a_clear_error() -> None:
    rows = [{"x": {"type": "literal", "value": "y" * 100}} for _ in range(2000)]
    body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode()
    with fake_endpoint(body=body) as fake:
        with pytest.raises(ResultTooLarge, match=r"answered with more than 100000 bytes.*LIMIT") as caught:
            Endpoint(fake.url, max_bytes=100_000).query("SELECT ?x {}")
        assert isinstance(caught.value, MalformedResults)
        assert len(list(Endpoint(fake.url).query("SELECT ?x {}"))) == 2000  # under the default cap


def test_an_answer_without_a_length_over_the_cap_is_cut_off() -> None:
    def flood(connection: socket.socket, stop: threading.Event) -> None:
        connection.recv(65536)
        with contextlib.suppress(OSError):
            connection.sendall(HEAD + b"Connection: close\r\n\r\n" + b'{"head": {"vars": ["x"]}, "results": ')
            while not stop.is_set():
                connection.sendall(b" " * 65536)

    with raw_server(flood) as url, pytest.raises(ResultTooLarge):
        Endpoint(url, max_bytes=1_000_000, timeout=10).query("SELECT ?x {}")


def test_a_count_that_is_not_a_number_is_a_clear_error() -> None:
    nan = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "lots"}}]}}
    with (
        fake_endpoint(body=json.dumps(nan).encode()) as fake,
        pytest.raises(PushError, match=r"with 'lots', which is not a number"),
    ):
        count(Endpoint(fake.url), "https://w3id.org/sovgraph/graph/x")


@pytest.fixture(scope="module")
def small() -> sovgraph.KnowledgeGraph:
    root = Path(__file__).resolve().parents[2]
    return sovgraph.load(root, files=[root / "ontology" / "kinds.ttl"], derive=False)


def test_a_push_to_an_html_page_sends_nothing_and_says_so(small: sovgraph.KnowledgeGraph) -> None:
    html = b"<html><body>Welcome</body></html>"
    with fake_endpoint(body=html, content_type="text/html") as fake, pytest.raises(PushError) as caught:
        push(small, Endpoint(fake.url, graph_store_url=fake.url))
    assert [r[0] for r in fake.requests] == ["POST"]
    assert str(caught.value) == (
        f"the SPARQL endpoint {fake.url} answered with text/html instead of SPARQL query results. "
        "Nothing was pushed."
    )


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    root = Path(__file__).resolve().parents[2]
    code = main(["--root", str(root), *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_push_to_a_closed_port_is_one_paragraph(capsys: pytest.CaptureFixture[str]) -> None:
    from sovgraph.exchange.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, said = _cli(["push", "--endpoint", url, "--timeout", "2"], capsys)
    assert code == 3
    assert (
        said == f"sovgraph: error: the SPARQL endpoint {url} cannot be reached: the connection was refused "
        "(tried 3 times). Nothing was pushed.\n"
    )


def test_a_password_in_the_url_is_used_and_never_shown(capsys: pytest.CaptureFixture[str]) -> None:
    with fake_endpoint(status=401, body=b"who are you", content_type="text/plain") as fake:
        secret = "s3cret:p%40ss"
        url = fake.url.replace("http://", f"http://bob:{secret}@")
        code, said = _cli(["push", "--endpoint", url, "--timeout", "2"], capsys)
        assert code == 3
        assert "s3cret" not in said and "p@ss" not in said and "bob" not in said
        assert f"the SPARQL endpoint {fake.url} refused the credentials given (HTTP 401" in said
        endpoint = Endpoint(url)
        assert (endpoint.url, endpoint.user, endpoint.password) == (fake.url, "bob", "s3cret:p@ss")
        assert "s3cret" not in repr(endpoint)
