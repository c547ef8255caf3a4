#!/usr/bin/env bash
# Builds the benchmarks and runs them once: prints the figures and rewrites their sections of docs/benchmarks.md.
#   bench/run.sh                 every benchmark with default options (about ten minutes)
#   bench/run.sh peer [options]  only the peers' (about four minutes, round trips waiting on the disk); --help for options
#   bench/run.sh tracker [...]   only the tracker's (about three minutes)
#   bench/run.sh store [...]     only the stores': the peer's database with a million messages, the tracker's mailbox
# Tests are not even compiled: the benchmarks need the main code only. The peer benchmark's outside anchor, an ENet
# ping-pong (bench/enet), is built with gcc against Debian's libenet-dev: apt-get install gcc libenet-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl bench -am package -Dmaven.test.skip=true
# 2 GiB of heap holds the million registrations of the tracker's heap phase with room to spare; touching it all
# at start keeps first-touch page faults out of the measurements.
exec java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -jar bench/target/p2pchat-bench.jar "$@"
