"""What a sample can miss, and how far an estimate from one may be off.

A sample of n of N entities misses every one of K holders of a key with the hypergeometric
probability C(N - K, n) / C(N, n). The stated limit is the smallest K for which that is at
most 5 %: keys held by K or more entities are seen with 95 % confidence, rarer ones may
not be. For n much smaller than N it is the rule of three, K ~ 3 N / n; as n nears N it
falls to 1 (a sample of everything misses nothing). The samplers draw a spread sample
(sampling.py), not a simple random one; the limit is stated for a simple random sample of
the same size.

Estimated counts (label combinations) get a Wilson score interval on the share seen, the
usual 95 % interval for a binomial proportion that stays inside [0, 1] for shares near 0.
"""

from __future__ import annotations

import math

from ..report import SampleLimit

CONFIDENCE = 0.95
Z_95 = 1.959963984540054  # the standard normal's 97.5 % quantile


def _log_miss(population: int, read: int, holders: int) -> float:
    """log of C(N - K, n) / C(N, n): the chance a sample of n of N misses all K holders."""
    if holders + read > population:
        return -math.inf
    lg = math.lgamma
    return (
        lg(population - holders + 1)
        - lg(population - holders - read + 1)
        - lg(population + 1)
        + lg(population - read + 1)
    )


def missable_below(read: int, population: int, confidence: float = CONFIDENCE) -> int:
    """The smallest K such that a sample of `read` of `population` entities misses all K
    holders of a key with probability at most 1 - confidence (0 for an empty population;
    1 when everything was read)."""
    if population <= 0:
        return 0
    read = max(0, min(read, population))
    if read == 0:
        return population + 1  # nothing read: even a key on every entity may be unseen
    target = math.log(1 - confidence)
    low, high = 1, population - read + 1  # at `high` holders the sample cannot miss them all
    while low < high:
        mid = (low + high) // 2
        if _log_miss(population, read, mid) <= target:
            high = mid
        else:
            low = mid + 1
    return low


def sample_limit(read: int, population: int, confidence: float = CONFIDENCE) -> SampleLimit | None:
    """The stated limit of a sample, None when it read every entity."""
    if population <= 0 or read >= population:
        return None
    below = missable_below(read, population, confidence)
    return SampleLimit(
        read=read,
        population=population,
        missable_below=below,
        missable_share=min(1.0, below / population),
        confidence=confidence,
    )


def wilson_interval(hits: int, read: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of the share hits / read (95 % by default)."""
    if read <= 0:
        return 0.0, 1.0
    p = hits / read
    denominator = 1 + z * z / read
    centre = (p + z * z / (2 * read)) / denominator
    half = z * math.sqrt(p * (1 - p) / read + z * z / (4 * read * read)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
