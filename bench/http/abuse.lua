-- abuse.lua: hostile requests only, round-robin: malformed, oversized and too-deep JSON, bad tokens, traversal,
-- bad methods, lying Content-Length, bad UTF-8, wrong passwords. Every one must be answered with a 4xx; the
-- JSON line at the end counts responses by class (s2xx, s4xx, s5xx must be 0 except s4xx).
local threads = {}
function setup(thread) table.insert(threads, thread) end

local reqs
function init(args)
  counts = {0, 0, 0, 0, 0}
  local json = {["Content-Type"] = "application/json"}
  local deep = string.rep("[", 200) .. string.rep("]", 200)
  reqs = {
    wrk.format("POST", "/api/v1/session", json, '{"username":'),
    wrk.format("POST", "/api/v1/session", json, '{"a":' .. deep .. '}'),
    wrk.format("POST", "/api/v1/me/keys", json, '{"name":"' .. string.rep("x", 1200000) .. '"}'),
    wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer tus_forgedforgedforgedforgedforgedforgedforg"}),
    wrk.format("GET", "/../../../../etc/passwd"),
    wrk.format("GET", "/%2e%2e/%2e%2e/etc/passwd"),
    wrk.format("POST", "/api/v1/session", json, '{"username":"\255\254","password":"x"}'),
    wrk.format("PUT", "/api/v1/me", json, "{}"),
    wrk.format("GET", "/api/v1/users?limit=99999"),
    wrk.format("POST", "/api/v1/session", {["Content-Type"] = "text/plain"}, "username=admin"),
    wrk.format("GET", "/api/v1/nope"),
    wrk.format("POST", "/api/v1/session", {["Content-Type"] = "application/json", ["Content-Length"] = "99999999"}, "{}"),
    wrk.format("POST", "/api/v1/session", json, '{"username":"bench","password":"wrong-password"}'),
    wrk.format("DELETE", "/api/v1/session"),
    wrk.format("GET", "/api/v1/users/0"),
    wrk.format("POST", "/api/v1/session", json, '[1,2,3]'),
  }
  i = 0
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body)
  local k = math.floor(status / 100)
  if k >= 1 and k <= 5 then counts[k] = counts[k] + 1 end
end

function done(summary, latency, requests)
  local c = {0, 0, 0, 0, 0}
  for _, t in ipairs(threads) do
    local tc = t:get("counts")
    for k = 1, 5 do c[k] = c[k] + tc[k] end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"rps":%.1f,"p99_ms":%.3f,"s2xx":%d,"s3xx":%d,"s4xx":%d,"s5xx":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    c[2], c[3], c[4], c[5], e.connect + e.read + e.write, e.timeout))
end
