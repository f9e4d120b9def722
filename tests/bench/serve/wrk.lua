-- wrk script of tests/bench/serve.sh: sets the case's request headers and prints one parsable line.
-- BENCH_ACCEPT_ENCODING and BENCH_IF_NONE_MATCH (environment) are sent when set and not empty.
local accept_encoding = os.getenv("BENCH_ACCEPT_ENCODING")
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")
if accept_encoding ~= nil and accept_encoding ~= "" then wrk.headers["Accept-Encoding"] = accept_encoding end
if if_none_match ~= nil and if_none_match ~= "" then wrk.headers["If-None-Match"] = if_none_match end

function done(summary, latency, requests)
   local e = summary.errors
   -- errors.status counts responses with a status above 399; the others are socket errors.
   io.write(string.format("WRK requests=%d duration_us=%d bytes=%d rps=%.1f p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
      summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
