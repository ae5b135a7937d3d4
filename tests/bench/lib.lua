-- Helpers shared by the wrk scripts of the benchmark (tests/bench/run).
-- Settings come from the environment, so each script stays a plain file:
--   BENCH_HOST      Host header (the tenant host, or a bench-only host)
--   BENCH_API_KEY   Authorization header, when set
local lib = {}

-- Reads the non-empty lines of file PATH.
function lib.lines(path)
   local found = {}
   local file = assert(io.open(path, "r"), "cannot open " .. path)
   for line in file:lines() do
      if line ~= "" then
         found[#found + 1] = line
      end
   end
   file:close()
   assert(#found > 0, path .. " is empty")
   return found
end

-- Headers of every request: Host, and the API key when one is given.
function lib.headers(extra)
   local headers = {Host = os.getenv("BENCH_HOST")}
   local key = os.getenv("BENCH_API_KEY")
   if key ~= nil and key ~= "" then
      headers["Authorization"] = key
   end
   for name, value in pairs(extra or {}) do
      headers[name] = value
   end
   return headers
end

-- A random (version 4) UUID; each thread seeds its own generator in init().
function lib.uuid()
   local bytes = {}
   for i = 1, 16 do
      bytes[i] = math.random(0, 255)
   end
   bytes[7] = 0x40 + bytes[7] % 16
   bytes[9] = 0x80 + bytes[9] % 64
   local hex = {}
   for i = 1, 16 do
      hex[i] = string.format("%02x", bytes[i])
   end
   local s = table.concat(hex)
   return s:sub(1, 8) .. "-" .. s:sub(9, 12) .. "-" .. s:sub(13, 16) .. "-" ..
      s:sub(17, 20) .. "-" .. s:sub(21, 32)
end

-- Seeds the thread's generator so that threads and runs differ.
function lib.seed(id)
   local urandom = io.open("/dev/urandom", "rb")
   local seed = os.time() + id * 7919
   if urandom ~= nil then
      local b = urandom:read(4)
      urandom:close()
      seed = seed + b:byte(1) * 16777216 + b:byte(2) * 65536 + b:byte(3) * 256 + b:byte(4)
   end
   math.randomseed(seed % 2147483647)
end

-- Numbers each thread, for seeds and probe values.
local threads = {}
local next_id = 0

function lib.setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   threads[#threads + 1] = thread
end

-- Sums counter NAME over the threads (in done()).
function lib.total(name)
   local sum = 0
   for _, thread in ipairs(threads) do
      sum = sum + (tonumber(thread:get(name)) or 0)
   end
   return sum
end

-- Prints the figures of the run on one line that tests/bench/run parses;
-- EXTRA is a table of more key=value pairs.
function lib.report(summary, latency, extra)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   local fields = {
      string.format("requests=%d", summary.requests),
      string.format("seconds=%.2f", seconds),
      string.format("rps=%.0f", summary.requests / seconds),
      string.format("p50_ms=%.2f", latency:percentile(50) / 1000),
      string.format("p99_ms=%.2f", latency:percentile(99) / 1000),
      string.format("max_ms=%.2f", latency.max / 1000),
      string.format("bytes_per_response=%.0f", summary.requests > 0 and summary.bytes / summary.requests or 0),
      string.format("connect=%d", e.connect),
      string.format("read=%d", e.read),
      string.format("write=%d", e.write),
      string.format("timeout=%d", e.timeout),
      string.format("status_errors=%d", e.status),
   }
   for key, value in pairs(extra or {}) do
      fields[#fields + 1] = key .. "=" .. tostring(value)
   end
   io.write("BENCH ", table.concat(fields, " "), "\n")
end

return lib
