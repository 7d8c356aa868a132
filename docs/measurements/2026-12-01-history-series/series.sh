#!/usr/bin/env bash
# 32 runs of quick.yaml (1 trial, 2 operations per point); from the 21st on, two CPU hogs run beside it.
cd /work/main
rm -rf /tmp/hist && mkdir -p /tmp/hist
hogs=()
for i in $(seq 1 32); do
  if [ "$i" = 21 ]; then yes > /dev/null & hogs+=($!); yes > /dev/null & hogs+=($!); fi
  npx mqbench run scenarios/quick.yaml --trials 1 --set workload.operations=2 --out /tmp/hist/run-$i --no-progress > /tmp/hist/run-$i.log 2>&1
  npx mqbench history add /tmp/hist/run-$i/result.json --store /tmp/hist/store --sha "run$(printf %03d $i)" --ref main --machine this-host >> /tmp/hist/add.log 2>&1
done
for pid in "${hogs[@]}"; do kill "$pid"; done
echo done > /tmp/hist/finished
