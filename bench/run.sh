#!/usr/bin/env bash
# Builds the benchmark and runs it once: prints the figures and rewrites the tracker section of
# docs/benchmarks.md. Arguments go to the benchmark (try --help). Takes about two minutes.
# Tests are not even compiled: the benchmark needs the main code only.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl bench -am package -Dmaven.test.skip=true
# 2 GiB of heap holds the million registrations of the heap phase with room to spare.
exec java -Xms2g -Xmx2g -jar bench/target/p2pchat-bench.jar "$@"
