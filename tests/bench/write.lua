-- Command scenarios of the benchmark: one JSON body per request, each with a
-- fresh processUid. Environment (with lib.lua's):
--   BENCH_WRITE   "insert": POST /bench/insert (the trivial ceiling);
--                 "ticket": PATCH /api/vEvent/tickets/{uid} AddMessage;
--                 "callcenter": PATCH /api/vEvent/clientcompanies/{uid}
--                 UpdateCallCenter; on the aggregates of BENCH_TARGETS in turn
--   BENCH_TARGETS file of aggregate uids, one a line
-- Statuses are counted: 2xx, 409 (an expected conflict) and any other.
local lib = dofile(os.getenv("BENCH_DIR") .. "/lib.lua")

local mode = os.getenv("BENCH_WRITE")
local targets
local index = 0
local headers
ok, conflict, other = 0, 0, 0

setup = lib.setup

function init(args)
   lib.seed(id)
   headers = lib.headers({["Content-Type"] = "application/json"})
   if mode ~= "insert" then
      targets = lib.lines(os.getenv("BENCH_TARGETS"))
      index = id % #targets
   end
end

function request()
   local uid = lib.uuid()
   if mode == "insert" then
      return wrk.format("POST", "/bench/insert", headers,
         '{"processUid":"' .. uid .. '","commandType":"CreateCallCenter",' ..
         '"createdDate":"2021-01-01","name":"Centre ' .. uid:sub(1, 8) .. '"}')
   end
   index = index % #targets + 1
   if mode == "ticket" then
      return wrk.format("PATCH", "/api/vEvent/tickets/" .. targets[index], headers,
         '{"processUid":"' .. uid .. '","commandType":"AddMessage",' ..
         '"messageAddedDate":"2021-03-15T10:00:00Z","message":"Relance ' .. uid:sub(1, 8) .. '"}')
   end
   return wrk.format("PATCH", "/api/vEvent/clientcompanies/" .. targets[index], headers,
      '{"processUid":"' .. uid .. '","commandType":"UpdateCallCenter",' ..
      '"updatedDate":"2021-06-01","name":"Centre ' .. uid:sub(1, 8) .. '"}')
end

function response(status, response_headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   elseif status == 409 then
      conflict = conflict + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   lib.report(summary, latency, {
      ok = lib.total("ok"), conflict = lib.total("conflict"), other = lib.total("other"),
   })
end
