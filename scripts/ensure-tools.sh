#!/usr/bin/env bash
# Installs JDK 17 and Maven on a Debian/Ubuntu machine that lacks them (used by .ci/run and
# ./agentmeter). Kafka and PostgreSQL need no installation: they run embedded in the JVM.
set -euo pipefail
need_install=()
command -v java >/dev/null 2>&1 || need_install+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_install+=(maven)
if [ ${#need_install[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: ${need_install[*]} (install JDK 17+ and Maven 3.8+)" >&2
    exit 1
  fi
  echo "Installing: ${need_install[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq "${need_install[@]}" >&2
fi
