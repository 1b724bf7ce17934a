#!/usr/bin/env bash
# Debian packages the test suite needs: a PostgreSQL server and Redis (the tests start their own),
# Debian's chromium for Playwright, poppler-utils to read PDFs, and the libraries and fonts
# WeasyPrint renders with. Installs only what is missing.
set -euo pipefail

packages=(postgresql redis-server chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
command -v npm >/dev/null || packages+=(npm)  # Node.js often comes from elsewhere; only add Debian's if absent
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo_cmd=(sudo)
else
  echo "Missing packages and no root: run 'sudo apt-get install ${missing[*]}'" >&2
  exit 1
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
