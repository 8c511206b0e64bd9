-- wrk script: POST distinct messages from 1,000 users to the local channel. The first script
-- argument prefixes every message id, so that several wrk processes never send the same id:
--   wrk ... -s bench/local-channel.lua URL -- PREFIX
local counter = 0
local threads = {}
local prefix = "p"
local texts = {
  "最近总是失眠，晚上翻来覆去睡不着怎么办",
  "和室友关系很僵，每天回宿舍都很压抑",
  "工作压力太大了，领导天天催进度",
  "刷短视频停不下来，一刷就到凌晨",
  "考研二战，每天一坐下就心慌",
  "I can't stop overthinking at night and it's ruining my sleep",
}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  if args[1] then prefix = args[1] end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format('{"user":"%s-u%d","text":"%s","id":"%s-t%d-%d"}',
    prefix, (counter * 7 + tid * 131) % 1000, texts[(counter % #texts) + 1], prefix, tid, counter)
  return wrk.format("POST", "/v1/local/messages", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d, errors: connect %d read %d write %d timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
