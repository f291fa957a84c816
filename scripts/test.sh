#!/usr/bin/env bash
# Runs the whole test suite from a clean clone: installs what the tests need, builds
# warning-free, runs every test project. Extra arguments go to `dotnet test`
# (e.g. --filter FullyQualifiedName~Weights).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

dotnet restore XaiVision.sln
dotnet build XaiVision.sln -c Release --no-restore -warnaserror
dotnet test XaiVision.sln -c Release --no-build "$@"
