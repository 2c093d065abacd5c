#!/usr/bin/python3
"""Round-robin runner: round-robin.py RUNS "name|||command" ...; one warm-up run each, then RUNS
rounds running every command once in turn (so a change in machine load hits all alike); prints the
median and minimum CPU (user+sys of the child process tree, from wait4) and median wall per command."""
import os, shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cases = [a.split('|||', 1) for a in sys.argv[2:]]
res = {n: [] for n, _ in cases}
for n, c in cases:  # warm-up
    subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for r in range(runs):
    for n, c in cases:
        t0 = time.perf_counter()
        p = subprocess.Popen(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        w = time.perf_counter() - t0
        res[n].append((ru.ru_utime + ru.ru_stime, w, ru.ru_minflt))
load = open('/proc/loadavg').read().split()[:3]
print(f"# {runs} runs round-robin, load {' '.join(load)}")
print("| case | CPU ms median | CPU ms min | wall s median | minor faults |")
print("|---|---:|---:|---:|---:|")
for n, _ in cases:
    cpu = [x[0] for x in res[n]]; wall = [x[1] for x in res[n]]; fl = [x[2] for x in res[n]]
    print(f"| {n} | {statistics.median(cpu)*1000:.0f} | {min(cpu)*1000:.0f} | {statistics.median(wall):.3f} | {statistics.median(fl):.0f} |")
