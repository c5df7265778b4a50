-- bench/observability.sh's paced HTTP row: each connection waits a
-- millisecond after every response before its next request, so that wrk
-- offers the same load to both configurations below what either can take.
function delay()
    return 1
end
