#!/usr/bin/env bash
# One-time set-up on a fresh machine with only the .NET SDK: the pinned notebook kernel and runner (local tool manifest
# .config/dotnet-tools.json), Debian's Chromium for the report's browser test, and a Release build of everything.
# Safe to re-run: every step is a no-op when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dotnet tool restore (dotnet-repl, dotnet-interactive: pinned in .config/dotnet-tools.json)"
dotnet tool restore

if [ -z "${SOFTSHORT_CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium (browser test of the offline report)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: chromium is missing and this user cannot install it; install Debian's 'chromium' package or set SOFTSHORT_CHROMIUM" >&2; exit 1; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "== dotnet build -c Release"
dotnet build SoftShort.slnx -c Release --nologo -v q
