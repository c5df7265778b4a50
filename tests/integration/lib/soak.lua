-- wrk's script for the soak (tests/integration/soak.sh, bench/soak.sh): a
-- mix of requests (pages, a gzip variant, a byte range, a redirect, a 404),
-- bounded in count and rate. Environment:
--   SOAK_PER_THREAD  responses per wrk thread, then the thread stops
--   SOAK_DELAY_MS    each connection waits this long before each request
--                    (so at most connections * 1000 / SOAK_DELAY_MS a second)
--   SOAK_CLOSE=1     "Connection: close": a new connection (and over HTTPS
--                    a new, or resumed, handshake) for every request
-- done() prints "figures: wrk responses=N unexpected=U errors=E", U being
-- responses of another status than the mix's (200, 206, 301, 404).
local per_thread = tonumber(os.getenv("SOAK_PER_THREAD") or "1000")
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local close = os.getenv("SOAK_CLOSE") == "1"
local threads = {}
local reqs = {}
local i = 0
n, bad = 0, 0

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   local function add(path, extra)
      local h = {}
      if close then h["Connection"] = "close" end
      for k, v in pairs(extra or {}) do h[k] = v end
      table.insert(reqs, wrk.format("GET", path, h))
   end
   add("/")
   add("/docs/limits", { ["Accept-Encoding"] = "gzip" })
   add("/docs/architecture")
   add("/favicon.svg")
   add("/no-such-page")
   add("/quick-start")
   add("/docs/logs", { ["Range"] = "bytes=100-1099" })
   add("/docs/dns")
end

function request()
   i = i % #reqs + 1
   return reqs[i]
end

function delay()
   return delay_ms
end

function response(status, headers, body)
   n = n + 1
   if status ~= 200 and status ~= 206 and status ~= 301 and status ~= 404 then
      bad = bad + 1
   end
   if n >= per_thread then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local tn, tb = 0, 0
   for _, t in ipairs(threads) do
      tn = tn + t:get("n")
      tb = tb + t:get("bad")
   end
   local e = summary.errors
   io.write(string.format("figures: wrk responses=%d unexpected=%d errors=%d\n",
                          tn, tb, e.connect + e.read + e.write + e.timeout))
end
