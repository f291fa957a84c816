#!/usr/bin/env bash
# Runs the whole test suite from a clean clone: installs what the tests need (fonts, chromium,
# docker-compose, rabbitmq-server, Azurite, helm/kubectl and the chart schema validators), starts
# RabbitMQ and Azurite on loopback, builds warning-free,
# runs every test project, and stops the services; then the container tests (scripts/containers.sh: images built from the
# registries, the demo job through the compose stack, the stack attacked, the chart's pods under Docker, broken images caught,
# Testcontainers; XAIVISION_CONTAINER_TESTS=off skips them, and they are skipped when arguments are given). Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Weights).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh

if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

# The text perturbation draws with a real font; Debian's minimal images have none.
if ! fc-list 2>/dev/null | grep -q . ; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing fonts-dejavu-core (needed by the text perturbation tests)…"
    apt_install fonts-dejavu-core
  else
    echo "No fonts found: install fonts-dejavu-core (the text perturbation needs one)." >&2
    exit 1
  fi
fi

# Debian's Chromium renders report.html in the browser test.
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing chromium (report browser test)…"
    apt_install chromium
  else
    echo "Chromium is missing: apt-get install chromium (the report test opens report.html in it)." >&2
    exit 1
  fi
fi

# Debian's docker-compose (1.29, Python) validates docker-compose.yml offline; without its recommended engine.
if ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing docker-compose (compose file test; no engine)…"
    apt_install --no-install-recommends docker-compose
  else
    echo "docker-compose is missing: apt-get install --no-install-recommends docker-compose (the compose file test runs it)." >&2
    exit 1
  fi
fi

# helm, kubectl and the schema validators for the chart tests, into .tools/ (checksum-pinned).
tools_env=$(scripts/tools.sh)
eval "$tools_env"

# What this run used, printed last: which services, and the CPU facts that change what the precision and native tests exercise.
machine_summary() {
  local bf16=no caches=listed
  grep -q ' avx512_bf16' /proc/cpuinfo 2>/dev/null && bf16=yes
  ls -d /sys/devices/system/cpu/cpu0/cache/index* >/dev/null 2>&1 || caches="hidden (oneDNN off: README Troubleshooting)"
  echo "test run used: services ${XAIVISION_SERVICES_KIND:-script-started RabbitMQ and Azurite}; native bf16 (avx512_bf16): $bf16; CPU caches: $caches; $(nproc) cores"
}

# Real RabbitMQ and Azurite for the end-to-end tests, stopped again whatever happens.
export XAIVISION_SERVICES_DIR=${XAIVISION_SERVICES_DIR:-$(mktemp -d /tmp/xaivision-services.XXXXXX)}
trap 'scripts/services.sh stop || true; machine_summary' EXIT
services_env=$(scripts/services.sh start) # an assignment, so a failed start stops the run (eval "$(…)" would hide it)
eval "$services_env"

dotnet restore XaiVision.sln
dotnet build XaiVision.sln -c Release --no-restore -warnaserror
# The Containers category needs the images and an engine: scripts/containers.sh runs it (unless a --filter given here selects it).
case " $* " in *" --filter "*) filter=() ;; *) filter=(--filter "Category!=Containers") ;; esac
dotnet test XaiVision.sln -c Release --no-build "${filter[@]}" "$@"
if [ $# -eq 0 ]; then scripts/containers.sh; fi
