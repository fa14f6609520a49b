#!/usr/bin/env bash
# Time from launching `accord tui FILE` in a real terminal (tmux, 120×34) to the positions
# matrix on screen, N times. Needs tmux. Usage: tests/bench/first_paint.sh [FILE] [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
file="${1:-scenarios/istanbul-2022.yaml}"
runs="${2:-3}"
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  tmux new-session -d -s accord-first-paint -x 120 -y 34 ".venv/bin/accord tui $file"
  until tmux capture-pane -t accord-first-paint -p 2>/dev/null | grep -q "gap"; do
    sleep 0.02
  done
  end=$(date +%s.%N)
  tmux kill-session -t accord-first-paint
  python3 -c "print(f'launch to matrix: {$end - $start:.2f} s')"
  sleep 0.5
done
