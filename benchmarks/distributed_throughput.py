"""Grade 5,000 synthetic submissions over every assignment on a Dask LocalCluster, and estimate 20 workers.

Grades the synthetic class of grading_speed.py, spread over every assignment, with one
`backprop-course autograde --scheduler --force` command on a distributed.LocalCluster of 2 worker
processes of one thread each (after a one-submission run that warms their grading processes), then
times one submission (`--student ID --force`: the start-up). Prints:

- the coordinator's CPU seconds per submission (the command's own process, measured by
  grading_speed's launcher; the whole run minus the one-submission run, over n - 1) and the rate
  one coordinator could sustain (1 / that);
- the Dask workers' CPU seconds per submission: each worker process with its descendants, read
  with client.run before and after the run (psutil, since the warm grading processes live on and
  getrusage's RUSAGE_CHILDREN counts only ended children);
- the peak memory (VmHWM, MiB) of the coordinator, of a Dask worker process and of its largest
  grading process, sampled once 1,000 submissions are graded and at the end;
- the estimate for 5,000 submissions on 20 workers: start-up + max(5,000 x worker CPU / 20,
  5,000 x coordinator CPU).

    python benchmarks/distributed_throughput.py [--submissions 5000]
"""
import argparse
import os
from pathlib import Path
import sys
import tempfile
import time

from distributed import Client, LocalCluster
from grading_speed import ROOT, course_copy, make_class, measured, per_submission

from autograder.course_dir import assignments

TARGET, TARGET_WORKERS, MARK = 5000, 20, 1000


def peak_mib(pid):
    """The peak resident memory (VmHWM) of a process in MiB, or None once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
    return kib[0] / 1024 if kib else None


def worker_cpu():
    """On a Dask worker: CPU seconds of this process and every descendant (with their ended children)."""
    import psutil
    me = psutil.Process()
    return sum(sum(p.cpu_times()[:4]) for p in [me, *me.children(recursive=True)])


def worker_peaks():
    """On a Dask worker: (its peak memory, the largest peak of its grading processes: each process
    that warmed up and the grading workers it forked), MiB."""
    import psutil
    me = psutil.Process()
    grading = [p for child in me.children() for p in (child, *child.children())]
    return peak_mib(me.pid), max((peak_mib(p.pid) or 0 for p in grading), default=0)


def sampler(folder, client, marks):
    """(watch, found) for measured(): watch(pid) samples the coordinator every 0.1 s until it ends
    and, once as many results are saved as each of marks (and at the end), puts (coordinator,
    Dask worker, grading process) peak MiB, the largest over the workers, in found[mark]."""
    found = {}

    def sample(mark, coordinator):
        workers = client.run(worker_peaks).values()
        found[mark] = (coordinator, max(w[0] for w in workers), max(w[1] for w in workers))

    def watch(pid):
        last = None
        while (peak := peak_mib(pid)) is not None:
            last = peak
            saved = len(os.listdir(folder / "autograded")) if (folder / "autograded").is_dir() else 0
            for mark in marks[:-1]:
                if mark not in found and saved >= mark:
                    sample(mark, peak)
            time.sleep(0.1)
        sample(marks[-1], last)
    return watch, found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=TARGET)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n, names = args.submissions, assignments(ROOT)
    with tempfile.TemporaryDirectory(prefix="distributed-bench-") as scratch:
        folder = Path(scratch, "course")
        started = time.perf_counter()
        course_copy(folder, names)
        made = make_class(folder, n, args.seed, names)
        print(f"{n} submissions over {len(names)} assignments, written in "
              f"{time.perf_counter() - started:.0f} s")
        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            grade = [*names, "--force", "--scheduler", cluster.scheduler_address]
            first = ["--student", min(made)]
            measured([*grade, *first], folder)   # the Dask workers' grading processes warm up
            watch, peaks = sampler(folder, client, [m for m in (MARK, n) if m <= n])
            before = client.run(worker_cpu)
            whole = measured(grade, folder, watch)
            after = client.run(worker_cpu)
            one = measured([*grade, *first], folder)
        coordinator, _ = per_submission(whole, one, n)
        worker = sum(after[w] - before[w] for w in after) / n
        print(f"Dask LocalCluster, 2 workers of 1 thread, one command: {whole[0]:.1f} s, "
              f"{n / whole[0]:.1f} submissions/s")
        print(f"start-up (one submission, --student ID --force): {one[0]:.2f} s")
        print(f"coordinator: {coordinator * 1000:.1f} CPU ms per submission ((({whole[1]:.1f} - "
              f"{one[1]:.1f}) CPU s) / {n - 1}): one coordinator sustains {1 / coordinator:.0f} "
              "submissions/s")
        print(f"Dask workers: {worker * 1000:.1f} CPU ms per submission (their processes and "
              "descendants, before and after the run)")
        for mark, (mine, dask, grading) in sorted(peaks.items()):
            print(f"peak memory after {mark} submissions: coordinator {mine:.0f} MiB, "
                  f"Dask worker {dask:.0f} MiB, its grading process {grading:.0f} MiB")
        workers_bound = TARGET * worker / TARGET_WORKERS
        coordinator_bound = TARGET * coordinator
        estimate = one[0] + max(workers_bound, coordinator_bound)
        print(f"{TARGET} submissions on {TARGET_WORKERS} workers (one core each, as fast as this "
              f"machine's): {one[0]:.1f} s + max({TARGET} x {worker:.4f} s / {TARGET_WORKERS}, "
              f"{TARGET} x {coordinator:.4f} s) = {one[0]:.1f} + max({workers_bound:.1f}, "
              f"{coordinator_bound:.1f}) = {estimate:.0f} s ({TARGET / estimate:.0f} submissions/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
