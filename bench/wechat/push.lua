-- wrk script: replays pre-generated signed safe-mode pushes (gen_pushes.py), each thread its own
-- slice, so every request carries a new MsgId. Non-"success" answers are counted and reported.
local threads = {}
local file = os.getenv("PUSHES") or "/tmp/heartline-pushes.tsv"

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local count = tonumber(os.getenv("THREADS") or "2")
  local i = 0
  for line in io.lines(file) do
    if i % count == id then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
    end
    i = i + 1
  end
  next_index = 1
  failures = 0
  wrapped = 0
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then
    next_index = 1
    wrapped = wrapped + 1
  end
  return wrk.format("POST", (os.getenv("PUSH_PATH") or "/wechat/push") .. r[1], { ["Content-Type"] = "application/json" }, r[2])
end

function response(status, headers, body)
  if status ~= 200 or body ~= "success" then failures = failures + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  local wraps = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    wraps = wraps + thread:get("wrapped")
  end
  io.write(string.format("non-success answers: %d; request list wrapped %d times (wrapped requests are duplicates)\n", failed, wraps))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("p%s latency: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
