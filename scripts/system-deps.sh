#!/usr/bin/env bash
# Install the Debian packages errata's sandbox and test suite need, if any are missing.
#   bubblewrap, python3-seccomp  the verification sandbox (python3-seccomp builds its filter)
#   cgroup-tools                 cgexec starts each sandbox run in its own cgroups
#   util-linux                   setpriv and prlimit (drop to uid 65534, resource limits)
#   postgresql                   the PostgreSQL tests start a real server
#   chromium                     the browser tests
set -euo pipefail
want=(bubblewrap python3-seccomp cgroup-tools util-linux postgresql chromium)
if [[ "${1:-}" == "--sandbox-only" ]]; then want=(bubblewrap python3-seccomp cgroup-tools util-linux); fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "errata: missing Debian packages (${missing[*]}) and not root: install them to enable" \
         "verification and the full test suite" >&2
    exit 0
  fi
fi
echo "errata: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q "${missing[@]}" || { $sudo apt-get update -q && $sudo apt-get install -y -q "${missing[@]}"; }
