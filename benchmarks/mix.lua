-- wrk script: send the requests listed in the file given as argument (one per line: the
-- target, then tab-separated "Name: value" headers) in turn, count the business codes of the
-- answers, and print one RESULT line of JSON for benchmarks/load.py.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local fields = {}
    for field in string.gmatch(line, "[^\t]+") do
      table.insert(fields, field)
    end
    local headers = {}
    for i = 2, #fields do
      local name, value = string.match(fields[i], "^([^:]+): (.*)$")
      headers[name] = value
    end
    table.insert(requests, wrk.format("PUT", fields[1], headers))
  end
  sent = 0
  codes = {}
end

function request()
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end

function response(status, headers, body)
  local code = string.match(body, '"code":(%-?%d+)') or ("http-" .. status)
  codes[code] = (codes[code] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("codes")) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', code, count))
  end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "codes": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
