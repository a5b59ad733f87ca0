"""A sampled run over a slow link: a delay line between the engine and a running benchmark
server adds a fixed one-way latency to every byte in both directions, as a WAN or a cloud
database does (Aura users sit 10-100 ms away). Each round trip the run waits on in turn
costs it the link's round-trip time, so this shows how many the run's critical path holds.

    .venv/bin/python -m benchmarks.slow_link --port 7705 [--rtt-ms 0,20,50] [--runs 5]

Per round-trip time: the median of a sampled run with a fresh driver (the CLI's case,
connecting included) and through a warm driver (the window's: core/client_pool.py), and
(fresh - direct) / RTT, the round trips the fresh run waited on. Speed is printed, never
asserted. The delay line is a process of its own and sets TCP_NODELAY on its sockets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import statistics
import subprocess
import sys
import time

from benchmarks.cpu_seconds import PASSWORD
from neosense_desktop.core.client_pool import WarmClients
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions


class DelayLine:
    """127.0.0.1:<port> forwards to the server, each chunk delivered `one_way_s` after it
    was read, in order, without holding back the chunks behind it (a pipe, not a queue of
    sleeps). It runs in a process of its own (`--serve`), so its work never sits on the
    engine's event loop and stopping it leaves nothing behind."""

    def __init__(self, target_port: int, one_way_s: float) -> None:
        self.target_port = target_port
        self.one_way_s = one_way_s
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> DelayLine:
        self._process = subprocess.Popen(
            [
                *(sys.executable, "-m", "benchmarks.slow_link", "--port", str(self.target_port)),
                *("--serve", str(self.one_way_s)),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)


async def _serve(target_port: int, one_way_s: float) -> None:
    async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    break
                dst.write(data)
                await dst.drain()
            with contextlib.suppress(OSError):
                dst.close()

        sender = asyncio.ensure_future(deliver())
        with contextlib.suppress(OSError):
            while data := await src.read(65536):
                queue.put_nowait((loop.time() + one_way_s, data))
        queue.put_nowait((loop.time() + one_way_s, b""))
        await sender

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        for w in (writer, up_writer):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(
            pipe(reader, up_writer), pipe(up_reader, writer), return_exceptions=True
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


async def _median_runs(uri: str, runs: int, lease: WarmClients | None) -> float:
    settings = ConnectionSettings.model_validate(
        {"uri": uri, "user": "neo4j", "connection_timeout_s": 30}
    )
    extra = {"client_lease": lease.lease} if lease is not None else {}
    times: list[float] = []
    for i in range(runs + 1):
        t = time.perf_counter()
        async with ExtractionRun(settings, PASSWORD, RunOptions(mode="sampled"), **extra) as run:
            await run.run()
        if i:  # the first warms the server's plan cache (and the warm driver)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


async def measure(port: int, rtts_ms: list[float], runs: int) -> None:
    direct: float | None = None
    for rtt in rtts_ms:
        with DelayLine(port, rtt / 2000) as line:
            uri = f"bolt://127.0.0.1:{line.port}"
            fresh = await _median_runs(uri, runs, None)
            pool = WarmClients()
            try:
                warm = await _median_runs(uri, runs, pool)
            finally:
                await pool.close_all()
        if direct is None:
            direct = fresh
        trips = f", {(fresh - direct) / (rtt / 1000):.1f} round trips waited on" if rtt else ""
        print(
            f"RTT {rtt:g} ms: sampled run, fresh driver {fresh:.3f} s, "
            f"warm driver {warm:.3f} s (medians of {runs}){trips}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rtt-ms", default="0,20,50")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)  # one way, seconds
    args = parser.parse_args(argv)
    if args.serve is not None:
        asyncio.run(_serve(args.port, args.serve))
        return 0
    rtts = [float(x) for x in args.rtt_ms.split(",")]
    asyncio.run(measure(args.port, rtts, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
