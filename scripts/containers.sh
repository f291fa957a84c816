#!/usr/bin/env bash
# The container tests, run by scripts/test.sh after the .NET tests: builds every image from the registries alone
# (deploy/docker/build-local.sh) and runs the demo job through the compose stack made of them (deploy/docker/stack-demo.sh).
# Uses the engine DOCKER_HOST (or the default socket) points to; where none answers, installs Debian's docker.io and starts
# dockerd itself (data under XAIVISION_DOCKER_DIR, /var/tmp/xaivision-docker by default, so images stay cached between runs
# on one machine; overlay2, else vfs) and stops it again. Where no engine can start, says so in one line and exits 0 (the rest
# of the suite has run). XAIVISION_CONTAINER_TESTS=off skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh
if [[ "${XAIVISION_CONTAINER_TESTS:-on}" == off ]]; then echo "containers: skipped (XAIVISION_CONTAINER_TESTS=off)"; exit 0; fi
no_engine() { echo "containers: no Docker engine could start here ($1); the container tests did not run."; exit 0; }

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  for tool in dockerd:docker.io debootstrap:debootstrap iptables:iptables; do
    command -v "${tool%%:*}" >/dev/null || { echo "Installing ${tool#*:} (container tests)…"; apt_install --no-install-recommends "${tool#*:}"; }
  done
fi
command -v docker >/dev/null || no_engine "no docker client; apt-get install docker.io"

started=""
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || no_engine "none answers and starting dockerd needs root"
  dir=${XAIVISION_DOCKER_DIR:-/var/tmp/xaivision-docker}
  mkdir -p "$dir"
  export DOCKER_HOST=unix://$dir/docker.sock
  for driver in overlay2 vfs; do
    dockerd --data-root "$dir/data-$driver" --exec-root "$dir/exec" -H "$DOCKER_HOST" --pidfile "$dir/docker.pid" \
      --storage-driver "$driver" >"$dir/dockerd.log" 2>&1 &
    started=$!
    for _ in $(seq 1 30); do docker version >/dev/null 2>&1 && break; kill -0 "$started" 2>/dev/null || break; sleep 1; done
    docker version >/dev/null 2>&1 && break
    kill "$started" 2>/dev/null || true; wait "$started" 2>/dev/null || true; started=""
  done
  [ -n "$started" ] || no_engine "dockerd did not start: $(tail -n 1 "$dir/dockerd.log")"
  trap 'kill "$started" 2>/dev/null; wait "$started" 2>/dev/null || true' EXIT
  echo "containers: started dockerd ($(docker info --format '{{.Driver}}'), data in $dir)"
fi

start=$SECONDS
deploy/docker/build-local.sh
deploy/docker/stack-demo.sh
echo "containers: images built and the demo job completed through the compose stack in $((SECONDS - start)) s"
