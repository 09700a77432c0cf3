#!/bin/bash
# Makes sure the tools some tests shell out to are present: shellcheck (lints the
# generated Talos boot script), zstd (decodes the inline config), openssl (makes the
# certificate of the TLS API-server test), yamllint (lints the chart's values and
# rendered manifests) and Debian's prometheus package, whose
# /usr/bin/prometheus scrapes a running operator to evaluate every dashboard panel and
# whose /usr/bin/promtool tests the alert rules. Installs them with
# apt-get when missing and running as root (CI); elsewhere it says what is missing, and
# those tests skip with a message saying so.
set -euo pipefail

missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "ensure-test-tools: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
  exit 1
fi
