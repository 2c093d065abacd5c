#!/usr/bin/env bash
# Times `safeload scan` on a real ~45 MB PyTorch checkpoint against plain SHA-256 of the same bytes.
#
# The checkpoint is generated at run time (never committed): the state dict of torchvision's ResNet-18
# (11.7 M float32 parameters, randomly initialised, no download), written by Debian's python3-torch
# with torch.save's defaults.
#
# Usage (from the repository root, after building the CLI):
#   benchmarks/scripts/scan-checkpoint.sh [runs]
# Environment: SAFELOAD (default ./safeload), PYTHON (default /usr/bin/python3), WORK (default a temp dir).
set -euo pipefail

RUNS=${1:-5}
SAFELOAD=${SAFELOAD:-./safeload}
PYTHON=${PYTHON:-/usr/bin/python3}
WORK=${WORK:-$(mktemp -d)}
CKPT="$WORK/resnet18_state_dict.pt"

if [[ ! -s "$CKPT" ]]; then
  "$PYTHON" - "$CKPT" <<'PY'
import sys
import torch
import torchvision
torch.manual_seed(0)
torch.save(torchvision.models.resnet18().state_dict(), sys.argv[1])
PY
fi
SIZE=$(stat -c %s "$CKPT")
echo "checkpoint: $CKPT ($SIZE bytes)"
"$SAFELOAD" scan "$CKPT" >/dev/null || { echo "safeload scan rejected the checkpoint" >&2; exit 1; }

# Best of N wall-clock seconds for a command (first run warms the page cache).
best() {
  local best=""
  for _ in $(seq 1 "$RUNS"); do
    local s e t
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", b - a }')
    if [[ -z "$best" ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

cat "$CKPT" >/dev/null
printf '%-28s %10s %10s\n' "command" "best s" "MB/s"
for name in "safeload scan" "sha256sum" "openssl dgst -sha256"; do
  case "$name" in
    "safeload scan") t=$(best "$SAFELOAD" scan "$CKPT") ;;
    "sha256sum") t=$(best sha256sum "$CKPT") ;;
    "openssl dgst -sha256") t=$(best openssl dgst -sha256 "$CKPT") ;;
  esac
  printf '%-28s %10.3f %10.1f\n' "$name" "$t" "$(awk -v s="$SIZE" -v t="$t" 'BEGIN { print s / t / 1000000 }')"
done
