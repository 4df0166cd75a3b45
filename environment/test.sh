#!/usr/bin/env bash
# All tests: set-up, then unit tests (tests/SoftShort.Tests) and integration tests (tests/SoftShort.IntegrationTests:
# every notebook executed headless with the pinned kernel, and the offline report checked in headless Chromium).
# Prints a closing line "SOFTSHORT TESTS: PASSED" or "SOFTSHORT TESTS: FAILED" for CI.
set -uo pipefail
cd "$(dirname "$0")/.."
finish() { if [ "$1" = 0 ]; then echo "SOFTSHORT TESTS: PASSED"; else echo "SOFTSHORT TESTS: FAILED (exit $1)"; fi; exit "$1"; }
bash environment/setup.sh || finish $?
dotnet test SoftShort.slnx -c Release --no-build --nologo --logger "console;verbosity=normal" --results-directory artifacts/test-results
finish $?
