#!/usr/bin/env bash
# promtool from the Prometheus release (the version docker-compose.yml runs), not the apt package:
# Ubuntu's `prometheus` package would also start a Prometheus server on the runner.
set -euo pipefail
version=3.5.0
dir=$(mktemp -d)
curl -fsSL "https://github.com/prometheus/prometheus/releases/download/v${version}/prometheus-${version}.linux-amd64.tar.gz" | tar -xz -C "$dir"
sudo install -m 0755 "$dir/prometheus-${version}.linux-amd64/promtool" /usr/local/bin/promtool
rm -rf "$dir"
promtool --version
