-- wrk reporter for the lists benchmark: after the run, one line of JSON with the request rate,
-- latency percentiles in milliseconds and the error counts, which atrium-bench parses. A cookie
-- for signed-in pages comes from the environment variable BENCH_COOKIE.
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors
  local ms = function(us) return us / 1000 end
  io.write(string.format(
    '{"requests":%d,"secs":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
      .. '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"non_2xx_3xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
