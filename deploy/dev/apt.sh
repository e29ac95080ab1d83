# shellcheck shell=bash disable=SC1091  # os-release is runtime input
# Installing Debian packages as root on a machine without systemd, for the fixture scripts.
# Source it after defining log() and die(); call apt_cleanup from the caller's EXIT trap.

APT_RC_CREATED=
APT_LOG=

is_debian_root() {
  [[ $(id -u) == 0 && -r /etc/os-release ]] &&
    (. /etc/os-release; [[ " ${ID:-} ${ID_LIKE:-} " =~ \ (debian|ubuntu)\  ]])
}

# apt_install PACKAGE...: installs without recommended packages; dies with the tail of apt's log on failure.
apt_install() {
  is_debian_root || die "missing $*: install it (Debian/Ubuntu: sudo apt-get install $*) and rerun."
  log "installing $* with apt-get"
  APT_LOG=${APT_LOG:-$(mktemp)}
  # Maintainer scripts try to start daemons via systemd/init scripts, which do not work without
  # systemd as PID 1; policy-rc.d answering 101 ("forbidden") makes them skip it. We start dockerd.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    APT_RC_CREATED=1
  fi
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0)
  # Refresh the package lists only if installing with the current ones fails (none yet / outdated).
  if ! "${apt[@]}" install --no-install-recommends "$@" >"$APT_LOG" 2>&1; then
    log "apt-get install failed with the current package lists; running apt-get update"
    { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "$@"; } >"$APT_LOG" 2>&1 ||
      { tail -n 20 "$APT_LOG" >&2; die "apt-get install $* failed"; }
  fi
  apt_cleanup
}

apt_cleanup() {
  if [[ -n $APT_RC_CREATED ]]; then rm -f /usr/sbin/policy-rc.d; APT_RC_CREATED=; fi
  if [[ -n $APT_LOG ]]; then rm -f "$APT_LOG"; APT_LOG=; fi
}
