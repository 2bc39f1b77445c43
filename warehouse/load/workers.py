"""Parse workers that one bad file cannot take down with it (docs/load_mechanism.md).

Each worker is a plain child process (``python -m warehouse.load.workers``) that parses one
document at a time under an address-space limit (RLIMIT_AS) and dies with its parent
(PR_SET_PDEATHSIG, so kill -9 of the loader leaves nothing behind; no forkserver, no
resource tracker). The parent gives each worker one task, watches a wall-clock deadline
per document and:

- a document that needs too much memory: MemoryError in the worker, rejected with a reason;
- a worker that dies (segfault, abort, killed): that document rejected, worker replaced;
- a document over the time limit: worker killed, document rejected, worker replaced.

Outcomes come back in task order with a bounded look-ahead, so memory stays flat.
Messages are length-prefixed pickles over the worker's stdin/stdout (stdout of the worker
itself is redirected to stderr, so a stray print never corrupts the protocol).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import queue
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from warehouse.load.parse_worker import ParseOutcome, WorkerConfig, parse_one

Task = tuple[str, str, int, str]
_HEADER = struct.Struct("!Q")
_ROOT = Path(__file__).resolve().parents[2]
_PARENT_ENV = "WAREHOUSE_PARENT_PID"
_MEMORY_ENV = "WAREHOUSE_WORKER_MEMORY_MB"
_PR_SET_PDEATHSIG = 1
_READY = "ready"
STARTUP_S = 120.0  # a worker that is not ready after this long counts as hung


# --------------------------------------------------------------------------- protocol


def _send(stream: IO[bytes], obj: object) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    data = memoryview(_HEADER.pack(len(blob)) + blob)
    while data:  # a raw (unbuffered) pipe may take fewer bytes than offered
        written = stream.write(data)
        data = data[written if written is not None else len(data) :]
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    """Exactly ``size`` bytes (a raw pipe returns short reads), or fewer at end of file."""
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        chunk = stream.read(missing)
        if not chunk:
            break
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


def _recv(stream: IO[bytes]) -> object:
    head = _read_exact(stream, _HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(head)
    blob = _read_exact(stream, size)
    if len(blob) < size:
        raise EOFError
    return pickle.loads(blob)


# --------------------------------------------------------------------------- worker side


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit if it already did."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def cap_memory(megabytes: int) -> None:
    """Address-space limit: an allocation past it fails (MemoryError), nothing else suffers."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve() -> None:
    """Worker main loop: config first, then one task per message until EOF."""
    die_with_parent(int(os.environ.get(_PARENT_ENV, "0") or 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of the parser go to stderr, never into the protocol
    sys.stdout = sys.stderr
    try:
        setup = _recv(proto_in)
    except EOFError:
        return
    sys_path, config = _setup(setup)
    sys.path[:] = sys_path
    _warm_imports()
    cap_memory(int(os.environ.get(_MEMORY_ENV, "0") or 0) or 2048)
    _send(proto_out, _READY)  # the loader starts the per-document clock from here
    while True:
        try:
            task = _task(_recv(proto_in))
        except EOFError:
            return
        _send(proto_out, parse_one(task, config))


def _setup(message: object) -> tuple[list[str], WorkerConfig]:
    """The first message: the parent's sys.path and the worker configuration."""
    if isinstance(message, tuple) and len(message) == 2:
        sys_path, config = message
        if isinstance(sys_path, list) and isinstance(config, WorkerConfig):
            return [str(p) for p in sys_path], config
    raise TypeError(f"unexpected worker set-up message: {type(message).__name__}")


def _task(message: object) -> Task:
    """A task message: (path, sha256, size, parser version)."""
    if isinstance(message, tuple) and len(message) == 4:
        path, sha, size, version = message
        return str(path), str(sha), int(size), str(version)
    raise TypeError(f"unexpected worker task message: {type(message).__name__}")


def _warm_imports() -> None:
    """Import what parsing needs before the memory cap and before the clock starts, so the
    first document is not charged for them."""
    import importlib

    for name in ("etl.parser", "etl.readers", "openpyxl", "lxml.etree"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


# --------------------------------------------------------------------------- parent side


class _Worker:
    def __init__(self, config_blob: tuple[list[str], WorkerConfig], memory_mb: int) -> None:
        env = dict(os.environ)
        env[_PARENT_ENV] = str(os.getpid())
        env[_MEMORY_ENV] = str(memory_mb)
        # the worker imports what the parent imports (the project root first, as `python -m`
        # from the root would; custom parse functions may live outside the installed packages)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "warehouse.load.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
            # unbuffered: the parent waits on the pipe with select(), so no message may sit
            # unseen in a Python buffer (a worker's "ready" and a fast outcome arrive together)
            bufsize=0,
        )
        if self.proc.stdin is None or self.proc.stdout is None:  # pipes were asked for
            raise OSError("worker pipes missing")
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        self.index: int | None = None  # task being parsed
        self.task: Task | None = None
        self.ready = False
        self.born = time.monotonic()
        self.started = 0.0
        _send(self.stdin, config_blob)

    def give(self, index: int, task: Task) -> None:
        self.index, self.task, self.started = index, task, time.monotonic()
        _send(self.stdin, task)

    def overdue(self, now: float, timeout_s: float) -> bool:
        """Past the per-document limit, counted from when the worker was ready."""
        if self.index is None:
            return False
        if not self.ready:
            return now - self.born > STARTUP_S + timeout_s
        return now - self.started > timeout_s

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def death_reason(self) -> str:
        code = self.proc.poll()
        if code is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.proc.wait(timeout=5)
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            return f"解析进程异常退出（信号 {name}），可能是文件损坏或超出内存上限，已拒绝"
        return f"解析进程异常退出（退出码 {code}），可能是文件损坏或超出内存上限，已拒绝"


def parse_isolated(
    tasks: list[Task],
    config: WorkerConfig,
    *,
    workers: int,
    memory_mb: int,
    timeout_s: float,
) -> IsolatedRun:
    """Outcomes of ``tasks`` in order, each parsed in a capped worker process. The workers
    start now, so they boot while the caller prepares the warehouse; ``close()`` the result
    (or iterate it to the end) to stop them."""
    pool = (
        _Pool(tasks, config, workers=workers, memory_mb=memory_mb, timeout_s=timeout_s)
        if tasks
        else None
    )
    return IsolatedRun(tasks, pool)


class IsolatedRun:
    """An iterable of outcomes in task order, backed by a pool started at construction.

    A receiver thread drives the pool (hands out tasks, collects outcomes) while the caller
    consumes them, so the workers keep parsing while the loader writes a batch to DuckDB
    (which releases the GIL); at most ``QUEUED`` outcomes wait between the two."""

    QUEUED = 256

    def __init__(self, tasks: list[Task], pool: _Pool | None) -> None:
        self.tasks = tasks
        self.pool = pool  # None: no tasks
        self.finished = pool is None
        self._queue: queue.Queue[object] = queue.Queue(maxsize=self.QUEUED)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[ParseOutcome]:
        if self.pool is None:
            return
        self._thread = threading.Thread(
            target=self._drive, args=(self.pool,), name="parse-receiver", daemon=True
        )
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is _END:
                    break
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, ParseOutcome)
                yield item
            self.finished = True
        finally:
            self.close()

    def _drive(self, pool: _Pool) -> None:
        """The receiver thread: every outcome in task order onto the queue, then _END."""
        tasks = self.tasks
        try:
            while pool.next_out < len(tasks) and not self._stop.is_set():
                pool.feed()
                if pool.next_task >= len(tasks):
                    pool.release_idle()  # nothing left to hand out: idle workers exit now
                for outcome in pool.in_order():
                    if not self._put(outcome):
                        return
                if pool.next_out >= len(tasks):
                    break
                pool.wait_and_receive()
                pool.reap_overdue()
            self._put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def _put(self, item: object) -> bool:
        """Queue ``item`` unless the consumer stopped (then False)."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def close(self) -> None:
        """Stop the receiver and the workers (killed when outcomes are still outstanding).
        Idempotent."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        self._stop.set()
        if self._thread is not None:
            if not self.finished:
                for worker in pool.workers:  # wakes a receiver waiting on their pipes
                    worker.proc.kill()
            self._thread.join()
        pool.close(kill=not self.finished)


_END = object()  # the receiver's last queue item


class _Pool:
    """The workers of one load, the tasks handed out and the outcomes not yet yielded."""

    def __init__(
        self,
        tasks: list[Task],
        config: WorkerConfig,
        *,
        workers: int,
        memory_mb: int,
        timeout_s: float,
    ) -> None:
        self.tasks = tasks
        self.blob = (list(sys.path), config)
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        count = max(1, min(workers, len(tasks)))
        self.workers = [_Worker(self.blob, memory_mb) for _ in range(count)]
        self.selector = selectors.DefaultSelector()
        self.done: dict[int, ParseOutcome] = {}
        self.next_task = 0
        self.next_out = 0
        self.window = count * 4  # look-ahead: outcomes wait in memory for the ones before

    def feed(self) -> None:
        """Keep every idle worker busy, within the look-ahead."""
        for worker in self.workers:
            if worker.index is not None or self.next_task >= len(self.tasks):
                continue
            if self.next_task >= self.next_out + self.window:
                return
            index = self.next_task
            self.next_task += 1
            try:
                worker.give(index, self.tasks[index])
            except (BrokenPipeError, OSError):
                _settle(self.done, index, self.tasks[index], worker.death_reason())
                self._replace(worker)
            else:
                self.selector.register(worker.stdout, selectors.EVENT_READ, worker)

    def release_idle(self) -> None:
        """End of input for every idle worker (all tasks handed out)."""
        for worker in self.workers:
            if worker.index is None:
                with contextlib.suppress(OSError):
                    worker.stdin.close()

    def in_order(self) -> Iterator[ParseOutcome]:
        while self.next_out in self.done:
            yield self.done.pop(self.next_out)
            self.next_out += 1

    def wait_and_receive(self) -> None:
        """Wait for a message from a busy worker, at most until the earliest deadline."""
        busy = [w for w in self.workers if w.index is not None]
        if not busy:
            return
        deadline = min(
            (w.started + self.timeout_s) if w.ready else (w.born + STARTUP_S + self.timeout_s)
            for w in busy
        )
        ready = self.selector.select(timeout=max(0.0, deadline - time.monotonic()))
        for key, _ in ready:
            self._receive(key.data)

    def _receive(self, worker: _Worker) -> None:
        try:
            message = _recv(worker.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            message = None
        if message == _READY:
            worker.ready, worker.started = True, time.monotonic()
            return
        self.selector.unregister(worker.stdout)
        index, task = worker.index, worker.task
        worker.index = worker.task = None
        if index is None or task is None:  # registered only while busy
            return
        if isinstance(message, ParseOutcome):
            self.done[index] = message
        else:
            _settle(self.done, index, task, worker.death_reason())
            self._replace(worker)

    def reap_overdue(self) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.index is None or not worker.task or not worker.overdue(now, self.timeout_s):
                continue
            self.selector.unregister(worker.stdout)
            reason = f"解析超时（超过 {self.timeout_s:g} 秒），解析进程已终止，已拒绝"
            _settle(self.done, worker.index, worker.task, reason)
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        self.workers[self.workers.index(worker)] = _replace(worker, self.blob, self.memory_mb)

    def close(self, *, kill: bool) -> None:
        """Stop the workers: killed when the load was interrupted, else EOF and a wait."""
        self.selector.close()
        if kill:
            for worker in self.workers:
                worker.kill()
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.stdin.close()  # EOF: an idle worker exits on its own
        for worker in self.workers:
            if kill or worker.proc.poll() is not None:
                _reap(worker)
            else:  # exiting after EOF: a one-file reload need not wait for its teardown
                threading.Thread(target=_reap, args=(worker,), daemon=True).start()


def _reap(worker: _Worker) -> None:
    """Wait for a worker that was told to stop (killed after 2 s) and close its pipe."""
    try:
        worker.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        worker.kill()
    with contextlib.suppress(OSError):
        worker.stdout.close()


def _settle(done: dict[int, ParseOutcome], index: int, task: Task, reason: str) -> None:
    path, sha, size, version = task
    done[index] = ParseOutcome(path, sha, size, version, error=reason, retry=True)


def _replace(worker: _Worker, blob: tuple[list[str], WorkerConfig], memory_mb: int) -> _Worker:
    worker.kill()
    return _Worker(blob, memory_mb)


if __name__ == "__main__":
    serve()
