#!/usr/bin/env bash
# Installs the Debian packages that building, testing and running retailsim
# need. Idempotent: when everything is present it only checks, in well under a
# second. Run as root or with sudo available.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build make ccache pkg-config
  # actors, storage, command line
  libcaf-dev libsqlite3-dev libsqlitecpp-dev sqlite3 libcli11-dev
  # validation: Unicode (ICU) and phone numbers (libphonenumber)
  libicu-dev libphonenumber-dev
  # record encoding; scenario files
  nlohmann-json3-dev libyaml-cpp-dev
  # metrics: the client library, and promtool and a server for the tests
  prometheus-cpp-dev prometheus curl
  # reports: Chart.js, inlined into report.html; a browser for its tests
  libjs-chart.js chromium
  # allocator of the programs (tcmalloc)
  libgoogle-perftools-dev
  # tests and benchmarks; GNU time measures a test's peak memory
  libgtest-dev libbenchmark-dev time
  # fuzzing the parsers of outside data (libFuzzer comes with clang's runtime)
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    sudo="sudo"
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing first (fast on a warm machine), then refresh lists.
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "setup: done"
