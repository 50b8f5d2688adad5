"""The call budget shared through a locked log file (fake clock: no waiting in these tests)."""

from __future__ import annotations

import pytest

from samfunn_data.ssb.ratelimit import SharedBudget


class FakeTime:
    def __init__(self):
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def budget(tmp_path, fake, calls=3, window=10.0) -> SharedBudget:
    return SharedBudget(tmp_path / "calls.json", calls, window, sleep=fake.sleep, clock=fake.clock)


def test_calls_within_budget_do_not_wait(tmp_path):
    fake = FakeTime()
    b = budget(tmp_path, fake)
    assert [b.acquire() for _ in range(3)] == [0, 0, 0]
    assert fake.slept == []


def test_call_over_budget_waits_until_the_oldest_leaves_the_window(tmp_path):
    fake = FakeTime()
    b = budget(tmp_path, fake)
    for _ in range(3):
        b.acquire()
        fake.now += 1
    waited = b.acquire()
    # the first call was 3 s ago; the window (with its safety margin) is at least 10 s
    assert waited >= 10 - 3
    assert waited <= 10 * 1.1 + 1


def test_two_budget_objects_on_one_file_share_it(tmp_path):
    fake = FakeTime()
    a, b = budget(tmp_path, fake), budget(tmp_path, fake)
    a.acquire()
    a.acquire()
    b.acquire()
    assert b.acquire() > 0  # the fourth call on the shared file had to wait


def test_defer_blocks_everyone_for_retry_after(tmp_path):
    fake = FakeTime()
    a, b = budget(tmp_path, fake), budget(tmp_path, fake)
    a.defer(5.0)
    waited = b.acquire()
    assert 5.0 <= waited <= 5.5


def test_damaged_log_is_treated_as_empty(tmp_path):
    fake = FakeTime()
    (tmp_path / "calls.json").write_text("not json{")
    assert budget(tmp_path, fake).acquire() == 0


def test_wait_is_bounded(tmp_path):
    fake = FakeTime()
    b = budget(tmp_path, fake, calls=1, window=100)
    b.acquire()
    with pytest.raises(TimeoutError, match="budget"):
        b.acquire(max_wait=10)


def test_invalid_budget_is_refused(tmp_path):
    with pytest.raises(ValueError):
        SharedBudget(tmp_path / "x", 0, 60)
