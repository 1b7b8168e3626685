#!/usr/bin/env bash
# Measures what Slurm adds per run: builds a document of N runs that train nothing (epochs: 0,
# 200 validation images) once locally and once with --executor slurm on the cluster SLURM_CONF names
# (scripts/slurm-test-cluster.sh start), and prints both wall times and the difference per run.
#
#   scripts/slurm-overhead.sh [N] [CPUS_PER_TASK]      (defaults 10 and 1)
set -euo pipefail
n=${1:-10}
cpus=${2:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
report=${REPORT:-$repo/.build/release/report}
data=${REPORT_DATA_DIR:-$repo/../shared/data}
[[ -n ${SLURM_CONF:-} ]] || { echo "SLURM_CONF is not set; start scripts/slurm-test-cluster.sh and eval its env" >&2; exit 1; }
work=$(mktemp -d /tmp/report-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT

seeds=$(seq -s, 1 "$n")
for side in local slurm; do
    mkdir -p "$work/$side/report"
    printf '```experiment\nid: e\nepochs: 0\nval_samples: 200\nsweep:\n  seed: [%s]\n```\n' "$seeds" > "$work/$side/report/answers.md"
done
# Both sides verify the datasets once first, so that neither pays for it inside the timing.
(cd "$work/local" && "$report" data verify --data-dir "$data" >/dev/null 2>&1 || true)
cp -r "$work/local/data" "$work/slurm/" 2>/dev/null || true

seconds() { local start; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'; }
local_s=$(cd "$work/local" && seconds "$report" build --executor local -j "$(nproc)" --data-dir "$data")
slurm_s=$(cd "$work/slurm" && seconds "$report" build --executor slurm --cpus-per-task "$cpus" --poll-interval 0.2 --data-dir "$data")
slots=$(( $(sinfo -h -o %c | head -n 1) / cpus ))
awk -v n="$n" -v slots="$slots" -v l="$local_s" -v s="$slurm_s" 'BEGIN {
    printf "runs %d, %d at once on the cluster: local %.1f s, slurm %.1f s; Slurm adds %.2f s per run (%.2f s per run and slot)\n", n, slots, l, s, (s - l) / n, (s - l) * slots / n }'
