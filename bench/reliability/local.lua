-- wrk script for the local channel: unique ids, a bounded pool of users, optional pacing.
--   wrk -s local.lua http://127.0.0.1:PORT -- RUN_PREFIX DELAY_MS USERS
-- Prints one JSON line at the end (requests, errors, latency percentiles in ms).
local threads = {}
local next_id = 1

function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local questions = {
    "最近总是失眠怎么办", "我和父母总是吵架", "工作压力很大，感觉喘不过气", "考试前特别焦虑",
    "I feel lonely after moving to a new city", "How can I stop overthinking at night",
    "和朋友闹矛盾了，不知道怎么开口", "感觉自己什么都做不好",
}

function init(args)
    prefix = (args[1] or "run") .. "-" .. tostring(tid)
    pause = tonumber(args[2] or "0")
    users = tonumber(args[3] or "2000")
    counter = 0
    math.randomseed(os.time() + tid * 7919)
end

function request()
    counter = counter + 1
    local user = "soak-" .. tostring(math.random(1, users))
    local q = questions[math.random(1, #questions)]
    local body = string.format('{"user":"%s","text":"%s #%d","id":"%s-%d"}', user, q, counter, prefix, counter)
    return wrk.format("POST", "/v1/local/messages", { ["Content-Type"] = "application/json" }, body)
end

function delay()
    return pause
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRKJSON {"requests":%d,"duration_us":%d,"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
        '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\n',
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
