"""How quickly `ritual` answers from a cold start, beside a bare interpreter, in one run.

Each figure is the median of several runs of a fresh process (nothing cached in memory
between them; the operating system's file cache and Python's bytecode caches are warm, as
on any second use: one unmeasured run of each command comes first, with bytecode writing
on even where the environment turns it off):

- `python -c pass`: the floor every command pays;
- `python -c "import sqlalchemy"`: for reference, what loading the database toolkit
  alone costs on this machine (a command on the SQLite file never loads it; one on
  PostgreSQL does);
- `ritual --help`: the target is within 3x of the floor;
- `ritual list`, `checkin`, `status` and `feed` on a couple with a year of history
  (two daily rituals checked in by both partners, a weekly check): within 8x.

    PYTHONPATH=. python bench/cli.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import Engine, FixedClock

ROOT = Path(__file__).resolve().parents[1]
DAYS = 365
TARGETS = {"--help": 3.0}
DEFAULT_TARGET = 8.0


def build_history(url: str) -> None:
    """A year of practice up to yesterday, through the public API, as it would be logged.

    It ends yesterday because the commands measured run in their own processes on the
    real clock (a benchmark, unlike a test, measures the machine as it is today).
    """
    today = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=DAYS)
    clock = FixedClock(start)
    with Engine.open(url, clock=clock) as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "UTC")
        morning = eng.add_ritual(couple, "Morning check", cron="30 7 * * *")
        evening = eng.add_ritual(couple, "Evening one thing", cron="0 21 * * *")
        weekly = eng.add_ritual(couple, "Relationship check", cron="0 19 * * 0")
        for day in range(DAYS):
            base = start + timedelta(days=day)
            for ritual, hour in ((morning, 8), (evening, 21)):
                clock.now = base.replace(hour=hour, minute=30)
                for who in ("sam", "alex"):
                    eng.check_in(couple, ritual.id, by=who)
            if base.weekday() == 6:
                clock.now = base.replace(hour=20)
                eng.check_in(couple, weekly.id, by="sam", for_both=False)


def median_run(args: list[str], runs: int, warm: list[str] | None = None) -> float:
    """The median wall time of ``args`` after one unmeasured run of ``warm`` (default: the
    same command; a check-in warms up with the other partner's, as it can happen once)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's second run finds the bytecode cached
    subprocess.run(warm or args, env=env, cwd=ROOT, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args[2:])} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'year.db'}"
        print(f"building a year of history in {url} ...", file=sys.stderr)
        build_history(url)
        ritual = [sys.executable, "-c", "from cli import main; main()", "--db", url]
        floor = median_run([sys.executable, "-c", "pass"], runs)
        print(f"{'command':<28} {'median':>9} {'x floor':>8} {'target':>7}")
        print(f"{'python -c pass':<28} {floor * 1000:>7.0f}ms {1.0:>8.1f}")
        toolkit = median_run([sys.executable, "-c", "import sqlalchemy"], runs)
        label = "python -c import sqlalchemy"
        print(f"{label:<28} {toolkit * 1000:>7.0f}ms {toolkit / floor:>8.1f}")
        for name, extra in (
            ("--help", ["--help"]),
            ("list", ["list"]),
            ("checkin", ["checkin", "Evening one thing", "--by", "sam"]),
            ("status", ["status"]),
            ("feed", ["feed", "--out", str(Path(folder) / "feed.ics")]),
        ):
            if name == "checkin":
                warm = [*ritual, "checkin", "Evening one thing", "--by", "alex"]
                took = median_run([*ritual, *extra], 1, warm)
            else:
                took = median_run([*ritual, *extra], runs)
            target = TARGETS.get(name, DEFAULT_TARGET)
            ratio = took / floor
            mark = "ok" if ratio <= target else "over"
            print(
                f"{'ritual ' + name:<28} {took * 1000:>7.0f}ms {ratio:>8.1f} {target:>5.0f}x {mark}"
            )


if __name__ == "__main__":
    main()
