-- wrk script: a stream of distinct Telegram updates (B.10 shape, private text messages) posted to
-- the webhook with the secret header. update_ids are unique per run and per thread; users are
-- spread over 20,000 ids so the per-user ordering does not serialise the run.
local threads = {}
local secret = os.getenv("BENCH_SECRET") or "bench_secret-123"
local base = tonumber(os.getenv("BENCH_ID_BASE") or "1000000")

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local counter = 0
local texts = {
  "最近工作压力很大，晚上总是睡不着，该怎么调整？",
  "和父母吵架了，心里很难受，不知道怎么和好",
  "I keep worrying about exams and can't focus. What can I do?",
  "马上要考试了，总是紧张焦虑怎么办",
}

function request()
  counter = counter + 1
  local id = base + tid * 100000000 + counter
  local user = 100000 + tid * 10000 + (counter % 10000)
  local text = texts[(counter % #texts) + 1]
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"date":1718000000,"from":{"id":%d,"is_bot":false,"first_name":"B","language_code":"zh-hans"},"chat":{"id":%d,"type":"private"},"text":"%s"}}',
    id, counter, user, user, text)
  return wrk.format("POST", "/telegram/webhook",
    { ["Content-Type"] = "application/json", ["X-Telegram-Bot-Api-Secret-Token"] = secret }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  io.write(string.format(
    "RESULT requests=%d ok=%d non2xx=%d socket_errors=%d seconds=%.2f ok_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, ok, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
