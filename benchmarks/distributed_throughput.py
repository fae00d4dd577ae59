"""Grading throughput on a Dask cluster of 1 and of 2 workers on this machine, and of local grading.

Grades the same synthetic class (that of grading_speed.py, spread over every assignment) with
`backprop-course autograde --force`, timed as the command a grader types: locally with --workers
1 and 2, then with --scheduler on a distributed.LocalCluster of 1 and of 2 worker processes (one
thread each). Prints submissions per second for each; from the cluster runs, what one submission
costs (a Dask worker's seconds, and the coordinator's CPU seconds) apart from the command's fixed
start-up; and from those, the expected time for 5,000 submissions on 20 workers.

    python benchmarks/distributed_throughput.py [--submissions 200]
"""
import argparse
from pathlib import Path
import resource
import sys
import tempfile

from distributed import LocalCluster
from grading_speed import course_copy, make_class, timed

TARGET, TARGET_WORKERS = 5000, 20


def measured(command, cwd):
    """(wall seconds, CPU seconds of the command's own process) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.submissions
    with tempfile.TemporaryDirectory(prefix="distributed-bench-") as scratch:
        folder = Path(scratch, "course")
        course_copy(folder)
        made = make_class(folder, n, args.seed)
        first = min(made)
        grade = ["backprop-course", "autograde", "--force"]
        print(f"{n} submissions over {len({a for _, a in made.values()})} assignments")
        for workers in (1, 2):
            wall = timed([*grade, "--workers", str(workers)], folder)
            print(f"local, {workers} worker(s):        {wall:6.1f} s, {n / wall:5.2f} submissions/s")
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                on_cluster = [*grade, "--scheduler", cluster.scheduler_address]
                measured([*on_cluster, "--student", first], folder)   # the Dask workers warm up
                one_wall, one_cpu = measured([*on_cluster, "--student", first], folder)
                wall, cpu = measured(on_cluster, folder)
            steady = (n - 1) / (wall - one_wall)
            print(f"Dask LocalCluster, {workers} worker(s): {wall:6.1f} s, {n / wall:5.2f} submissions/s"
                  f" ({steady:.2f} submissions/s after the start-up)")
            if workers == 1:
                per_submission = 1 / steady
                coordinator = (cpu - one_cpu) / (n - 1)
                start_up = one_wall - per_submission
        print(f"one submission costs a Dask worker {per_submission:.3f} s and the coordinator "
              f"{coordinator:.3f} CPU s; the command's fixed start-up is {start_up:.1f} s")
        workers_bound = TARGET * per_submission / TARGET_WORKERS
        coordinator_bound = TARGET * coordinator
        estimate = start_up + max(workers_bound, coordinator_bound)
        print(f"expected for {TARGET} submissions on {TARGET_WORKERS} workers (one core each, as "
              f"fast as this machine's): {estimate / 60:.1f} min ({workers_bound:.0f} s of worker "
              f"time each, {coordinator_bound:.0f} s of coordinator CPU, {start_up:.0f} s start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
