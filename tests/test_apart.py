"""engine/apart.py: a stage run in a forked child gives back its result, or says why it has none."""

from __future__ import annotations

import os

import pytest

from generator.engine.apart import apart


def _made_in_child(n: int) -> tuple[int, list[str]]:
    return os.getpid(), [f"value {i}" for i in range(n)]


def _fails() -> None:
    raise ValueError("a bug in the stage")


def _dies() -> None:
    os._exit(3)


def _children() -> set[int]:
    with open(f"/proc/self/task/{os.getpid()}/children") as f:
        return {int(pid) for pid in f.read().split()}


def test_the_result_is_made_in_a_child_and_comes_back_whole() -> None:
    pid, values = apart(_made_in_child, 100_000)  # more than a pipe holds: read while the child writes
    assert pid != os.getpid()
    assert values == [f"value {i}" for i in range(100_000)]
    assert pid not in _children()  # reaped: no zombie left behind


def test_an_exception_in_the_child_comes_back_with_its_traceback() -> None:
    with pytest.raises(RuntimeError) as caught:
        apart(_fails)
    assert "ValueError: a bug in the stage" in str(caught.value)
    assert "_fails" in str(caught.value)


def test_a_child_that_ends_without_a_result_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match=r"ended without its result \(exit status 3\)"):
        apart(_dies)
    assert not _children()
