#!/usr/bin/env bash
# The first screen of the report on the sample corpus, as a reader opens it (1400x900), for the
# README and docs/: `bash scripts/screenshot.sh [OUT.png]`. Needs chromium (`.ci/run` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/report-first-screen.png}"
study="$(mktemp -d)"
trap 'rm -rf "$study"' EXIT
cargo run --quiet --release -- analyze corpora/ --out "$study/out" --quiet
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,900 \
  --screenshot="$PWD/$out" "file://$study/out/report.html" 2>/dev/null
echo "$out"
