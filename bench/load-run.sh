#!/usr/bin/env bash
# Sustained load through the real services (issue 9): N generated demo images in Azurite, worker processes
# on RabbitMQ; prints throughput, RSS and live tensors per worker over time, and checks the report.
# Usage: bench/load-run.sh [--images 3000] [--workers 2] [--shard-size 32] [--batch 16] [--explainers "grad-cam;lrp-composite"] [--prefetch]
# Run it on fresh services (unset XAIVISION_TEST_RABBITMQ): Azurite slows down as it fills, so runs on a used one do not compare.
set -euo pipefail
cd "$(dirname "$0")/.."
started=0
if [ -z "${XAIVISION_TEST_RABBITMQ:-}" ]; then
  eval "$(scripts/services.sh start)"
  started=1
fi
trap '[ "$started" = 1 ] && scripts/services.sh stop' EXIT
dotnet build bench/XaiVision.LoadRun -c Release -warnaserror -v q -nologo >&2
dotnet bench/XaiVision.LoadRun/bin/Release/net10.0/XaiVision.LoadRun.dll "$@"
