"""The start-up heap is kept out of the garbage collector's scans while serving, and given back."""

import gc

import pytest

from bot.service.heap import startup_heap_frozen


def test_what_is_loaded_is_frozen_while_serving_and_unfrozen_after() -> None:
    loaded = [object() for _ in range(10)]  # alive at start-up
    assert gc.get_freeze_count() == 0
    with startup_heap_frozen():
        assert gc.get_freeze_count() >= len(loaded)
    assert gc.get_freeze_count() == 0


def test_an_error_while_serving_still_unfreezes() -> None:
    with pytest.raises(RuntimeError), startup_heap_frozen():
        raise RuntimeError
    assert gc.get_freeze_count() == 0
