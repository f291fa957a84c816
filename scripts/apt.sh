#!/usr/bin/env bash
# Sourced by the test scripts: apt_install PACKAGE… installs Debian packages as root, waiting (up to 10 minutes) for a dpkg or
# apt lock another apt-get holds — unattended upgrades on a fresh machine — instead of failing at once (exit 100).
apt_install() {
  local wait=(-o DPkg::Lock::Timeout=600)
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${wait[@]}" install -y -qq "$@" >/dev/null 2>&1 && return 0
  local try
  for try in 1 2 3 4 5 6; do # the package lists' lock is not covered by the option on every apt: retry the update
    apt-get "${wait[@]}" update -qq >/dev/null 2>&1 && break
    echo "apt-get update failed (attempt $try; another apt may hold its lock); retrying in 10 s…" >&2
    sleep 10
  done
  apt-get "${wait[@]}" install -y -qq "$@" >/dev/null
}
