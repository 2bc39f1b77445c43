"""Guarded queries run in worker processes whose memory and time the OS bounds (issue 17).

DuckDB's `memory_limit` does not bound what a query returns (`SELECT len(range(0,
300000000))` grew a process past 6 GB) and `max_execution_time` does not cover planning
(300 self-joins planned for minutes). So every guarded query — guard included — runs in a
separate, long-lived Python process with `RLIMIT_AS` set, and the parent kills it by wall
clock. A runaway query then dies alone; the dashboard or CLI reports one Chinese line and
the next query gets a fresh worker.

Memory is bounded twice: the parent polls the worker's resident size while it waits and
kills it above `rss_bytes`; inside, `RLIMIT_AS` turns a huge allocation into a clean
DuckDB out-of-memory error.

Parent side: `WorkerPool.run()` (used by `warehouse.serve.sandbox.run_guarded`).
Worker side: `python -m warehouse.serve.sql_worker PARENT_PID ADDRESS_BYTES`, speaking
length-prefixed pickles on stdin/stdout.

Why a spawner thread: `PR_SET_PDEATHSIG` fires when the *thread* that forked the child
exits, not the process. Streamlit runs each script in a short-lived thread, so workers are
forked from one daemon thread that lives as long as the process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _env_mb(name: str, default_mb: float) -> int:
    """A size in MB from the environment (operators tune limits without code); bad → default."""
    try:
        value = float(os.environ.get(name, default_mb))
    except ValueError:
        value = default_mb
    if not (value > 0 and value < 1024**2):  # also rejects nan and inf
        value = default_mb
    return int(value * 1024**2)


# Resident memory of one worker; the parent kills it above this (SQL_WORKER_MEMORY_MB).
WORKER_RSS_BYTES = _env_mb("SQL_WORKER_MEMORY_MB", 2048)
# Address-space cap (RLIMIT_AS): a backstop that turns a runaway allocation into a clean
# out-of-memory error. It must be far above the RSS cap: each DuckDB instance reserves
# ~0.5 GB of address space (allocator arenas, thread stacks) that it never touches.
WORKER_ADDRESS_BYTES = max(4 * 1024**3, WORKER_RSS_BYTES + 2 * 1024**3)
RSS_POLL_S = 0.05
# Bytes of result data streamed back per query (SQL_RESULT_MAX_MB).
RESULT_BYTE_BUDGET = _env_mb("SQL_RESULT_MAX_MB", 20)
POOL_SIZE = 2  # concurrent guarded queries per process (the machine has 2 cores)
KILL_GRACE_S = 2.0  # wall-clock kill this long after the query's own time limit
START_TIMEOUT_S = 60.0  # a busy machine may need long to import duckdb/pandas/sqlglot
QUEUE_TIMEOUT_S = 120.0  # waiting for a free worker
ROOT = Path(__file__).resolve().parents[2]

_HEADER = struct.Struct("!Q")
# Numeric libraries start a thread pool (each with its own big arena) at import; a worker
# needs none of them, and the address-space cap must leave room for DuckDB instead.
_ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "PYTHONUNBUFFERED": "1",
}
PR_SET_PDEATHSIG = 1


class WorkerGone(Exception):
    """The worker died or stopped answering; the message says why in Chinese."""


# ---------------------------------------------------------------------------- framing


def _write_message(fd: int, payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(
    fd: int, size: int, deadline: float | None, tick: Callable[[], None] | None = None
) -> bytes:
    """Read size bytes; TimeoutError after deadline; tick() runs every RSS_POLL_S meanwhile."""
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(left, RSS_POLL_S))
            if not ready:
                if tick is not None:
                    tick()
                continue
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int, deadline: float | None, tick: Callable[[], None] | None = None) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline, tick))
    return pickle.loads(_read_exact(fd, size, deadline, tick))


class _OverMemory(Exception):
    """Raised by the RSS check while waiting for a worker."""


def resident_bytes(pid: int) -> int:
    """Resident set size of a process from /proc (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ------------------------------------------------------------------------- parent side


class _Spawner:
    """Starts workers from one long-lived daemon thread (see the module docstring)."""

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[list[str], queue.Queue[Any]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def spawn(self, argv: list[str]) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sql-worker-spawner", daemon=True
                )
                self._thread.start()
        answer: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._requests.put((argv, answer))
        result = answer.get()
        if isinstance(result, BaseException):
            raise result
        return result

    def _loop(self) -> None:
        while True:
            argv, answer = self._requests.get()
            try:
                env = dict(os.environ, MALLOC_ARENA_MAX="2", **_ONE_THREAD)
                path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
                env["PYTHONPATH"] = path
                answer.put(
                    subprocess.Popen(
                        argv,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,  # a crash report must never reach users
                        cwd=str(ROOT),
                        env=env,
                        close_fds=True,
                    )
                )
            except BaseException as err:  # handed to the caller
                answer.put(err)


_SPAWNER = _Spawner()


@dataclass
class _Worker:
    """One worker process and its pipes."""

    process: subprocess.Popen[bytes]
    queries: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, request: dict[str, Any], timeout_s: float, rss_limit: int) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout_s

        def check_memory() -> None:
            if rss_limit > 0 and resident_bytes(self.pid) > rss_limit:
                raise _OverMemory

        acknowledged = False
        try:
            _write_message(self.process.stdin.fileno(), request)
            ack = _read_message(self.process.stdout.fileno(), deadline, check_memory)
            acknowledged = ack == {"ack": True}
            reply = _read_message(self.process.stdout.fileno(), deadline, check_memory)
        except TimeoutError:
            self.kill()
            raise WorkerGone("timeout") from None
        except _OverMemory:
            self.kill()
            raise WorkerGone("memory") from None
        except (EOFError, BrokenPipeError, OSError):
            self.kill()
            # Dead before it read the request (killed while idle): safe to send elsewhere.
            raise WorkerGone("died" if acknowledged else "stale") from None
        self.queries += 1
        return reply

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):  # stuck in the kernel: give up
            self.process.wait(timeout=10)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


@dataclass
class WorkerPool:
    """Up to `size` workers, started lazily, replaced after they die or are killed."""

    size: int = POOL_SIZE
    rss_bytes: int = WORKER_RSS_BYTES
    address_bytes: int = WORKER_ADDRESS_BYTES
    _idle: list[_Worker] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _slots: threading.Semaphore | None = field(default=None, repr=False)
    started: int = 0  # workers started so far (tests and the report read it)
    _busy: int = field(default=0, repr=False)
    _warming: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.size)

    def _spawn(self) -> _Worker:
        argv = [
            sys.executable,
            "-m",
            "warehouse.serve.sql_worker",
            str(os.getpid()),
            str(self.address_bytes),
        ]
        worker = _Worker(_SPAWNER.spawn(argv))
        with self._lock:
            self.started += 1
        try:
            assert worker.process.stdout is not None
            hello = _read_message(
                worker.process.stdout.fileno(), time.monotonic() + START_TIMEOUT_S
            )
        except (TimeoutError, EOFError, OSError):
            worker.kill()
            raise WorkerGone("start") from None
        if hello != {"ready": True}:
            worker.kill()
            raise WorkerGone("start")
        return worker

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return self._spawn()

    def warm(self) -> None:
        """Start one worker ahead of the first query, unless one exists already."""
        with self._lock:
            if self._idle or self._busy or self._warming:
                return
            self._warming = True
        try:
            worker = self._spawn()
        except WorkerGone:
            return  # the first query will report it in one line
        finally:
            with self._lock:
                self._warming = False
        with self._lock:
            self._idle.append(worker)

    def warm_in_background(self) -> None:
        """warm() without making the caller (a page render) wait for the import."""
        with self._lock:
            if self._idle or self._busy or self._warming:
                return
        threading.Thread(target=self.warm, name="sql-worker-warm", daemon=True).start()

    def run(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request; the worker is killed if it does not answer within timeout_s."""
        assert self._slots is not None
        if not self._slots.acquire(timeout=QUEUE_TIMEOUT_S):
            raise WorkerGone("busy")
        with self._lock:
            self._busy += 1
        try:
            worker = self._take()
            try:
                reply = worker.call(request, timeout_s, self.rss_bytes)
            except WorkerGone as gone:
                if str(gone) != "stale":
                    raise
                worker = self._spawn()  # the idle worker had died: one retry on a fresh one
                reply = worker.call(request, timeout_s, self.rss_bytes)
            if reply.get("recycle") or not worker.alive():
                worker.kill()  # e.g. after an out-of-memory error: start clean next time
            else:
                with self._lock:
                    self._idle.append(worker)
            return reply
        finally:
            with self._lock:
                self._busy -= 1
            self._slots.release()

    def pids(self) -> list[int]:
        """Process ids of the idle workers (for tests)."""
        with self._lock:
            return [w.pid for w in self._idle if w.alive()]

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_default_pool: WorkerPool | None = None
_default_lock = threading.Lock()


def default_pool() -> WorkerPool:
    """The process-wide pool shared by the dashboard's sessions and the CLI."""
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = WorkerPool()
            atexit.register(_default_pool.close)
        return _default_pool


# ------------------------------------------------------------------------- worker side


def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL when the parent dies (prctl), and a watcher thread as a second line."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_main(argv: list[str]) -> int:
    """Loop: read a request, guard and run it in the sandbox, answer; exit on EOF."""
    import resource

    parent_pid, address_bytes = int(argv[0]), int(argv[1])
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    out_fd = os.dup(1)
    os.dup2(2, 1)  # stray prints must not corrupt the protocol
    in_fd = 0

    from warehouse.serve.sandbox import WorkerState
    from warehouse.serve.sql_guard import check_query

    state = WorkerState()
    check_query("SELECT 1", set())  # warm the parsers before the first real query
    if address_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (address_bytes, address_bytes))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    _write_message(out_fd, {"ready": True})
    while True:
        try:
            request = _read_message(in_fd, None)
        except (EOFError, OSError):
            return 0
        _write_message(out_fd, {"ack": True})
        try:
            reply = state.handle(request)
        except MemoryError:
            reply = {"error": "memory", "recycle": True}
        except BaseException as err:  # never let a query kill the loop silently
            reply = {"error": "internal", "detail": type(err).__name__, "recycle": True}
        try:
            _write_message(out_fd, reply)
        except MemoryError:
            reply = {"error": "memory", "recycle": True}
            _write_message(out_fd, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as err:
            # Nothing was written yet (pickling happens before the first byte is sent).
            reply = {"message": f"查询结果无法传回：{type(err).__name__}", "recycle": False}
            _write_message(out_fd, reply)
        if reply.get("recycle"):
            return 0


if __name__ == "__main__":
    raise SystemExit(worker_main(sys.argv[1:]))
