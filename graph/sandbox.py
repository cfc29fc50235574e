"""Run a function in a forked child that can open no network connection, dies with its parent
and is killed at a deadline: the place where SPARQL is parsed and run.

Oxigraph follows SERVICE (and LOAD) itself and has no switch to forbid it, so the checks done
on the query text are backed by the kernel: the child installs a seccomp filter that makes
socket() fail for every family but AF_UNIX (and io_uring, which could open one anyway). A query
that reaches the engine past the checks gets "permission denied" instead of a connection.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

# seccomp and prctl constants (linux/seccomp.h, linux/prctl.h, linux/filter.h, linux/audit.h)
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_EACCES = 0x00050000 | 13
LOAD_WORD, JUMP_EQ, JUMP_GE, RETURN = 0x20, 0x15, 0x35, 0x06
AF_UNIX = 1
# architecture: (AUDIT_ARCH, socket, io_uring_setup)
SYSCALLS = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
X32_BIT = 0x40000000
WORKER_STACK = 256 << 20  # bytes: deep expressions recurse in the engine
HEADER = struct.Struct("<Q")  # the length of the message that follows
POLL_SECONDS = 0.05  # how often a waiting parent checks that its child is still alive


class SandboxError(Exception):
    """The child stopped without an answer (killed, crashed, or out of time)."""


class Timeout(SandboxError):
    """The child ran past its deadline and was killed."""


def _filter_program(machine: str) -> bytes | None:
    """The BPF program (struct sock_filter[]) for this machine, or None if unknown."""
    if machine not in SYSCALLS:
        return None
    arch, socket_nr, uring_nr = SYSCALLS[machine]
    # (code, jump if true, jump if false, k); a jump skips that many instructions
    program = [
        (LOAD_WORD, 0, 0, 4),  # 0: seccomp_data.arch
        (JUMP_EQ, 1, 0, arch),  # 1
        (RETURN, 0, 0, RET_EACCES),  # 2: another ABI: refuse every call
        (LOAD_WORD, 0, 0, 0),  # 3: seccomp_data.nr
        (JUMP_GE, 5, 0, X32_BIT),  # 4: x32 system calls -> 10
        (JUMP_EQ, 4, 0, uring_nr),  # 5: io_uring_setup -> 10
        (JUMP_EQ, 0, 2, socket_nr),  # 6: anything but socket -> 9
        (LOAD_WORD, 0, 0, 16),  # 7: seccomp_data.args[0], low word: the address family
        (JUMP_EQ, 0, 1, AF_UNIX),  # 8: AF_UNIX -> 9, else -> 10
        (RETURN, 0, 0, RET_ALLOW),  # 9
        (RETURN, 0, 0, RET_EACCES),  # 10
    ]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


def _prctl():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                           ctypes.c_ulong]
    return libc.prctl


def forbid_network() -> bool:
    """Make socket() fail in this process from now on, for every family but AF_UNIX. True if the
    filter is installed; False where the kernel or machine has no seccomp we know."""
    program = _filter_program(os.uname().machine) if sys.platform == "linux" else None
    if program is None:
        return False
    prctl = _prctl()
    buffer = ctypes.create_string_buffer(program)

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Fprog(len(program) // 8, ctypes.addressof(buffer))
    if prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), and leave now if the
    parent is already gone."""
    if sys.platform == "linux":
        _prctl()(PR_SET_PDEATHSIG, signal.SIGKILL, None, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def run(function: Callable[..., Any], args: tuple, timeout: float, network: bool = False) -> Any:
    """`function(*args)` in a forked child, without network sockets unless `network`; its
    return value, or the exception it raised (which must pickle). Raises Timeout after
    `timeout` seconds and SandboxError if the child dies without an answer."""
    parent = os.getpid()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(parent, writer, function, args, network)
    os.close(writer)
    reaped = False
    try:
        data, reaped = _receive(reader, pid, time.monotonic() + timeout)
    finally:
        os.close(reader)
        if not reaped:
            _reap(pid)
    if data is None:
        raise Timeout(f"stopped after {timeout:g} s")
    if not data:
        raise SandboxError("the query engine stopped without an answer")
    ok, value = pickle.loads(data)
    if ok:
        return value
    raise value


def _child(parent: int, writer: int, function: Callable[..., Any], args: tuple,
           network: bool) -> None:
    code = 0
    try:
        die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if not network:
            forbid_network()
        outcome = _on_big_stack(function, args)
        try:
            data = pickle.dumps(outcome)
        except Exception as err:  # an answer that cannot travel still gets a message across
            data = pickle.dumps((False, SandboxError(" ".join(str(err).split()))))
        with os.fdopen(writer, "wb") as out:
            out.write(HEADER.pack(len(data)) + data)
    except BaseException:  # the parent reads "no answer"; nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


def _on_big_stack(function: Callable[..., Any], args: tuple) -> tuple[bool, Any]:
    """(True, value) or (False, exception), computed in a thread with a large stack."""
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, function(*args)))
        except Exception as err:  # sent to the parent, which raises it
            outcome.append((False, err))

    threading.stack_size(WORKER_STACK)
    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    return outcome[0]


def _receive(fd: int, pid: int, deadline: float) -> tuple[bytes | None, bool]:
    """The child's whole message (b"" if it died without one, None at the deadline), and
    whether the child was reaped. The message says its length, so no end of file is awaited:
    a worker forked at the same moment from another thread may hold this pipe open too."""
    buffer = bytearray()
    waiting = select.poll()  # not select(): a busy server has descriptors past FD_SETSIZE
    waiting.register(fd, select.POLLIN)
    while True:
        if len(buffer) >= HEADER.size:
            end = HEADER.size + HEADER.unpack_from(buffer)[0]
            if len(buffer) >= end:
                return bytes(buffer[HEADER.size:end]), False
        left = deadline - time.monotonic()
        if left <= 0:
            return None, False
        if waiting.poll(min(left, POLL_SECONDS) * 1000):
            chunk = os.read(fd, 1 << 16)
            if not chunk:  # every copy of the pipe is closed: no whole message will come
                return b"", False
            buffer += chunk
        elif os.waitpid(pid, os.WNOHANG)[0]:  # the child is gone: only the pipe is left
            while waiting.poll(0) and (chunk := os.read(fd, 1 << 16)):
                buffer += chunk
            end = HEADER.size + (HEADER.unpack_from(buffer)[0] if len(buffer) >= HEADER.size
                                 else 0)
            complete = len(buffer) >= HEADER.size and len(buffer) >= end
            return (bytes(buffer[HEADER.size:end]) if complete else b""), True


def _reap(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
