"""A start line that releases every contender of the accept race at the same instant.

`multiprocessing.Barrier` does not: its condition wakes the waiters one after another
(each `notify` waits for the woken one's acknowledgement, and each woken one must take the
condition's lock again), so on 2 cores, with the contenders released first already running
the product, the last of 100 forked contenders left it up to 1.8 s after the first; and it
has no release instant to count from (the bench used to count from the first one out).

Here every contender blocks in one `read` of the same pipe; the release closes the pipe's
only write end, and the kernel wakes all readers at that end-of-file in one go. Before it
releases, the releaser waits until every contender has said it is ready (its thread id on
a second pipe) and `/proc` shows each one asleep in that read, so nobody is still on its
way to the line. The release instant is one `perf_counter()` (CLOCK_MONOTONIC on Linux:
system-wide, the same clock in every forked process) taken just before the close; every
contender's time counts from it, including its wait for a core after the wake-up.

    line = StartLine(n)                    # before forking the contenders
    # in a forked contender:  line.forked(); ...prepare...; woke = line.wait()
    # in a thread contender:  ...prepare...; woke = line.wait()
    # a contender that cannot run:  line.withdraw()
    released = line.release()              # in the parent, once all have forked/started
    line.close()

`FinishLine` is the other end for forked contenders: each writes its answer on a pipe (one
`write` of a few hundred bytes, atomic) and then waits, alive, until the parent has every
answer, as a worker process stays alive after sending its response. A
`multiprocessing.Queue` would start a feeder thread in every contender, and a contender
that exits at once tears down its forked address space while the others still run: both
cost CPU inside the measured window that no request pays.
"""

import contextlib
import os
import pickle
import select
import struct
import threading
import time
from time import perf_counter

_RECORD = struct.Struct("=i")  # a contender's thread id; 0: it withdrew
# What /proc/<tid>/wchan reads for a task asleep in a pipe read, by kernel version.
_PIPE_WAITS = ("pipe_read", "anon_pipe_read", "pipe_wait", "pipe_read_wait", "wait_for_partner")


class StartLine:
    def __init__(self, n: int):
        self.n = n
        self._go_r, self._go_w = os.pipe()
        self._ready_r, self._ready_w = os.pipe()
        self.released: float | None = None
        self.ready = 0  # contenders that reached the line
        self.withdrawn = 0  # contenders that reported they cannot run
        self.parked: int | None = None  # seen asleep in the read (None: /proc not available)
        self.settle_s: float | None = None  # from the last "ready" to "all parked"

    # The contender's side ------------------------------------------------------------------

    def forked(self) -> None:
        """First thing in a forked contender: drop its inherited copy of the write end
        (while any copy is open, no reader sees the end-of-file) and of the ready reader."""
        os.close(self._go_w)
        os.close(self._ready_r)

    def wait(self) -> float:
        """Say "ready", block until the release; return this contender's wake-up instant."""
        os.write(self._ready_w, _RECORD.pack(threading.get_native_id()))
        os.read(self._go_r, 1)  # b"": the end-of-file is the release
        return perf_counter()

    def withdraw(self) -> None:
        """For a contender that failed before the line: the releaser need not wait for it."""
        os.write(self._ready_w, _RECORD.pack(0))

    # The releaser's side -------------------------------------------------------------------

    def release(self, *, timeout: float = 120.0, park_timeout: float = 10.0) -> float:
        """Wait until all `n` contenders are ready (or `timeout`), confirm they sleep in the
        read, then release them all; return the release instant."""
        tids = self._await_ready(timeout)
        settle = perf_counter()
        self.parked = _await_parked(tids, park_timeout)
        self.settle_s = perf_counter() - settle
        self.released = perf_counter()
        os.close(self._go_w)
        self._go_w = None
        return self.released

    def _await_ready(self, timeout: float) -> list[int]:
        deadline = perf_counter() + timeout
        buffer = b""
        tids = []
        while len(tids) + self.withdrawn < self.n:
            left = deadline - perf_counter()
            if left <= 0:
                break
            readable, _w, _x = select.select([self._ready_r], [], [], left)
            if not readable:
                break
            chunk = os.read(self._ready_r, 4096)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= _RECORD.size:
                (tid,), buffer = _RECORD.unpack(buffer[: _RECORD.size]), buffer[_RECORD.size :]
                if tid:
                    tids.append(tid)
                else:
                    self.withdrawn += 1
        self.ready = len(tids)
        return tids

    def close(self) -> None:
        for fd in (self._go_r, self._go_w, self._ready_r, self._ready_w):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._go_r = self._go_w = self._ready_r = self._ready_w = None


class FinishLine:
    def __init__(self):
        self._answers_r, self._answers_w = os.pipe()
        self._done_r, self._done_w = os.pipe()

    def forked(self) -> None:
        """First thing in a forked contender (see StartLine.forked)."""
        os.close(self._answers_r)
        os.close(self._done_w)

    def answer(self, record) -> None:
        """Send one contender's answer (a small picklable record) in one atomic write."""
        body = pickle.dumps(record)
        if _LENGTH.size + len(body) > select.PIPE_BUF:
            raise ValueError(f"answer of {len(body)} bytes: more than one atomic pipe write")
        os.write(self._answers_w, _LENGTH.pack(len(body)) + body)

    def wait(self) -> None:
        """After `answer`: stay alive until the parent has read every answer."""
        os.read(self._done_r, 1)

    def answers(self, n: int, *, timeout: float = 300.0):
        """In the parent: yield up to `n` answers, in their order of arrival."""
        deadline = perf_counter() + timeout
        buffer = b""
        got = 0
        while got < n:
            left = deadline - perf_counter()
            readable = select.select([self._answers_r], [], [], max(left, 0))[0] if left > 0 else []
            if not readable:
                return
            chunk = os.read(self._answers_r, 65536)
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= _LENGTH.size:
                (size,) = _LENGTH.unpack(buffer[: _LENGTH.size])
                if len(buffer) < _LENGTH.size + size:
                    break
                body, buffer = (
                    buffer[_LENGTH.size : _LENGTH.size + size],
                    buffer[_LENGTH.size + size :],
                )
                got += 1
                yield pickle.loads(body)

    def close(self) -> None:
        """In the parent: dismiss the contenders (end-of-file on the done pipe) and close."""
        for fd in (self._done_w, self._answers_r, self._answers_w, self._done_r):
            with contextlib.suppress(OSError):
                os.close(fd)


_LENGTH = struct.Struct("=I")


def _await_parked(tids: list[int], timeout: float) -> int | None:
    """How many of `tids` were seen asleep in the pipe read before `timeout`; None when
    /proc cannot tell (then a short grace period instead)."""
    if not os.path.isdir("/proc/self/task"):
        time.sleep(0.2)
        return None
    deadline = perf_counter() + timeout
    pending = set(tids)
    while pending and perf_counter() < deadline:
        pending = {tid for tid in pending if not _asleep_in_read(tid)}
        if pending:
            time.sleep(0.001)
    return len(tids) - len(pending)


def _asleep_in_read(tid: int) -> bool:
    try:
        with open(f"/proc/{tid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # gone: nothing to wait for (its error reaches the results)
    if state != "S":
        return False
    try:
        with open(f"/proc/{tid}/wchan") as f:
            wchan = f.read().strip()
    except OSError:
        return True
    # Some kernels hide the wait channel ("0"); asleep after "ready" then means in the read,
    # the only blocking call a contender makes after it.
    return wchan in ("", "0") or wchan.startswith(_PIPE_WAITS) or "pipe" in wchan
