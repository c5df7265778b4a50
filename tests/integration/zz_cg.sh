UH_TEST=cg
. tests/integration/lib/uh.sh
uh_setup "uh-cg-$$" "uhcg$$"
for v in ${CG_WHICH:-old new}; do
  if [ $v = old ]; then bin=/work/wt-base/build/unihost; else bin=build/unihost; fi
  ip netns exec "$UH_NS" valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$v.out $bin --tap "$UH_TAP" --ipv4 192.0.2.2/24 --blob /tmp/bsite.blob > /tmp/cg.$v.log 2>&1 &
  pid=$!
  sleep 6
  nsx python3 /tmp/q/reqs.py $CG_N > /tmp/cg.$v.n
  kill -TERM $pid; wait $pid
  echo "$v requests=$(cat /tmp/cg.$v.n) Ir=$(callgrind_annotate /tmp/cg.$v.out 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p')"
done
uh_finish
