#!/usr/bin/env bash
# Starts the real services the tests talk to — Debian's RabbitMQ (no systemd) and Azurite 3.35.0
# from npm — on loopback, with all state under one temp folder, and prints the environment the
# tests read. Usage:  eval "$(scripts/services.sh start)"   …   scripts/services.sh stop
# Installs what is missing (rabbitmq-server via apt as root, azurite into .tools/ via npm).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh
STATE=${XAIVISION_SERVICES_DIR:-/tmp/xaivision-services}
AMQP_PORT=${XAIVISION_AMQP_PORT:-5679}
DIST_PORT=${XAIVISION_DIST_PORT:-$((AMQP_PORT + 20000))}
BLOB_PORT=${XAIVISION_BLOB_PORT:-10009}
# Azurite's documented development account (public, not a secret).
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

rabbit_env() {
  export HOME="$STATE/rabbit-home" RABBITMQ_NODENAME="xaivision-$AMQP_PORT@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" RABBITMQ_MNESIA_BASE="$STATE/rabbit/mnesia" \
    RABBITMQ_LOG_BASE="$STATE/rabbit/log" RABBITMQ_PID_FILE="$STATE/rabbit/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$STATE/rabbit/enabled_plugins" RABBITMQ_CONFIG_FILE="$STATE/rabbit/rabbitmq" \
    ERL_CRASH_DUMP="$STATE/erl_crash.dump"
}

install() {
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    echo "installing rabbitmq-server…" >&2
    apt_install rabbitmq-server >&2
  fi
  if [ ! -x .tools/azurite/node_modules/.bin/azurite-blob ]; then
    echo "installing azurite 3.35.0…" >&2
    npm install --silent --no-audit --no-fund --prefix .tools/azurite azurite@3.35.0 >&2
  fi
}

port_open() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

start() {
  install
  for port in "$AMQP_PORT" "$BLOB_PORT"; do
    if port_open "$port"; then echo "port $port is already in use: stop what runs there (scripts/services.sh stop) or set XAIVISION_AMQP_PORT / XAIVISION_BLOB_PORT" >&2; exit 1; fi
  done
  mkdir -p "$STATE/rabbit-home" "$STATE/rabbit/log" "$STATE/azurite"
  : > "$STATE/rabbit/enabled_plugins"
  echo "[]." > "$STATE/rabbit/enabled_plugins"
  printf 'consumer_timeout = 1800000\n' > "$STATE/rabbit/rabbitmq.conf"
  (
    rabbit_env
    /usr/lib/rabbitmq/bin/rabbitmq-server -detached >/dev/null 2>&1
    /usr/lib/rabbitmq/bin/rabbitmqctl -q wait --timeout 120 "$RABBITMQ_PID_FILE" >&2
  )
  nohup .tools/azurite/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --location "$STATE/azurite" \
    --skipApiVersionCheck --disableTelemetry --silent > "$STATE/azurite.log" 2>&1 &
  echo $! > "$STATE/azurite.pid"
  for _ in $(seq 1 60); do port_open "$BLOB_PORT" && break; sleep 0.5; done
  echo "export XAIVISION_TEST_SERVICES='$PWD/scripts/services.sh' XAIVISION_SERVICES_DIR='$STATE'"
  echo "export XAIVISION_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$AMQP_PORT/'"
  echo "export XAIVISION_TEST_AZURITE='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;'"
}

stop() {
  [ -d "$STATE" ] || return 0 # nothing was started with this state folder (and rabbitmqctl without its cookie would crash)
  ( rabbit_env; timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -q shutdown >/dev/null 2>&1 || true )
  pkill -f -- "-home $STATE/rabbit-home" 2>/dev/null || true
  if [ -f "$STATE/azurite.pid" ]; then kill "$(cat "$STATE/azurite.pid")" 2>/dev/null || true; rm -f "$STATE/azurite.pid"; fi
}

# Stops or starts the RabbitMQ application inside the running node (a broker restart as clients see it:
# every connection drops, durable queues and persistent messages survive). Used by the fault tests.
broker() {
  rabbit_env
  case "$1" in
    stop) /usr/lib/rabbitmq/bin/rabbitmqctl -q stop_app >&2 ;;
    start) /usr/lib/rabbitmq/bin/rabbitmqctl -q start_app >&2 ;;
    *) echo "usage: $0 broker stop|start" >&2; exit 2 ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  broker) broker "${2:-}" ;;
  *) echo "usage: $0 start|stop|broker stop|broker start" >&2; exit 2 ;;
esac
