#!/usr/bin/env bash
# Dataset-scale planning and aggregation (issue 19): real planner and aggregator consumers over synthetic shard results.
# Usage: bench/scale-run.sh [--sizes 10000,100000,1000000] [--store file|azure] [--root DIR] [--errors 0.1]
# --store azure starts RabbitMQ/Azurite unless XAIVISION_TEST_AZURITE is set. Prints a markdown table (bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
started=0
# Fresh services in a folder of their own: Azurite slows down as it fills, so a used one does not compare.
if [[ " $* " == *" azure "* && -z "${XAIVISION_TEST_AZURITE:-}" ]]; then
  export XAIVISION_SERVICES_DIR; XAIVISION_SERVICES_DIR=$(mktemp -d)
  eval "$(scripts/services.sh start)"
  started=1
fi
trap '[ "$started" = 1 ] && scripts/services.sh stop && rm -rf "$XAIVISION_SERVICES_DIR"' EXIT
dotnet build bench/XaiVision.ScaleRun -c Release -warnaserror -v q -nologo >&2
dotnet bench/XaiVision.ScaleRun/bin/Release/net10.0/XaiVision.ScaleRun.dll "$@"
