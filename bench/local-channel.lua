-- wrk script: POST distinct everyday questions from 5,000 users to the local channel, and count
-- the replies by `source` (retrieval = answered by the embedded model). Every text is distinct
-- (it carries the message counter), so no repeat check or cache answers it. The first script
-- argument prefixes every message id, so that several wrk processes never send the same id:
--   wrk ... -s bench/local-channel.lua URL -- PREFIX
local counter = 0
-- The values of Reply.Source (Sources/ChatCore/Reply.swift), and "other" for anything else.
local known = { "retrieval", "model", "fallback", "crisis", "concern", "outputReplaced", "fixed", "blocked", "failSafe", "handoff", "other" }
local threads = {}
local prefix = "p"
local users = 5000
local openings = {
  "这两周", "最近一个月", "开学以后", "换了工作之后", "搬家以后", "考试前", "分手之后", "放假在家",
}
local questions = {
  "总是失眠，晚上翻来覆去睡不着，该怎么调整",
  "和室友关系很僵，每天回宿舍都很压抑，怎么相处",
  "工作压力太大了，领导天天催进度，怎么缓解",
  "刷短视频停不下来，一刷就到凌晨，怎么戒掉",
  "一坐下学习就心慌，注意力集中不了怎么办",
  "和父母一说话就吵架，怎么沟通比较好",
  "总觉得自己不如别人，很自卑，怎么建立自信",
  "社交的时候特别紧张，不敢主动说话怎么办",
  "对什么都提不起兴趣，整个人很疲惫，怎么办",
  "总是拖延，事情堆到最后才做，怎么改",
}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  for _, k in ipairs(known) do _G["count_" .. k] = 0 end
  if args[1] then prefix = args[1] end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local n = counter * 2 + tid
  local text = string.format("%s%s，已经持续了%d天", openings[(n % #openings) + 1], questions[(math.floor(n / #openings) % #questions) + 1], n)
  local body = string.format('{"user":"%s-u%d","text":"%s","id":"%s-t%d-%d"}',
    prefix, (counter * 7 + tid * 131) % users, text, prefix, tid, counter)
  return wrk.format("POST", "/v1/local/messages", nil, body)
end

-- wrk copies only plain values between a thread and the main state, so each source is counted in
-- a global number of its own (count_<source>) and summed in done().

function response(status, headers, body)
  local source = string.match(body, '"source":"(%w+)"') or "other"
  local name = "count_" .. source
  if _G[name] == nil then name = "count_other" end
  _G[name] = _G[name] + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for _, k in ipairs(known) do
      local v = thread:get("count_" .. k) or 0
      if v > 0 then total[k] = (total[k] or 0) + v end
    end
  end
  io.write(string.format("non-2xx: %d, errors: connect %d read %d write %d timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  local all = 0
  for _, v in pairs(total) do all = all + v end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format("%s=%d (%.1f%%)", k, v, 100 * v / math.max(all, 1))) end
  table.sort(parts)
  io.write("SOURCES " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
