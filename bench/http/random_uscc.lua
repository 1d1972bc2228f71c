-- random_uscc.lua: each request asks for a random enterprise's path: the path template's "{uscc}" is replaced by
-- a USCC drawn from the file named by the USCC_FILE environment variable (one per line). Reports like report.lua.
dofile("bench/http/report.lua")
local usccs = {}
local template

function init(args)
  for line in io.lines(os.getenv("USCC_FILE")) do usccs[#usccs + 1] = line end
  template = wrk.path
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local path = template:gsub("{uscc}", usccs[math.random(#usccs)])
  return wrk.format("GET", path)
end
