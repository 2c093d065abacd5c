#!/bin/bash
# Issue 14, session 3: the CLI over 120 small checkpoints (one JVM) before and after, beside picklescan
# (run from its source tree, github:mmaitre314/picklescan at f15d54d, in WORK/picklescan) and openssl;
# then a short JMH run of PickleMachineBenchmark before and after. WORK holds before.jar (the parent's
# cli/target/safeload.jar), ov2/ (this branch's formats classes, put first on the class path),
# before-benchmarks.jar and ckpt/ (make-checkpoints.py).
cd "${1:?usage: issue14-scanning-cli.sh WORK (holding before.jar, ov2/, ckpt/, picklescan/, before-benchmarks.jar)}"
echo "== $(date -u +%H:%M) UTC load $(cut -d' ' -f1-3 /proc/loadavg)"
row() { local n="$1"; shift; "$@" >/dev/null 2>&1 || true; perf stat -r 3 -e task-clock "$@" 2>&1 >/dev/null | awk -v n="$n" '/task-clock/{c=$1;gsub(",","",c)} /time elapsed/{w=$1} END{printf "| %s | %.0f | %s |\n", n, c, w}'; }
row "safeload scan (before jar, 120 paths, one JVM)" sh -c "java -XX:+UseSerialGC -XX:-UsePerfData -cp before.jar dev.safeload.cli.Main scan ckpt/small/*.pt"
row "safeload scan (after, 120 paths, one JVM)" sh -c "java -XX:+UseSerialGC -XX:-UsePerfData -cp ov2:before.jar dev.safeload.cli.Main scan ckpt/small/*.pt"
row "picklescan -p DIR (f15d54d, /usr/bin/python3)" env PYTHONPATH=/tmp/pp/picklescan/src /usr/bin/python3 -m picklescan -p ckpt/small
row "openssl dgst -sha256 (120 files)" sh -c "openssl dgst -sha256 ckpt/small/*.pt"
echo "== JMH $(date -u +%H:%M)"
java -cp before-benchmarks.jar org.openjdk.jmh.Main PickleMachineBenchmark -f1 -wi 2 -i 3 2>&1 | grep -A4 "^Benchmark"
java -cp ov2:before-benchmarks.jar org.openjdk.jmh.Main PickleMachineBenchmark -f1 -wi 2 -i 3 2>&1 | grep -A4 "^Benchmark"
echo "== done $(date -u +%H:%M)"
