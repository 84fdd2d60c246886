#!/usr/bin/env bash
# Installs the Debian packages that the tests, the quickstart and the bench need (a Docker engine, the
# CNCF registry, PostgreSQL, htpasswd, openssl, jq, zsh, fish), only those missing. A no-op when all are there.
# Run by `npm test` (pretest), `npm run quickstart` and .ci/run, so a fresh machine needs nothing by hand.
set -euo pipefail

APT_PACKAGES=(docker.io docker-registry postgresql apache2-utils openssl jq zsh fish util-linux)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "hint: install them (Debian: sudo apt-get install --no-install-recommends ${missing[*]}) and run this again" >&2
  exit 1
fi

echo "==> installing ${missing[*]}" >&2
# Keep package scripts from starting a system dockerd or postgres: the tests start their own, private ones.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap 'if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2
