"""How many queries a run keeps on the server at once, from what the server says it has.

Neo4j Community runs each query on one thread, so a run's wall time is about its server
CPU-seconds divided by the queries in flight on distinct cores: measured at 1M nodes, an
exact run took 5.63 s with the server on 1 core and 3.04 s on 2, while the built-in
procedures we compare against (single queries) did not speed up. A fixed number of queries
in flight leaves a 16-core server mostly idle, and one number too large floods a busy
production server with a metadata read.

`RunOptions.max_concurrent_queries` is a number the user chose (a DBA lowers it to be
gentle) or AUTO, which becomes auto_concurrency(the server's processor count).
"""

from __future__ import annotations

AUTO = 0  # RunOptions.max_concurrent_queries: decide from the server's processors
UNKNOWN_PROCESSORS_CONCURRENCY = 4  # what runs used before the count was read
AUTO_MIN = 4
AUTO_MAX = 16
MIN_GROUPS = 2  # batched label (type) reads: queries per kind, at least


def auto_concurrency(processors: int | None) -> int:
    """clamp(2 x processors, 4, 16); 4 when the count is unknown.

    Why: Community gives each query one thread, so the run needs about one query per core to
    use the server; two per core keep a core busy while the other query's rows travel back
    and the next one is planned (round trips are a large share of the short sampled reads).
    At least 4, because that is what runs have always used (so a 1- or 2-core server sees
    no change). At most 16: a metadata read should not take over a production server's
    cores from its real work; a DBA who wants more (or fewer) sets the number.
    """
    if processors is None or processors < 1:
        return UNKNOWN_PROCESSORS_CONCURRENCY
    return max(AUTO_MIN, min(AUTO_MAX, 2 * processors))


def effective_concurrency(requested: int, processors: int | None) -> int:
    """The number of queries the run keeps in flight: the requested one, or auto's."""
    return auto_concurrency(processors) if requested == AUTO else requested


def batch_groups(concurrency: int) -> int:
    """Queries per kind (labels, types) of the batched sample reads: the two kinds together
    fill the run's slots, so each gets half, and at least MIN_GROUPS to keep a 2-core server's
    both cores busy."""
    return max(MIN_GROUPS, concurrency // 2)


def describe_concurrency(concurrency: int, processors: int | None, requested: int) -> str:
    """The plan's line: '4 queries at a time (server reports 2 processors)'."""
    queries = "1 query" if concurrency == 1 else f"{concurrency} queries"
    if processors is None:
        server = "processor count unknown"
    else:
        server = f"server reports {processors} processor{'s' if processors != 1 else ''}"
    chosen = "auto" if requested == AUTO else "set by the run options"
    return f"{queries} at a time ({chosen}; {server})"
