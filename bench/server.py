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

Then the partner's page, one client (``--page-requests`` of each): the median latency
of a cached feed GET (the baseline), of the today page GET, and of a check-in POST (a
quota ritual, so that every POST writes one event and answers 303).
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import socket
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
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Engine
from engine.catalog.rituals import starter_templates
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


def page_load(feed: str, page: str, cookie: str, form: dict[str, str], n: int) -> Load:
    """Latencies of ``n`` feed GETs, then ``n`` page GETs, then ``n`` check-in POSTs (in
    that order, so that the feed stays cached), one keep-alive connection each; runs in
    its own process, unpinned: one request at a time would otherwise wait for a time
    slice on each hop when the machine is busy."""
    parts = urlsplit(page)
    conns = [http.client.HTTPConnection(parts.hostname, parts.port, timeout=30) for _ in "fgp"]
    for conn in conns:  # one request at a time: Nagle would hold each small write back
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = urlencode(form)
    post_headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"{parts.scheme}://{parts.netloc}",
    }
    runs = (
        ("GET", urlsplit(feed).path, {}, None, 200),
        ("GET", parts.path, {"Cookie": cookie}, None, 200),
        ("POST", "/me/do/checkin", post_headers, body, 303),
    )
    latencies: list[float] = []
    for conn, (method, path, headers, data, status) in zip(conns, runs, strict=True):
        for _ in range(n):
            start = time.perf_counter()
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != status:
                raise RuntimeError(f"{method} {path}: unexpected status {response.status}")
    for conn in conns:
        conn.close()
    return n, latencies


def page_session(base: str, eng: Engine) -> tuple[str, dict[str, str]]:
    """Open an invite as a phone would: the session cookie and a check-in form's fields."""
    invite = eng.invite_partner(None, partner="alex", base_url=base).url
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)
    conn.request("GET", urlsplit(invite).path)
    joined = conn.getresponse()
    joined.read()
    cookie = (joined.getheader("Set-Cookie") or "").split(";", 1)[0]
    conn.request("GET", "/me", headers={"Cookie": cookie})
    html = conn.getresponse().read().decode()
    conn.close()
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    quota = re.search(
        r'name="ritual" value="([0-9a-f]+)">\s*<input type="hidden" name="at" value="">', html
    )
    if csrf is None or quota is None:
        raise RuntimeError("the today page shows no quota ritual to check in to")
    return cookie, {"csrf": csrf.group(1), "ritual": quota.group(1), "at": "", "closeness": "4"}


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def fixture(folder: Path) -> tuple[Engine, str]:
    eng = Engine.open(f"sqlite:///{folder / 'bench.db'}", via="server")
    couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
    for template in starter_templates():
        eng.add_ritual(couple, template=template.key)
    eng.add_ritual(couple, "Appreciation journal", per_week=3, together=False)
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
    parser.add_argument(
        "--page-requests", type=int, default=300, help="page GETs and check-in POSTs each"
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
                cookie, form = page_session(ours.url, eng)
                n = args.page_requests
                _, flat = pool.submit(
                    page_load, ours.url + path, ours.url + "/me", cookie, form, n
                ).result()
                feed_ms, page_ms, post_ms = (
                    statistics.median(flat[i * n : (i + 1) * n]) * 1000 for i in range(3)
                )
                print(
                    f"partner's page, one client, {n} of each (median ms): "
                    f"cached feed GET {feed_ms:.2f}; today page GET {page_ms:.2f} "
                    f"({page_ms / feed_ms:.1f}x); check-in POST {post_ms:.2f} "
                    f"({post_ms / feed_ms:.1f}x)"
                )
        finally:
            ours.stop()
            static.stop()
            eng.close()
        print(f"feeds rendered during the runs: {feed_app.feeds.renders - 1}")


if __name__ == "__main__":
    main()
