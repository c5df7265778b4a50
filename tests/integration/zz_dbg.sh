UH_TEST=dbg
. tests/integration/lib/uh.sh
uh_setup "uh-dbg-$$" "uhdbg$$"
uh_start
mac=$(sed -n 's/.*interface: mac \([0-9a-f:]*\),.*/\1/p' $UH_LOG)
echo "flood port 53 only; curl -6 to port 80"
nsx python3 /tmp/q/flood6rate.py $UH_TAP $mac 300 6 53 &
sleep 1
for i in 1 2 3 4 5 6; do nsx curl -s -g -o /dev/null -w '%{http_code} %{time_connect} %{time_total}\n' -m 3 "http://[2001:db8::2]/"; sleep 0.3; done
wait
uh_stats | tr ' ' '\n' | grep -E "syn|tcp_active"
nsx ip -6 neigh | head -3
uh_finish
