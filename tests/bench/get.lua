-- GET scenarios of the benchmark. Environment (with lib.lua's):
--   BENCH_PATHS   file of request paths, one a line, sent in turn
--   BENCH_PROBE   when "1", adds a parameter unique to each request (probe=),
--                 which the API ignores but which makes every cache key new
local lib = dofile(os.getenv("BENCH_DIR") .. "/lib.lua")

local requests = {}
local paths
local index = 0
local sent = 0
local probe = os.getenv("BENCH_PROBE") == "1"

setup = lib.setup

function init(args)
   lib.seed(id)
   paths = lib.lines(os.getenv("BENCH_PATHS"))
   -- Fixed requests are formatted once: wrk then only copies bytes.
   for i, path in ipairs(paths) do
      requests[i] = wrk.format("GET", path, lib.headers())
   end
   index = id % #paths
end

function request()
   index = index % #paths + 1
   if not probe then
      return requests[index]
   end
   sent = sent + 1
   local path = paths[index]
   local glue = path:find("?", 1, true) and "&" or "?"
   return wrk.format("GET", path .. glue .. "probe=" .. id .. "-" .. sent, lib.headers())
end

function done(summary, latency, requests)
   lib.report(summary, latency)
end
