#!/usr/bin/env bash
# Installs the real peers the peer tests talk to (DICOM: DCMTK, Orthanc; metrics:
# InfluxDB 1.x, VictoriaMetrics; Chromium for the HTML report), from Debian's packages
# (docs/architecture.md section 9). Idempotent; needs root. Tests that need a peer skip with a
# visible message only where the peer cannot exist here; CI always installs them.
set -euo pipefail
packages=(dcmtk orthanc orthanc-dicomweb wrk openssl influxdb victoria-metrics chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
