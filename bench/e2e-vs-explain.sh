#!/usr/bin/env bash
# End-to-end through RabbitMQ + Azurite with worker processes vs `xaivision explain` (the engine alone) on the same generated
# images and suite (issue 19). Usage: bench/e2e-vs-explain.sh IMAGES "EXPLAINERS" "METRICS" [WORKERS] [files|archive]
#   bench/e2e-vs-explain.sh 3000 random ""            bench/e2e-vs-explain.sh 600 "grad-cam;lrp-composite" "deletion(steps=8)"
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-3000}; explainers=${2:-random}; metrics=${3:-}; workers=${4:-2}; layout=${5:-files}
started=0
# Fresh services in a folder of their own: Azurite slows down as it fills (its metadata database grows), so a used one does not compare.
if [ -z "${XAIVISION_TEST_RABBITMQ:-}" ]; then export XAIVISION_SERVICES_DIR; XAIVISION_SERVICES_DIR=$(mktemp -d); eval "$(scripts/services.sh start)"; started=1; fi
trap '[ "$started" = 1 ] && scripts/services.sh stop && rm -rf "$XAIVISION_SERVICES_DIR"' EXIT
dotnet build bench/XaiVision.LoadRun -c Release -warnaserror -v q -nologo >&2
dotnet build src/XaiVision.Worker -c Release -warnaserror -v q -nologo >&2
work=$(mktemp -d)
dotnet bench/XaiVision.LoadRun/bin/Release/net10.0/XaiVision.LoadRun.dll --write-images "$work/images" --images "$images" >&2
args=(explain "$work/images" --methods "${explainers//;/,}" --batch-size 16 --out "$work/explain" --no-raw)
[ -n "$metrics" ] && args+=(--metrics "${metrics//;/,}")
dotnet src/XaiVision.Worker/bin/Release/net10.0/xaivision.dll "${args[@]}" > "$work/explain.log" 2>&1
seconds=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totalSeconds'])" "$work/explain/summary.json")
echo "explain: $images images in ${seconds} s = $(/usr/bin/python3 -c "print(f'{$images/$seconds:.1f}')") images/s (one process)"
# CPU seconds per role while the job runs (Azurite and RabbitMQ share these cores in this stand-in; in production they do not).
sample_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  while true; do
    for pid in $(pgrep -f "azurite|beam.smp|xaivision.dll run"); do
      local role=worker
      case "$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null)" in *azurite*) role=azurite;; *beam*) role=rabbitmq;; esac
      awk -v hz="$hz" -v pid="$pid" -v role="$role" '{print pid, role, ($14+$15)/hz}' /proc/$pid/stat 2>/dev/null
    done >> "$work/cpu.log"
    sleep 2
  done
}
sample_cpu & sampler=$!
dotnet bench/XaiVision.LoadRun/bin/Release/net10.0/XaiVision.LoadRun.dll --images "$images" --workers "$workers" --shard-size 32 --batch 16 \
  --explainers "$explainers" --metrics "$metrics" --sample-seconds 15 --layout "$layout" | tail -3
kill $sampler
/usr/bin/python3 - "$work/cpu.log" "$images" <<'PY'
import collections, sys
first, last, roles = {}, {}, {}
for line in open(sys.argv[1]):
    pid, role, t = line.split()
    first.setdefault(pid, float(t)); last[pid] = float(t); roles[pid] = role
total = collections.defaultdict(float)
for pid, role in roles.items():  # services ran before the job: only their growth counts; workers started with it
    total[role] += last[pid] - (first[pid] if role != "worker" else 0.0)
n = int(sys.argv[2])
print("CPU seconds during the job: " + ", ".join(f"{r} {s:.0f} s ({1000 * s / n:.1f} ms/image)" for r, s in sorted(total.items())))
PY
rm -rf "$work"
