"""Sample statistics of doubles, computed in the order LEAN's libraries compute them.

LEAN averages with LINQ (a running sum over the count) and takes variance, covariance,
skewness and kurtosis from Math.NET's single-pass streaming formulas. Floating-point results
depend on that order, so these helpers follow it rather than numpy's pairwise sums.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

__all__ = [
    "covariance",
    "kurtosis",
    "linq_average",
    "normal_cdf",
    "normal_inverse_cdf",
    "power",
    "running_mean",
    "skewness",
    "standard_deviation",
    "variance",
]

_SQRT2 = 1.4142135623730951


def linq_average(values: Sequence[float]) -> float:
    """Return the LINQ `Average()`: a left-to-right sum over the count (NaN when empty)."""
    if not values:
        return math.nan
    total = 0.0
    for value in values:
        total += value
    return total / len(values)


def running_mean(values: Sequence[float]) -> float:
    """Return Math.NET's streaming mean, updated one value at a time (NaN when empty)."""
    mean = 0.0
    for count, value in enumerate(values, start=1):
        mean += (value - mean) / count
    return mean if values else math.nan


def variance(values: Sequence[float]) -> float:
    """Return the unbiased (n - 1) sample variance by Math.NET's streaming formula (NaN below 2)."""
    if len(values) < 2:
        return math.nan
    accumulated = 0.0
    total = values[0]
    for count, value in enumerate(values[1:], start=2):
        total += value
        difference = count * value - total
        accumulated += difference * difference / (count * (count - 1))
    return accumulated / (len(values) - 1)


def standard_deviation(values: Sequence[float]) -> float:
    """Return the square root of `variance`."""
    return math.sqrt(variance(values)) if len(values) >= 2 else math.nan


def covariance(first: Sequence[float], second: Sequence[float]) -> float:
    """Return the unbiased sample covariance by Math.NET's streaming formula (NaN below 2)."""
    if len(first) != len(second):
        raise ValueError("covariance needs two series of the same length")
    mean_first = mean_second = comoment = 0.0
    for count, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        previous_second = mean_second
        mean_first += (a - mean_first) / count
        mean_second += (b - mean_second) / count
        comoment += (a - mean_first) * (b - previous_second)
    return comoment / (len(first) - 1) if len(first) > 1 else math.nan


def _moments(values: Sequence[float]) -> tuple[int, float, float, float]:
    """Return count and the second, third and fourth central moment sums (Math.NET's running update)."""
    n = 0
    m1 = m2 = m3 = m4 = 0.0
    for value in values:
        n += 1
        d = value - m1
        s = d / n
        s2 = s * s
        t = d * s * (n - 1)
        m1 += s
        m4 += t * s2 * (n * n - 3 * n + 3) + 6 * s2 * m2 - 4 * s * m3
        m3 += t * s * (n - 2) - 3 * s * m2
        m2 += t
    return n, m2, m3, m4


def skewness(values: Sequence[float]) -> float:
    """Return the unbiased sample skewness (Math.NET's type 2; NaN below 3 values)."""
    n, m2, m3, _ = _moments(values)
    if n < 3:
        return math.nan
    try:
        return (n * m3 * math.sqrt(m2 / (n - 1)) / (m2 * m2 * (n - 2))) * (n - 1)
    except ZeroDivisionError:
        return math.nan


def kurtosis(values: Sequence[float]) -> float:
    """Return the unbiased sample excess kurtosis (Math.NET's type 2; NaN below 4 values)."""
    n, m2, _, m4 = _moments(values)
    if n < 4:
        return math.nan
    try:
        return (float(n) * n - 1) / ((n - 2) * (n - 3)) * (n * m4 / (m2 * m2) - 3 + 6.0 / (n + 1))
    except ZeroDivisionError:
        return math.nan


def power(base: float, exponent: float) -> float:
    """Return `Math.Pow`: NaN for a negative base with a fractional exponent, infinity on overflow."""
    try:
        return math.pow(base, exponent)
    except ValueError:
        return math.nan
    except OverflowError:
        odd_power = float(exponent).is_integer() and exponent % 2 == 1
        return -math.inf if base < 0 and odd_power else math.inf


def normal_cdf(value: float) -> float:
    """Return the standard normal distribution function, as Math.NET writes it with erfc."""
    return 0.5 * math.erfc(-value / _SQRT2)


def normal_inverse_cdf(mean: float, deviation: float, probability: float) -> float:
    """Return the normal quantile; a zero deviation gives the mean."""
    if math.isnan(mean) or math.isnan(deviation):
        return math.nan
    if deviation == 0:
        return mean
    return NormalDist(mean, deviation).inv_cdf(probability)
