"""How fast the feed server answers repeat fetches, beside waitress serving static bytes.

Run from a checkout: ``python bench/server.py [--seconds 3] [--rounds 3] [--clients 8]
[--threads 4]``.

Both servers run in this process on the same waitress settings; the load comes from a
second process (so that the clients do not compete with the servers for the GIL) with
several threads, each holding an http.client keep-alive connection, for a bounded time;
the two servers take turns, round after round, so that a busy machine slows both alike.
The static server answers the same number of bytes, with an ETag of its own, so each
scenario compares like with like:

- ``200``: a cached feed, fetched again and again;
- ``304``: the same fetch with ``If-None-Match`` (waitress closes the connection after a
  response without a body, for both servers alike).

On Linux the servers' process is pinned to one CPU and the clients' to another.
The feed server logs every request as ``ritual serve`` does, only into /dev/null
(``--no-access-log`` shows what that line costs).

Printed: requests per second (median of the rounds), latency percentiles (over all
rounds), the servers' CPU time per request (robust against other work on the machine,
since only the servers run in this process), and the median over the rounds of the feed
server's rate divided by the static server's in the same round (the goal is at least
0.8), with the same ratio by CPU time per request beside it.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Engine
from engine.catalog import starter_templates
from engine.web import create_app
from engine.web.serve import log_to_stderr, start_in_thread

Load = tuple[int, list[float]]  # (requests answered, latencies in seconds)


def static_app(body: bytes) -> Callable[..., Iterable[bytes]]:
    """Waitress's floor: the same bytes from memory, with an ETag and a 304."""
    etag = '"static"'
    ok = [
        ("Content-Type", "text/calendar; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("ETag", etag),
    ]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", [("ETag", etag)])
            return [b""]
        start_response("200 OK", list(ok))
        return [body]

    return app


def load(url: str, headers: dict[str, str], clients: int, seconds: float) -> Load:
    """Fetch ``url`` from ``clients`` threads for ``seconds``; runs in its own process."""
    pin(1)
    parts = urlsplit(url)
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def client(mine: list[float]) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while (start := time.perf_counter()) < deadline:
            conn.request("GET", parts.path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status not in (200, 304):
                raise RuntimeError(f"unexpected status {response.status}")
            mine.append(time.perf_counter() - start)
        conn.close()

    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for mine in latencies for x in mine]
    return len(flat), flat


def pin(cpu: int) -> None:
    """Keep this process on one CPU (Linux, two CPUs or more): the servers on the first,
    the clients on the second, so neither steals the other's time slices."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {cpu})


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def fixture(folder: Path) -> tuple[Engine, str]:
    eng = Engine.open(f"sqlite:///{folder / 'bench.db'}", via="server")
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    for template in starter_templates():
        eng.add_ritual(couple, template=template.key)
    return eng, eng.share_feed(couple, base_url="http://127.0.0.1").url


@dataclass
class Result:
    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def run_scenario(
    pool: ProcessPoolExecutor,
    runs: list[tuple[str, str, dict[str, str]]],
    args: argparse.Namespace,
) -> dict[str, Result]:
    """Each server in turn, ``rounds`` times, by name: the rate of each round, every
    latency, and the servers' CPU time per request (this process runs only the servers)."""
    results: dict[str, Result] = {name: Result() for name, _, _ in runs}
    for _ in range(args.rounds):
        for name, url, headers in runs:
            cpu = time.process_time()
            count, latencies = pool.submit(load, url, headers, args.clients, args.seconds).result()
            results[name].cpu.append((time.process_time() - cpu) / count)
            results[name].rates.append(count / args.seconds)
            results[name].latencies.extend(latencies)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server and scenario")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=4, help="waitress worker threads")
    parser.add_argument(
        "--no-access-log", action="store_true", help="measure without the per-request log line"
    )
    args = parser.parse_args()
    pin(0)

    devnull = Path(os.devnull).open("w")  # noqa: SIM115 (open for the whole run)
    log_to_stderr(stream=devnull)  # as `ritual serve` logs, into the void
    if args.no_access_log:
        logging.getLogger("engine.web.access").setLevel(logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 8 clients > 4 threads, on purpose

    with tempfile.TemporaryDirectory() as tmp:
        eng, link = fixture(Path(tmp))
        feed_app = create_app(eng)
        ours = start_in_thread(feed_app, threads=args.threads)
        path = urlsplit(link).path
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(ours.url).port)
        conn.request("GET", path)
        first = conn.getresponse()
        body, etag = first.read(), first.getheader("ETag") or ""
        conn.close()
        static = start_in_thread(static_app(body), threads=args.threads)
        print(
            f"feed of {len(body)} bytes; {args.clients} clients, {args.threads} waitress threads; "
            f"{args.rounds} rounds of {args.seconds:g} s per server and scenario, alternating; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'':14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'CPU us/req':>11}")
        try:
            with ProcessPoolExecutor(max_workers=1) as pool:
                for scenario, ours_headers, static_headers in (
                    ("200", {}, {}),
                    ("304", {"If-None-Match": etag}, {"If-None-Match": '"static"'}),
                ):
                    runs = [
                        ("static", static.url + path, static_headers),
                        ("feed server", ours.url + path, ours_headers),
                    ]
                    results = run_scenario(pool, runs, args)
                    for name, r in results.items():
                        p50, p95, p99 = percentiles(r.latencies)
                        print(
                            f"{scenario + ' ' + name:14}{statistics.median(r.rates):9.0f}"
                            f"{p50:9.2f}{p95:9.2f}{p99:9.2f}{statistics.median(r.cpu) * 1e6:11.0f}"
                        )
                    mine, floor = results["feed server"], results["static"]
                    ratios = [a / b for a, b in zip(mine.rates, floor.rates, strict=True)]
                    by_cpu = statistics.median(floor.cpu) / statistics.median(mine.cpu)
                    print(
                        f"{scenario} ratio: {statistics.median(ratios):.2f} of the static server's "
                        f"rate (median of {len(ratios)} rounds; goal: 0.80); "
                        f"by CPU time per request: {by_cpu:.2f}"
                    )
        finally:
            ours.stop()
            static.stop()
            eng.close()
        print(f"feeds rendered during the runs: {feed_app.feeds.renders - 1}")


if __name__ == "__main__":
    main()
