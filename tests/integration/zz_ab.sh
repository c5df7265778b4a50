UH_TEST=ab
. tests/integration/lib/uh.sh
uh_setup "uh-ab-$$" "uhab$$"
url=${AB_URL:-/}
for round in 1 2 3 4 5 6; do
for v in old new; do
  if [ $v = old ]; then bin=/work/wt-base/build/unihost; else bin=build/unihost; fi
  UNIHOST="taskset -c 0 $bin"
  ip netns exec "$UH_NS" taskset -c 0 $bin --tap "$UH_TAP" --ipv4 192.0.2.2/24 --blob /tmp/bsite.blob > $UH_TMP/ab.log 2>&1 &
  pid=$!
  sleep 0.5
  nsx taskset -c 1 wrk -t1 -c16 -d1 http://192.0.2.2$url > /dev/null 2>&1
  r=$(nsx taskset -c 1 wrk -t1 -c16 -d4 http://192.0.2.2$url 2>&1 | sed -n 's/Requests\/sec: *//p')
  echo "$v $r"
  kill -TERM $pid; wait $pid
done
done
uh_finish
