#!/usr/bin/env bash
# Issue 14, session 6 (the pickle machine, goal 5): PickleThroughput for several builds in
# alternating JVMs at nice -n -20, so that load from other processes falls on every side alike.
# Each side is NAME=CLASSPATH (the formats classes of one build, then api classes and JSpecify; or a
# directory of PickleMachine*.class compiled from one version of PickleMachine.java with `javac
# --release 17`, put before such a class path). Session 7's script without its floor (which also
# measures llm.pkl, an input session 6 did not have); the figures of BENCHMARKS.md's session-6
# section came from this script before the two were merged.
#
# Usage (from the repository root):
#   ROUNDS=6 benchmarks/scripts/issue14-pickle-session6.sh WORK before=... after=...
set -euo pipefail
FLOOR=0 exec "$(dirname "${BASH_SOURCE[0]}")/issue14-pickle-session7.sh" "$@"
