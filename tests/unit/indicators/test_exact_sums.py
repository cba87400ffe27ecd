"""The kernels' exact sums give `math.fsum`'s bits: the split sum whenever it claims a value, fsum's own
algorithm always (zeros, ties at half an ulp, cancellation, every magnitude)."""

from __future__ import annotations

import math
import random

import numba
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.indicators.batch.exact_sums import (
    exact_sum,
    largest_magnitude,
    split_add,
    split_result,
    split_start,
    splitters,
)

FloatArray = npt.NDArray[np.float64]


@numba.njit(cache=True)
def _split_sum(values: FloatArray, bound: float) -> float:  # pragma: no cover - compiled
    """fsum's value by splitting each value as a kernel does, NaN when a bit escaped."""
    sigma, sigma2 = splitters(bound, len(values))
    total = split_start(sigma)
    for value in values:
        total = split_add(total, value, sigma, sigma2)
    return split_result(total)


def _split(values: list[float], bound: float | None = None) -> float:
    array = np.array(values, dtype=np.float64)
    return float(_split_sum(array, largest_magnitude(array) if bound is None else bound))


def _same(value: float, expected: float) -> bool:
    return value.hex() == expected.hex()  # a -0.0 for a 0.0 shows


# every finite float, zeros of both signs and subnormals included
any_float = st.floats(allow_nan=False, allow_infinity=False)
# magnitudes whose sums cannot overflow, spread over the whole exponent range
moderate = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(moderate, max_size=40))
def test_exact_sum_is_math_fsum(values: list[float]) -> None:
    assert _same(exact_sum(np.array(values, dtype=np.float64)), math.fsum(values))


def test_exact_sum_rounds_half_ulp_remainders_and_zeros_as_fsum() -> None:
    cases = [
        [1.0, 1e-16, 1e-16],
        [1e16, 1.0, 1e-16],
        [1.0, -1e-16, -1e-16],
        [1e308, 1e292, -1e308],
        [-0.0],
        [-0.0, -0.0],
        [1.0, -1.0],
        [-5e-324, 5e-324, -0.0],
    ]
    for values in cases:
        assert _same(exact_sum(np.array(values)), math.fsum(values)), values


@settings(max_examples=500, deadline=None)
@given(st.lists(moderate, max_size=40))
def test_a_split_sum_that_claims_a_value_gives_fsum(values: list[float]) -> None:
    total = _split(values)
    assert math.isnan(total) or _same(total, math.fsum(values))


@settings(max_examples=300, deadline=None)
@given(
    exponent=st.integers(min_value=-900, max_value=900),
    mantissas=st.lists(st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), min_size=1, max_size=31),
    shifts=st.lists(st.integers(min_value=0, max_value=30), min_size=31, max_size=31),
)
def test_values_within_two_levels_never_escape_and_sum_as_fsum(
    exponent: int, mantissas: list[int], shifts: list[int]
) -> None:
    # 53-bit mantissas over at most 31 binades below the largest: the two levels hold every bit
    # of up to 31 values (53 - 2 * 5 bits per level... with room), cancellation and ties included
    values = [math.ldexp(m, exponent - shift) for m, shift in zip(mantissas, shifts, strict=False)]
    total = _split(values)
    assert _same(total, math.fsum(values))


@pytest.mark.parametrize(
    "values",
    [
        [],
        [0.0],
        [-0.0],
        [-0.0, -0.0, 0.0],
        [1.0, -1.0],
        [-1.0, 1.0, -0.0],
        # ties at half an ulp of the result, each way
        [1.0, 2.0**-53],
        [1.0, 2.0**-53, 2.0**-80],
        [1.0, 2.0**-53, -(2.0**-80)],
        [1.0 + 2.0**-52, 2.0**-53],
        [-1.0, -(2.0**-53), -(2.0**-80)],
        # cancellation down to the last bits
        [1e16, 1.0, -1e16, 2.0**-30],
        [463.46, -463.46, 0.01, -0.0099999999999909],
        # prices, and their offsets and squares as the variance sums them
        [463.46, 463.5, 463.81, 463.48, 463.13, 463.02, 463.33, 463.34, 463.35, 463.16],
        [0.31, -0.02, 0.0, -0.35, 0.01, 0.3, 0.04],
        [0.0961, 0.0004, 0.0, 0.1225, 0.0001, 0.09],
    ],
)
def test_chosen_sums_give_fsum(values: list[float]) -> None:
    total = _split(values)
    assert not math.isnan(total)
    assert _same(total, math.fsum(values))
    assert _same(exact_sum(np.array(values, dtype=np.float64)), math.fsum(values))


@pytest.mark.parametrize(
    "values",
    [
        [1.0, 2.0**-200],  # bits far below the two levels
        [1e300, 1e-300],
        [5e-324, 1e-320],  # subnormals: no split that small
        [1.7e308, 1.0],  # too large to split
    ],
)
def test_out_of_reach_bits_escape_and_fsum_still_holds(values: list[float]) -> None:
    assert math.isnan(_split(values))
    assert _same(exact_sum(np.array(values, dtype=np.float64)), math.fsum(values))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(moderate, min_size=1, max_size=20), seed=st.integers(0, 2**32))
def test_the_order_of_the_values_does_not_matter(values: list[float], seed: int) -> None:
    shuffled = values[:]
    random.Random(seed).shuffle(shuffled)
    first, second = _split(values), _split(shuffled)
    assert _same(first, second) or (math.isnan(first) and math.isnan(second))


@settings(max_examples=200, deadline=None)
@given(st.lists(any_float, min_size=1, max_size=20), st.floats(min_value=1.0, max_value=2.0**20))
def test_a_looser_bound_still_gives_fsum(values: list[float], looser: float) -> None:
    # a kernel bounds a whole batch, so a window's values are often well inside the bound
    bound = largest_magnitude(np.array(values, dtype=np.float64)) * looser
    if not math.isfinite(bound) or any(abs(value) > 1e300 for value in values):
        return
    total = _split(values, bound)
    assert math.isnan(total) or _same(total, math.fsum(values))
