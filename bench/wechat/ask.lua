-- wrk script: asks the mini-program Q&A API with session tokens read from $TOKENS (one per line),
-- rotating users so the per-user rate limit and per-user ordering do not dominate.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS") or "/tmp/heartline-tokens.txt") do tokens[#tokens + 1] = line end
  questions = { "最近总是失眠怎么办", "工作压力很大，喘不过气", "和父母吵架了，心里很难受", "考试前特别紧张", "不知道怎么和朋友开口" }
  n = id
  failures = 0
end

function request()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  local body = string.format('{"question":"%s"}', questions[(n % #questions) + 1])
  return wrk.format("POST", "/wechat/miniprogram/ask", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  io.write(string.format("non-200 answers: %d\n", failed))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("p%s latency: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
