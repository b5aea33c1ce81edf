#!/usr/bin/env bash
# Deeper search than CI: the whole scenario catalogue (or a selection) across many seeds.
#   scripts/scenarios-deep.sh [SEEDS] [SELECTOR] [FIRST_SEED]
#   scripts/scenarios-deep.sh 200 transfers        # 200 seeds of the transfer scenarios
#   TRANSPORT=real scripts/scenarios-deep.sh 5 real   # the loopback subset, 5 seeds
#   REPORTER=junit OUT=deep.xml scripts/scenarios-deep.sh 500   # a CI report as well
# Seeds run as FIRST_SEED, FIRST_SEED+1, ...; FIRST_SEED defaults to a random one, printed first.
# Progress goes to stderr; every failure prints the one command that replays it; the exit code
# is the worst outcome (3 crash, 2 no recovery in time, 1 invariant broken, 4 no evidence that
# the fault happened; 64 a usage error).
set -euo pipefail
cd "$(dirname "$0")/.."

seeds="${1:-50}"
selector="${2:-all}"
first="${3:-$(( (RANDOM << 15 | RANDOM) ))}"
transport="${TRANSPORT:-sim}"
reporter=(--reporter "${REPORTER:-table}")
if [[ -n "${OUT:-}" ]]; then reporter+=(--out "${OUT}"); fi

echo "deep scenario search: ${seeds} seeds from ${first}, selector ${selector}, transport ${transport}" >&2
exec node bin/whohas.js scenario "${selector}" --seed "${first}" --seeds "${seeds}" --transport "${transport}" "${reporter[@]}"
