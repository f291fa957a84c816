#!/usr/bin/env bash
# The container tests, run by scripts/test.sh after the .NET tests (issue 29):
#   1. every image built from the registries alone (deploy/docker/build-local.sh);
#   2. the demo job through the compose stack made of them (deploy/docker/stack-demo.sh);
#   3. the Containers test category: the stack with three workers attacked (a worker killed and another stopped mid-shard, the
#      broker container restarted mid-job: nothing lost or duplicated), non-root / read-only / the chart's probes, the chart's
#      worker pod and regression CronJob run under Docker with their rendered settings, broken images and a broken compose file
#      caught;
#   4. the real-service tests through Testcontainers (the fixture's Docker branch) with the local RabbitMQ and Azurite images.
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

# What the tests leave if one is interrupted: their compose projects and pods (xv*), Testcontainers' containers, broken images.
leftovers() {
  docker ps -aq --filter name=^xv | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker ps -aq --filter label=org.testcontainers.session-id | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter name=^xv | xargs -r docker network rm >/dev/null 2>&1 || true
  docker volume ls -q --filter name=^xv | xargs -r docker volume rm >/dev/null 2>&1 || true
  docker images -q 'xaivision-worker:broken-*' | xargs -r docker rmi -f >/dev/null 2>&1 || true
}

start=$SECONDS
deploy/docker/build-local.sh
deploy/docker/stack-demo.sh

# Testcontainers 4 speaks Docker API 1.44; an older engine (Debian 12's docker.io: 1.41) answers it only with the API pinned.
api=$(docker version --format '{{.Server.APIVersion}}')
if [ "$(printf '%s\n1.44\n' "$api" | sort -V | head -n 1)" != 1.44 ]; then export DOCKER_API_VERSION=$api; fi
[ -n "${XAIVISION_HELM:-}" ] || eval "$(scripts/tools.sh)"
dotnet build tests/XaiVision.Worker.Tests -c Release -warnaserror --nologo -v q
status=0
dotnet test tests/XaiVision.Worker.Tests -c Release --no-build --filter Category=Containers --logger "console;verbosity=detailed" || status=1
leftovers
# The fixture's Docker branch: without the script services' variables, the real-service tests pass only through Testcontainers.
env -u XAIVISION_TEST_RABBITMQ -u XAIVISION_TEST_AZURITE TESTCONTAINERS_RYUK_DISABLED=true \
  XAIVISION_TEST_RABBITMQ_IMAGE=local/rabbitmq:3.13-management XAIVISION_TEST_AZURITE_IMAGE=local/azurite:3.35.0 \
  dotnet test tests/XaiVision.Worker.Tests -c Release --no-build \
  --filter "FullyQualifiedName~EndToEnd.RealServicesTests|FullyQualifiedName~BrokerRestartTests|FullyQualifiedName~AzureBlobStoreTests|FullyQualifiedName~ServiceSourceTests" \
  || status=1
leftovers
[ $status -eq 0 ] || { echo "containers: FAILED (see above)"; exit 1; }
echo "containers: images built; the demo job, the attacked stack, the chart's pods, the broken images and Testcontainers passed in $((SECONDS - start)) s"
