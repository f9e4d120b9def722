-- wrk script for load.sh: rotates over feed documents and three kinds of request: plain (200), gzip (200, smaller)
-- and conditional with the ETag last seen for that document and encoding (304). Counts statuses per thread; done()
-- prints one parsable line with the totals and latency percentiles.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local paths = { "/feeds/all.rss", "/feeds/all.atom", "/feeds/all.json", "/feeds/load-a.rss", "/feeds/load-a.atom",
                "/feeds/load-b.json", "/feeds/load-b.rss", "/feeds/archive/all/1.atom" }
local etags = {}
local n = 0
local last = nil
s2xx, s304, s4xx, s5xx, other = 0, 0, 0, 0, 0

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  local kind = math.floor(n / #paths) % 3
  local headers = {}
  if kind == 1 then headers["Accept-Encoding"] = "gzip" end
  if kind == 2 then
    headers["Accept-Encoding"] = "gzip"
    local tag = etags[path .. "|gzip"]
    if tag then headers["If-None-Match"] = tag end
  end
  last = path .. "|" .. (headers["Accept-Encoding"] or "identity")
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status == 304 then s304 = s304 + 1
  elseif status >= 200 and status < 300 then
    s2xx = s2xx + 1
    if last and headers["ETag"] then etags[last] = headers["ETag"] end
  elseif status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { s2xx = 0, s304 = 0, s4xx = 0, s5xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("WRK requests=%d duration_s=%.1f rps=%.0f s2xx=%d s304=%d s4xx=%d s5xx=%d other=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), t.s2xx, t.s304, t.s4xx, t.s5xx, t.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
