#!/usr/bin/env bash
# Atrium's benchmark: builds the release server and the bench runner, then runs the bench, which
# starts a throwaway PostgreSQL and `atrium` on 127.0.0.1, ingests over HTTP, times the panels and
# the plain-PostgreSQL peer, and writes bench/results/<UTC timestamp>/ (results.json, summary.md,
# server.log, postgres.log). See bench/README.md.
#
#   bench/run.sh --quick            smoke run: 200k points, 5 runs per panel (a few minutes)
#   bench/run.sh                    10M points, 20 runs per panel
#   bench/run.sh ingest --points 1M ingestion only
#   bench/run.sh lists --peers ../shared/peers   list pages under wrk beside the peers
#   bench/run.sh --help             every option
#
# Environment: CARGO_TARGET_DIR (default target/), BENCH_DATABASE_URL (an existing server instead
# of the private cluster), BENCH_NO_BUILD=1 (use the binaries as they are).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

case " $* " in
  *" --help "* | *" -h "* | *" help "*) ;;
  *)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "run.sh: load average $load on $(nproc) CPUs (figures are only comparable to peers measured in the same run)" >&2
    ;;
esac

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "run.sh: building release binaries into $TARGET" >&2
  CARGO_TARGET_DIR=$TARGET cargo build --release -p atrium-server -p atrium-bench
fi

# The bench stops the server and PostgreSQL itself (also on SIGINT/SIGTERM); forwarding the signal
# to it by pid lets it do so when this script is interrupted.
"$TARGET/release/atrium-bench" --atrium "$TARGET/release/atrium" "$@" &
bench=$!
trap 'kill -TERM "$bench" 2>/dev/null || true; wait "$bench" || true; exit 130' INT TERM
wait "$bench"
