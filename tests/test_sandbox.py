"""The worker that parses and runs queries: no network socket, a deadline, and clean failures."""

from __future__ import annotations

import os
import signal
import socket
import time
import urllib.parse

import pytest

from graph import sandbox


def connect(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), 5):
        return "connected"


def test_a_worker_cannot_open_a_network_connection(listener):
    url, hits = listener
    if sandbox._filter_program(os.uname().machine) is None:
        pytest.skip("no seccomp filter for this machine")
    with pytest.raises(PermissionError):
        sandbox.run(connect, (url,), 10)
    assert sandbox.run(connect, (url,), 10, network=True) == "connected"
    assert hits == []  # a bare connection sends no request


def test_a_worker_may_still_use_local_sockets():
    def pair() -> bytes:
        left, right = socket.socketpair()
        left.sendall(b"ok")
        return right.recv(2)

    assert sandbox.run(pair, (), 10) == b"ok"


def test_a_worker_is_killed_at_its_deadline():
    started = time.monotonic()
    with pytest.raises(sandbox.Timeout, match=r"stopped after 0\.5 s"):
        sandbox.run(time.sleep, (30,), 0.5)
    assert time.monotonic() - started < 3


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_an_exception_comes_back_and_a_dead_worker_is_reported():
    with pytest.raises(ValueError, match="bad"):
        sandbox.run(int, ("bad",), 10)
    with pytest.raises(sandbox.SandboxError, match="without an answer"):
        sandbox.run(die, (), 10)


def test_a_large_answer_comes_back_whole():
    assert sandbox.run(bytes, (5_000_000,), 30) == bytes(5_000_000)


def start_sleeper() -> int:
    """Fork a process that holds every descriptor of this one (as a worker forked at the same
    moment from another thread does) and outlives it; its pid."""
    pid = os.fork()
    if pid == 0:
        time.sleep(20)
        os._exit(0)
    return pid


def test_an_answer_does_not_wait_for_another_process_holding_the_pipe():
    started = time.monotonic()
    sleeper = sandbox.run(start_sleeper, (), 10)
    try:
        assert time.monotonic() - started < 5
    finally:
        os.kill(sleeper, signal.SIGKILL)
