"""Work in a process of its own: it runs elsewhere, its errors come back, and a worker whose
work is made again later is stopped at close instead of waited for."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.workers import Worker, WorkerUnavailable


def _fail() -> None:
    raise ValueError("không đọc được")


async def test_the_work_runs_in_another_process_and_its_errors_come_back() -> None:
    worker = Worker("test")
    try:
        assert await worker.run(os.getpid) != os.getpid()
        with pytest.raises(ValueError, match="không đọc được"):
            await worker.run(_fail)
        # The process survives an error in the work: the next call runs in the same one.
        assert await worker.run(os.getpid) == await worker.run(os.getpid)
    finally:
        worker.close()


async def test_a_worker_stopped_at_close_does_not_finish_its_work() -> None:
    worker = Worker("test", stop_at_close=True)
    pid = await worker.run(os.getpid)
    sleeping = asyncio.ensure_future(worker.run(time.sleep, 60))
    await asyncio.sleep(0.3)  # the sleep is under way in the worker
    started = time.monotonic()
    worker.close()
    with pytest.raises(WorkerUnavailable):
        await asyncio.wait_for(sleeping, 10)
    assert time.monotonic() - started < 10
    for _ in range(50):  # the process is gone once the signal is handled
        if not _alive(pid):
            break
        await asyncio.sleep(0.1)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
