#!/usr/bin/env bash
# Installs what the gateway needs to build, run and test, from Debian's packages, and the
# Python tools of the contract test from PyPI into .venv-tools/.
# Idempotent: installs only what is missing; safe to run on every start.
#   scripts/install-deps.sh                    everything (tests included)
#   scripts/install-deps.sh --no-test-tools    Debian packages only (the quick start)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev
  librdkafka-dev libsimdjson-dev libyaml-cpp-dev libcpp-httplib-dev libxxhash-dev
  libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  kcat python3 python3-jsonschema python3-kafka python3-yaml python3-venv
  openjdk-17-jre-headless maven
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--no-test-tools" ]; then
  exit 0
fi

# The Python tools of the HTTP contract test (tests/contract/run_schemathesis.py), from PyPI:
# schemathesis==4.32.5 and openapi-spec-validator==0.9.0 with everything they pull in, each
# pinned in tests/contract/requirements.txt, in a venv at .venv-tools/ (gitignored) on
# Debian's Python. Made again only when requirements.txt changed since it was made.
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv-tools"
requirements="$root/tests/contract/requirements.txt"
stamp="$venv/requirements.installed"
if [ -x "$venv/bin/python3" ] && cmp -s "$requirements" "$stamp"; then
  echo "install-deps: $venv up to date"
else
  echo "install-deps: creating $venv from $requirements"
  /usr/bin/python3 -m venv --clear "$venv"
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$requirements"
  cp "$requirements" "$stamp"
fi
