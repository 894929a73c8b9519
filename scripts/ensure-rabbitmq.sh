#!/usr/bin/env bash
# Makes sure a RabbitMQ broker answers on this machine. Leaves a running one alone;
# installs it from Debian's packages when absent; starts it detached when stopped.
set -euo pipefail

ping_ok() { rabbitmq-diagnostics -q ping >/dev/null 2>&1; }
port_open() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if [[ -n "${AMQP_URL:-}" && "${AMQP_URL}" != *"127.0.0.1"* && "${AMQP_URL}" != *"localhost"* ]]; then
  exit 0 # a remote broker is configured: nothing to manage here
fi
if port_open && { ! command -v rabbitmq-diagnostics >/dev/null || ping_ok; }; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  echo "RabbitMQ is not installed: installing rabbitmq-server from Debian's packages" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! ping_ok; then
  # The node is rabbit@<short hostname>; it will not start when that name does not resolve.
  short=$(hostname -s 2>/dev/null || hostname)
  if ! getent hosts "$short" >/dev/null 2>&1; then
    echo "127.0.0.1 $short" | $SUDO tee -a /etc/hosts >/dev/null
  fi
  echo "starting RabbitMQ (rabbitmq-server -detached)" >&2
  $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
  # `rabbitmqctl await_startup` straight after -detached fails at once: poll ping instead (docs/delivery-pipeline.md).
  for _ in $(seq 1 60); do
    if ping_ok; then break; fi
    sleep 1
  done
  ping_ok || { echo "RabbitMQ did not answer within 60 s" >&2; exit 1; }
fi
for _ in $(seq 1 30); do port_open && exit 0; sleep 1; done
echo "RabbitMQ answers ping but port 5672 is closed" >&2
exit 1
