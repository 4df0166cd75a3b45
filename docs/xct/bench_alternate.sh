#!/bin/sh
# Times SoftShort's labeller and scipy.ndimage.label alternately in the same time window (the machine is shared: compare
# runs taken together, and record the load average printed before each).
#   softshort bench xct --save /tmp/xct6-bench --no-pipeline --repeat 1     # writes the masks once
#   docs/xct/bench_alternate.sh [SOFTSHORT] [MASK_DIR] [ROUNDS] > log
S=${1:-softshort}
D=${2:-/tmp/xct6-bench}
R=${3:-2}
cd "$(dirname "$0")/../.."
i=1
while [ "$i" -le "$R" ]; do
  echo "== round $i softshort $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$S" bench xct --no-pipeline --repeat 3
  echo "== round $i scipy $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/python3 docs/xct/bench_scipy.py "$D" all 0 3
  i=$((i + 1))
done
echo "== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
