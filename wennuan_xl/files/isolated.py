"""Untrusted bytes are parsed only in worker processes with a memory and a time limit.

python-calamine is Rust: an allocation it cannot make aborts the process, and a panic raises PyO3's
``PanicException``, which derives from BaseException and escapes ordinary handlers. The guard refuses
everything we know to make it allocate absurdly; this module makes the rest cost one file, not the run:
every file is guarded, read and located in a worker (``wennuan check`` also checks it there; a consolidation
checks the located data, plain values, in the parent, in chunks), and so is every flagged or feedback copy
(openpyxl opens the unit's workbook). A worker that dies (abort, signal, memory limit) or overruns its time
limit costs only the file it had: that file gets “文件结构异常，读取时程序异常退出（…）”, the worker is
replaced, the run goes on. The main process never hands a return's bytes to calamine or openpyxl.

- Start method: on Linux the workers are forked from the parent, which has the package, the campaign and
  the rules loaded (a fork costs milliseconds); elsewhere, or when the parent runs other threads (fork
  would copy their locks), they are spawned, and each is handed the campaign and rules, pickled once per worker.
- Memory: ``RLIMIT_AS`` set in the worker to what it had at start plus ``MEMORY_BYTES`` (Linux, other
  Unix). Windows has no such limit without job objects; there a watchdog thread in the worker measures the
  working set and exits the worker when it passes the limit (checked every 0.1 s: a burst between two
  checks can exceed it briefly).
- Time: the parent kills a worker whose file takes longer than the task's limit; a watchdog thread in the
  worker does the same on platforms where the parent's death is not signalled (below).
- The parent's death: on Linux ``PR_SET_PDEATHSIG`` (the kernel kills the worker when the parent dies, also
  by SIGKILL); elsewhere the watchdog thread polls the parent and exits; an idle worker also ends when its
  pipe to the parent closes.
- Ctrl-C: workers ignore SIGINT; the parent ends them in ``close``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# A file is read, guarded, located and checked in ~20 ms; the largest the guard lets through in < 1 s.
READ_SECONDS = 20.0
# A flagged or feedback copy (openpyxl loads and saves the whole workbook): ~0.3 s, the largest accepted ~3 s.
COPY_SECONDS = 60.0
# Address space a worker may add to what it had when it started. The largest accepted file peaks ~130 MB
# above the interpreter; a real return ~10 MB.
MEMORY_BYTES = 1024 * 1024 * 1024
MAX_WORKERS = 8

EXIT_MEMORY = 86  # the watchdog's exit codes (platforms without RLIMIT_AS / parent-death signal)
EXIT_TIMEOUT = 87
EXIT_ORPHAN = 88

_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class Died:
    """A task whose worker did not answer; ``reason`` is the clerk's message."""

    reason: str


def crash_reason(detail: str) -> str:
    return (f"文件结构异常，读取时程序异常退出（{detail}）；其他文件不受影响。"
            "请对方用 Excel 重新保存后发送，或将此文件转交技术人员")


def _describe_exit(code: int | None, seconds: float | None) -> str:
    if seconds is not None:
        return f"超过 {seconds:.0f} 秒仍未完成，已终止"
    if code == EXIT_MEMORY:
        return f"内存超过 {MEMORY_BYTES // 2**20} MB 的上限"
    if code == EXIT_TIMEOUT:
        return "超过时间上限，已终止"
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"信号 {-code}"
        hint = "，多为内存超过上限" if name in ("SIGABRT", "SIGSEGV", "SIGKILL", "SIGBUS") else ""
        return f"{name}{hint}"
    return f"退出码 {code}"


# --- the worker side -----------------------------------------------------------------------------------


def _worker_main(conn, parent_pid: int, memory: int, task_seconds: float, init, init_args, close_fds) -> None:
    for fd in close_fds:  # the parent's ends of the other workers' pipes (a fork inherits them)
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    watchdog = _Watchdog(parent_pid, memory, task_seconds)
    watchdog.start()
    warnings.simplefilter("ignore")  # openpyxl's warnings about unsupported extensions are not the clerk's
    with contextlib.suppress(Exception):
        import faulthandler

        faulthandler.disable()  # an abort is answered in Chinese by the parent, not by a traceback dump
    try:
        # Rust's panic and abort messages go straight to file descriptor 2: not into the clerk's terminal.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdout = sys.stderr = open(devnull, "w", closefd=False)  # noqa: SIM115 - for the worker's life
    except OSError:
        pass
    if init is not None:
        init(*init_args)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the parent is gone
        if message is None:
            os._exit(0)
        fn, args = message
        watchdog.busy(True)
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:  # noqa: BLE001 - calamine's panic is a BaseException: this file's answer
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                os._exit(1)
            reply = ("raised", f"{type(exc).__name__}: {str(exc)[:200]}")
        watchdog.busy(False)
        try:
            conn.send(reply)
        except (BrokenPipeError, EOFError, ConnectionError):
            os._exit(0)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be pickled is reported as such
            conn.send(("raised", f"{type(exc).__name__}: {str(exc)[:200]}"))


class _Watchdog:
    """Parent death (where the kernel does not signal it), task time, and memory (where RLIMIT_AS does
    not exist), checked from a thread. calamine releases the GIL while it parses, so the thread runs."""

    def __init__(self, parent_pid: int, memory: int, task_seconds: float):
        self.parent_pid = parent_pid
        self.memory = memory
        self.task_seconds = task_seconds
        self.started: float | None = None
        self.check_parent = not _parent_death_signal(parent_pid)
        self.check_memory = not _limit_address_space(memory)
        self.baseline = _working_set() if self.check_memory else 0
        self.parent_handle = _open_parent(parent_pid) if self.check_parent and sys.platform == "win32" else None

    def start(self) -> None:
        # On Linux neither check is needed (PR_SET_PDEATHSIG, RLIMIT_AS) and the parent enforces the task
        # time: no thread, nothing shared with a fork.
        if self.check_parent or self.check_memory:
            threading.Thread(target=self._run, name="wennuan-watchdog", daemon=True).start()

    def busy(self, flag: bool) -> None:
        self.started = time.monotonic() if flag else None

    def _run(self) -> None:
        while True:
            time.sleep(0.1)
            if self.check_parent and not self._parent_alive():
                os._exit(EXIT_ORPHAN)
            if self.check_memory and _working_set() - self.baseline > self.memory:
                os._exit(EXIT_MEMORY)
            started = self.started
            if started is not None and time.monotonic() - started > self.task_seconds + 5:
                os._exit(EXIT_TIMEOUT)

    def _parent_alive(self) -> bool:
        if self.parent_handle is not None:
            import ctypes

            return ctypes.windll.kernel32.WaitForSingleObject(self.parent_handle, 0) != 0  # type: ignore[attr-defined]
        return os.getppid() == self.parent_pid


def _parent_death_signal(parent_pid: int) -> bool:
    """Linux: ask the kernel to SIGKILL this worker when the parent dies. True when in force."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(EXIT_ORPHAN)
    return True


def _address_space() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_address_space(extra: int) -> bool:
    """RLIMIT_AS = the address space in use now + ``extra``. True when in force (Linux; macOS accepts the
    call but does not enforce it, so there the watchdog measures instead)."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return False
    try:
        import resource

        current = _address_space()
        if not current:
            return False
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = current + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        return False
    return True


def _working_set() -> int:
    """This process's resident memory, in bytes (the watchdog's measure where RLIMIT_AS is missing)."""
    if sys.platform == "win32":
        try:
            import ctypes
            from ctypes import wintypes

            class Counters(ctypes.Structure):
                _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                    (n, ctypes.c_size_t) for n in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                                                    "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                                                    "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage")]

            counters = Counters()
            counters.cb = ctypes.sizeof(Counters)
            handle = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
            if ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):  # type: ignore[attr-defined]
                return int(counters.PagefileUsage)
        except (OSError, AttributeError):
            return 0
        return 0
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):
        return 0


def _open_parent(pid: int):
    try:
        import ctypes

        return ctypes.windll.kernel32.OpenProcess(0x00100000, False, pid) or None  # type: ignore[attr-defined]  # SYNCHRONIZE
    except (OSError, AttributeError):
        return None


# --- the parent side -----------------------------------------------------------------------------------


def _context():
    """fork where it is safe (Linux, and no other thread whose locks a fork would copy), else spawn."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, ctx, init, init_args, others: list[int], task_seconds: float):
        parent_end, child_end = ctx.Pipe()
        for stream in (sys.stdout, sys.stderr):  # a fork must not inherit unflushed output
            with contextlib.suppress(Exception):
                stream.flush()
        self.process = ctx.Process(
            target=_worker_main,
            args=(child_end, os.getpid(), MEMORY_BYTES, task_seconds, init, init_args, others),
            daemon=True, name="wennuan-reader",
        )
        self.process.start()
        child_end.close()
        self.conn = parent_end

    def stop(self, wait: float = 1.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(wait)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class Pool:
    """Worker processes that answer calls in order, each call within ``seconds``; a call whose worker
    dies or overruns gets a ``Died`` and the worker is replaced.

    ``init`` (with ``init_args``) prepares a spawned worker (a forked one has the parent's state).
    Use as a context manager: the workers end when the block does, however it ends.
    """

    def __init__(self, size: int, init: Callable | None = None, init_args: tuple = (), seconds: float = READ_SECONDS):
        self.size = max(1, size)
        self.seconds = seconds
        self.ctx = _context()
        forked = self.ctx.get_start_method() == "fork"
        self.init = None if forked else init
        self.init_args = init_args
        self.workers: list[_Worker] = []
        self.deaths = 0

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Worker:
        others = [w.conn.fileno() for w in self.workers if not w.conn.closed]
        worker = _Worker(self.ctx, self.init, self.init_args, others, self.seconds)
        self.workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers.remove(worker)
        self.deaths += 1

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []

    def map(self, fn: Callable, calls: Sequence[tuple], seconds: float | None = None) -> Iterator[Any]:
        """``fn(*args)`` for each args in ``calls``, in order: the result, or ``Died``.

        Each worker has up to ``DEPTH`` calls sent: the next waits in its pipe while it works on one, so a
        worker never idles while the caller is busy with the answers it has (a consolidation checks them
        here). A call's time limit runs from when its worker starts it (when the call before it was
        answered); when a worker dies or overruns, the call it was on gets ``Died`` and the calls waiting
        behind it go to another worker."""
        limit = self.seconds if seconds is None else seconds
        pending = deque(enumerate(calls))
        done: dict[int, Any] = {}
        busy: dict[_Worker, deque[list]] = {}  # worker -> its calls in order: [index, deadline of the first]
        idle = [w for w in self.workers if w.process.is_alive()]
        following = 0

        def send(worker: _Worker) -> bool:
            index, args = pending.popleft()
            try:
                worker.conn.send((fn, args))
            except (OSError, ValueError):  # the worker died: the call goes to another one
                pending.appendleft((index, args))
                if worker not in busy:
                    self._replace(worker)
                return False  # a busy one: its death is seen below, and its call answered
            queue = busy.setdefault(worker, deque())
            queue.append([index, time.monotonic() + limit if not queue else 0.0])
            return True

        while following < len(calls):
            while pending and (idle or len(self.workers) < self.size):
                send(idle.pop() if idle else self._start())
            for worker in list(busy):
                while pending and len(busy[worker]) < DEPTH and send(worker):
                    pass
            if not busy:  # nothing running: every remaining answer is in ``done``
                while following in done:
                    yield done.pop(following)
                    following += 1
                continue
            now = time.monotonic()
            soonest = min(queue[0][1] for queue in busy.values())
            waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(multiprocessing.connection.wait(waitables, timeout=max(0.0, soonest - now)))
            now = time.monotonic()
            for worker in list(busy):
                queue = busy[worker]
                index, deadline = queue[0]
                answer: Any = None
                if worker.conn in ready or (worker.process.sentinel in ready and worker.conn.poll()):
                    try:
                        status, value = worker.conn.recv()
                        answer = value if status == "ok" else Died(f"发生意外错误（{value}），请将此文件转交技术人员")
                    except (EOFError, OSError):
                        answer = None
                if answer is not None:
                    queue.popleft()
                    done[index] = answer
                    if queue:
                        queue[0][1] = time.monotonic() + limit  # the next call starts now
                    else:
                        del busy[worker]
                        idle.append(worker)
                    continue
                if worker.process.sentinel in ready or not worker.process.is_alive():
                    worker.process.join(1)
                    done[index] = Died(crash_reason(_describe_exit(worker.process.exitcode, None)))
                elif now >= deadline:
                    done[index] = Died(crash_reason(_describe_exit(None, limit)))
                else:
                    continue
                queue.popleft()
                pending.extendleft(reversed([(i, calls[i]) for i, _ in queue]))  # not started: sent again
                del busy[worker]
                self._replace(worker)
            while following in done:
                yield done.pop(following)
                following += 1


# Calls a worker has been sent and not answered, at most. With 2 a worker idled while the parent checked a
# chunk of answers (~0.25 s for 256 returns); with 8 it goes on until its answers fill the pipe: a consolidation
# of 1,000 returns 7 % faster (wall, median of 8 paired runs), 5 % less CPU. A death costs still only the call
# it was on: the ones behind it are sent again.
DEPTH = 8


# --- what the workers do ---------------------------------------------------------------------------------


def set_state(campaign, rules=None) -> None:
    """The campaign and rules the tasks use: set in the parent before forking, and passed to a spawned
    worker's start (pickled once per worker; a rule compiles itself again on arrival). The worker never
    reloads them from the campaign folder, so a tolerance set on 设置 or rules given by the caller hold
    there as in the parent. ``rules`` is None for tasks that check nothing (flagged copies)."""
    _STATE["campaign"] = campaign
    _STATE["rules"] = rules


def _preload(folder: bool = False) -> None:
    """Import what the tasks and the worker's start use before forking, so that each worker starts with it
    (a fork shares the pages; importing in every worker costs each ~0.2 s, and the parent waits for it).
    No return's bytes are touched here."""
    import faulthandler  # noqa: F401

    import python_calamine  # noqa: F401

    from ..core import check  # noqa: F401
    from . import guard, source  # noqa: F401

    if sys.platform.startswith("linux"):
        import ctypes  # noqa: F401
        import resource  # noqa: F401
    if folder:
        from . import bulk  # noqa: F401


_FROZEN = [0]  # depth of nested ``frozen_heap`` blocks


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """What is alive when a pool starts (the package, the campaign, the compiled rules) is set aside from the
    cyclic garbage collector for the pool's life (``gc.freeze``): the parent's collections no longer walk it
    each time a thousand returns' objects arrive (~0.5 ms a return in a consolidation), and forked workers do
    not copy its pages by touching their reference counts' neighbours (Python's advice for fork)."""
    _FROZEN[0] += 1
    if _FROZEN[0] == 1:
        gc.freeze()
    try:
        yield
    finally:
        _FROZEN[0] -= 1
        if _FROZEN[0] == 0:
            gc.unfreeze()


def workers_for(count: int, workers: int | None) -> int:
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    return max(1, min(workers, count))


def _check_task(path: str, shown: str, follow_links: bool):
    """A file as ``wennuan check`` reports it: ("report", Report) or ("unusable", reason)."""
    from ..core.check import check_return
    from ..core.findings import ReturnUnusable
    from .source import load_return

    try:
        data = load_return(path, _STATE["campaign"], shown, follow_links=follow_links)
        return "report", check_return(data, _STATE["campaign"], _STATE["rules"])
    except ReturnUnusable as exc:
        return "unusable", exc.reason


def _locate_task(path: str, shown: str, follow_links: bool):
    from .bulk import locate_one

    return locate_one(path, shown, _STATE["campaign"], follow_links=follow_links)


def check_files(jobs: Sequence[tuple[str, str]], campaign, rules, workers: int | None = None,
                follow_links: bool = True, pool: Pool | None = None) -> list:
    """``wennuan check``: each (path, shown) read, located and checked in a worker. A ``Report`` or a
    ``ReturnUnusable`` per file, in order."""
    from ..core.findings import ReturnUnusable

    set_state(campaign, rules)
    _preload()
    out: list = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(frozen_heap())
        if pool is None:
            pool = stack.enter_context(
                Pool(workers_for(len(jobs), workers), set_state, (campaign, rules), seconds=READ_SECONDS))
        calls = [(path, shown, follow_links) for path, shown in jobs]
        for (_path, shown), answer in zip(jobs, pool.map(_check_task, calls)):
            if isinstance(answer, Died):
                out.append(ReturnUnusable(shown, answer.reason))
            elif answer[0] == "report":
                out.append(answer[1])
            else:
                out.append(ReturnUnusable(shown, answer[1]))
    return out


CHECK_CHUNK = 256  # located returns checked together in the parent: large enough for the column-wise checks,
# small enough that the located data of a 10,000-unit folder is never held at once


def read_returns(jobs: Sequence[tuple[str, str]], campaign, rules, workers: int | None = None,
                 progress: Callable[[int, int, str], None] | None = None,
                 follow_links: bool = True, check_many=None) -> Iterator:
    """The folder reader's work: a ``Returned`` per (path, shown), in order. Each file is read and located in
    a worker (the only place its bytes are parsed); the located data, plain values, come back and are
    checked here in chunks, by ``check_many`` (default: each return on its own)."""
    from ..core.consolidate import Returned
    from .bulk import Located, check_each, check_located

    set_state(campaign)  # the workers only locate: the rules stay here
    _preload(folder=True)
    calls = [(path, shown, follow_links) for path, shown in jobs]
    chunk: list = []  # (position in the chunk's output, Located | Returned)

    def flush() -> list:
        located = [item for item in chunk if isinstance(item, Located)]
        checked = iter(check_located(located, campaign, rules, check_many or check_each))
        out = [next(checked) if isinstance(item, Located) else item for item in chunk]
        chunk.clear()
        return out

    with frozen_heap(), Pool(workers_for(len(jobs), workers), set_state, (campaign,), seconds=READ_SECONDS) as pool:
        for i, ((path, shown), answer) in enumerate(zip(jobs, pool.map(_locate_task, calls)), start=1):
            if isinstance(answer, Died):
                answer = Returned(shown, _mtime(path), error=answer.reason)
            chunk.append(answer)
            if len(chunk) >= CHECK_CHUNK or i == len(jobs):
                yield from flush()
            if progress:
                progress(i, len(jobs), shown)
    if chunk:
        yield from flush()


def run_copies(fn: Callable, calls: Sequence[tuple], campaign, workers: int | None = None) -> list:
    """Flagged or feedback copies, each written by ``fn(*args)`` in a worker (openpyxl opens the unit's
    workbook there). The result of each, or ``Died``."""
    set_state(campaign)
    with Pool(workers_for(len(calls), workers), set_state, (campaign,), seconds=COPY_SECONDS) as pool:
        return list(pool.map(fn, calls))


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
