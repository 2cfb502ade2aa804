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
    before = _children()  # the suite's other tests may have left processes of their own
    with pytest.raises(RuntimeError, match=r"ended without its result \(exit status 3\)"):
        apart(_dies)
    assert _children() <= before  # the child was reaped


def test_a_build_that_keeps_a_memo_reads_apart_and_its_memo_still_answers(tmp_path, monkeypatch) -> None:
    """The content is read in a child, which takes the ledger; what the parent learns of it (the memo's
    head) is enough for the next build with nothing changed to be answered whole."""
    from datetime import timedelta

    from conftest import AS_OF, THREE_TIERS, make_content
    from test_memo import _build, _kept_whole, _settle

    import generator.build
    from generator.read.content import read_content

    _settle(monkeypatch)
    readers = tmp_path / "readers"

    def reading(*args, **kwargs):
        with open(readers, "a") as f:
            f.write(f"{os.getpid()}\n")
        return read_content(*args, **kwargs)

    monkeypatch.setattr(generator.build, "read_content", reading)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    warm = _build(content, site, cache, as_of=AS_OF + timedelta(days=1))
    assert not _kept_whole(warm) and 0 < warm.kept < warm.files  # built again: the dated files written, the rest kept
    assert _kept_whole(_build(content, site, cache, as_of=AS_OF + timedelta(days=1)))
    pids = readers.read_text().split()
    assert len(pids) == 2 and str(os.getpid()) not in pids  # both builds that read did so in a child
    _build(content, tmp_path / "cold", None)  # --no-cache: nothing to keep apart, read in place
    assert readers.read_text().split()[2:] == [str(os.getpid())]
