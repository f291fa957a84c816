#!/usr/bin/env bash
# Brings the compose stack (docker-compose.yml at the repository root) up with the images build-local.sh made — RabbitMQ,
# Azurite and WORKERS (2) worker containers —, runs the demo job through it (submit-demo --wait, in a container of the same
# image) to a completed report in the Azurite container, prints the job's summary line, tears the stack down (volumes too)
# and exits 0 only when the job completed and nothing of the project is left. Uses the engine DOCKER_HOST (or the default
# socket) points to; `docker compose` where the plugin is installed, else `docker-compose`. Public images instead: RABBITMQ_IMAGE=rabbitmq:3.13-management etc.
# Host ports (35672 AMQP, 35673 management UI, 30000 blob) stay clear of a local RabbitMQ's 5672/25672 and Azurite's 10000.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export RABBITMQ_IMAGE=${RABBITMQ_IMAGE:-local/rabbitmq:3.13-management} AZURITE_IMAGE=${AZURITE_IMAGE:-local/azurite:3.35.0}
export WORKER_IMAGE=${WORKER_IMAGE:-xaivision-worker:cpu}
export RABBITMQ_PORT=${RABBITMQ_PORT:-35672} RABBITMQ_UI_PORT=${RABBITMQ_UI_PORT:-35673} AZURITE_PORT=${AZURITE_PORT:-30000}
project=${COMPOSE_PROJECT:-xaivision-demo}
compose() {
    if docker compose version >/dev/null 2>&1; then docker compose -p "$project" -f "$root/docker-compose.yml" "$@"
    else docker-compose -p "$project" -f "$root/docker-compose.yml" "$@"; fi
}
down() { compose down -v --remove-orphans >/dev/null 2>&1 || true; }
trap down EXIT
start=$SECONDS
compose up -d --no-build --scale "worker=${WORKERS:-2}" rabbitmq azurite worker
echo "stack up in $((SECONDS - start)) s; submitting the demo job"
set +e
compose run --rm --no-deps submit-demo | tee /tmp/xaivision-stack-demo.log
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]]; then
    echo "stack-demo.sh: the demo job did not complete (exit $status); the workers' last lines:" >&2
    compose logs --tail 20 worker >&2 || true
    exit 1
fi
grep -E "^job .* complete:" /tmp/xaivision-stack-demo.log | tail -n 1
down
trap - EXIT
left=$(docker ps -aq --filter "label=com.docker.compose.project=$project"; docker volume ls -q --filter "label=com.docker.compose.project=$project")
if [[ -n "$left" ]]; then echo "stack-demo.sh: compose down -v left containers or volumes behind: $left" >&2; exit 1; fi
echo "stack-demo.sh: demo job completed through the containers in $((SECONDS - start)) s; down -v left nothing"
