"""Score 10,000 generated assessments and print assessments per second.

    .venv/bin/python benchmarks/scoring.py [--count 10000] [--processes 2]

Target (issue 3): at least 20,000 assessments per second on the 2-core machine. Generation
happens before timing; the timed part is `score()` only, validation included.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.scoring import score
from assessments.simulate import random_answers, random_profile
from rubrics.loader import default_registry

ON_DATE = date(2026, 11, 24)


def generate(count: int, seed: int) -> list[tuple[dict, dict]]:
    rubric = default_registry().latest("crbp-vn")
    rng = random.Random(seed)
    return [(random_profile(rubric, rng), random_answers(rubric, rng.random(), rng, rng.uniform(0.7, 1.0)))
            for _ in range(count)]


def score_all(batch: list[tuple[dict, dict]]) -> tuple[float, int]:
    rubric = default_registry().latest("crbp-vn")
    score(rubric, *batch[0], ON_DATE)  # compile the rubric outside the timing
    started = time.perf_counter()
    gaps = 0
    for profile, answers in batch:
        gaps += len(score(rubric, profile, answers, ON_DATE).legal_gaps)
    return time.perf_counter() - started, gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    batch = generate(args.count, seed=2026)
    rubric = default_registry().latest("crbp-vn")
    indicators = sum(1 for _ in rubric.indicators())
    print(f"rubric {rubric.key} {rubric.version}: {indicators} indicators; {args.count:,} generated assessments")

    single = [score_all(batch)[0] for _ in range(args.repeat)]
    seconds = statistics.median(single)
    print(f"1 process:   {args.count / seconds:>9,.0f} assessments/s   {seconds / args.count * 1e6:6.1f} µs each"
          f"   (median of {args.repeat})")

    if args.processes > 1:
        chunks = [batch[i::args.processes] for i in range(args.processes)]
        with ProcessPoolExecutor(args.processes) as pool:
            list(pool.map(score_all, chunks))  # warm the workers
            started = time.perf_counter()
            list(pool.map(score_all, chunks))
            wall = time.perf_counter() - started
        print(f"{args.processes} processes: {args.count / wall:>9,.0f} assessments/s   "
              f"{wall / args.count * 1e6:6.1f} µs each (wall clock, includes process hand-off)")
    print("target: 20,000 assessments/s")


if __name__ == "__main__":
    main()
