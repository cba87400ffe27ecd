"""RollingWindow keeps LEAN's indexing, sizing and removal rules."""

from __future__ import annotations

import pytest

from lean_core.indicators import RollingWindow


def _window(size: int, *items: int) -> RollingWindow[int]:
    window: RollingWindow[int] = RollingWindow(size)
    for item in items:
        window.add(item)
    return window


class TestFilling:
    def test_new_window_is_empty_and_not_ready(self) -> None:
        window = _window(1)

        assert (window.size, window.count, window.samples, window.is_ready) == (1, 0, 0, False)

    def test_window_is_ready_once_size_items_were_added(self) -> None:
        window = _window(2, 1)
        assert not window.is_ready

        window.add(2)

        assert (window.count, window.samples, window.is_ready) == (2, 2, True)

    def test_old_items_fall_off_the_back(self) -> None:
        window = _window(1, 0)
        with pytest.raises(IndexError, match="No items have been removed yet"):
            _ = window.most_recently_removed

        window.add(1)

        assert window.most_recently_removed == 0
        assert window.count == 1
        assert window.samples == 2

    def test_reset_empties_the_window(self) -> None:
        window = _window(3, 0, 1, 2)

        window.reset()

        assert (window.count, window.samples, window.is_ready) == (0, 0, False)
        window.add(7)
        assert window[0] == 7

    def test_negative_size_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="at least 0"):
            RollingWindow(-1)

    def test_zero_size_window_can_be_resized_before_use(self) -> None:
        window = _window(0)
        window.size = 1

        window.add(10)

        assert (window.count, window[0], window[-1]) == (1, 10, 10)


class TestIndexing:
    @pytest.mark.parametrize(
        ("items", "expected"),
        [
            ((0,), [0]),
            ((0, 1), [1, 0]),
            ((0, 1, 2), [2, 1, 0]),
            ((0, 1, 2, 3), [3, 2, 1]),
            ((0, 1, 2, 3, 4, 5, 6), [6, 5, 4]),
        ],
    )
    def test_index_zero_is_the_newest_item(self, items: tuple[int, ...], expected: list[int]) -> None:
        window = _window(3, *items)

        assert [window[index] for index in range(window.count)] == expected
        assert list(window) == expected
        assert len(window) == len(expected)

    def test_negative_index_counts_from_the_oldest_item(self) -> None:
        window = _window(4, 10, 20, 30, 40)

        assert [window[-index] for index in range(1, 5)] == [10, 20, 30, 40]

    def test_negative_index_before_the_window_is_full_reaches_empty_slots(self) -> None:
        window = _window(3, 10, 20)

        assert (window[-1], window[-2], window[-3]) == (10, 20, None)

    @pytest.mark.parametrize("index", [-4, -5, -(2**31)])
    def test_negative_index_beyond_the_size_raises(self, index: int) -> None:
        window = _window(3, 10, 20, 30)

        with pytest.raises(IndexError):
            _ = window[index]

    def test_index_beyond_the_count_returns_none(self) -> None:
        window = _window(10, 0, 1, 2, 3, 4)

        assert [window[index] for index in range(5, 10)] == [None] * 5
        assert window.size == 10

    def test_index_beyond_the_size_grows_the_window(self) -> None:
        window = _window(10)

        assert window[12] is None
        assert window.size == 13

    def test_setting_beyond_the_count_pads_with_empty_newest_entries(self) -> None:
        window = _window(20, 0, 1, 2, 3, 4)

        window[10] = 10

        assert window[10] == 10
        assert window.count == 11
        assert [window[index] for index in range(6)] == [None] * 6
        assert window.size == 20

    def test_setting_with_a_negative_index_overwrites_from_the_oldest(self) -> None:
        window = _window(2, 1, 2)

        window[-1] = 20
        window[-2] = 10

        assert (window[0], window[1]) == (10, 20)
        with pytest.raises(IndexError):
            window[-3] = 30


class TestResizing:
    def test_growing_keeps_the_items(self) -> None:
        window = _window(10, *range(10))

        window.size = 20

        assert list(window) == list(range(9, -1, -1))

    @pytest.mark.parametrize(
        ("initial_size", "total_adds", "new_size", "expected"),
        [
            (2, 3, 5, [3, 2]),
            (5, 7, 3, [7, 6, 5]),
            (3, 6, 2, [6, 5]),
            (3, 6, 5, [6, 5, 4]),
            (20, 20, 10, [20, 19, 18, 17, 16, 15, 14, 13, 12, 11]),
        ],
    )
    def test_resizing_keeps_the_newest_items(
        self, initial_size: int, total_adds: int, new_size: int, expected: list[int]
    ) -> None:
        window = _window(initial_size, *range(1, total_adds + 1))

        window.size = new_size

        assert list(window) == expected

    def test_items_added_after_growing_a_wrapped_window_come_first(self) -> None:
        window = _window(3, 1, 2, 3, 4, 5)

        window.size = 5
        window.add(6)

        assert list(window) == [6, 5, 4, 3]

    def test_repeated_resizes_keep_the_order(self) -> None:
        window = _window(5, *range(1, 8))
        window.size = 3
        window.size = 10

        for item in range(8, 18):
            window.add(item)

        assert (window[0], window[1], window[2], window[9]) == (17, 16, 15, 8)
