// Heartline simulator UI: plain JavaScript, no build step. Talks to /simulator/api/*.
"use strict";
const $ = (id) => document.getElementById(id);
const kinds = {
  telegram: ["text", "group", "reply", "photo", "edited"],
  wechat: ["text", "image", "event"],
  miniprogram: ["text"],
};
let faults = {};
let busy = false;

async function api(path, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 180000); // every wait has a deadline
  try {
    const response = await fetch("/simulator/api/" + path, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
    return data;
  } finally {
    clearTimeout(timer);
  }
}

function add(cls, text) {
  const div = document.createElement("div");
  div.className = "msg " + cls;
  div.textContent = text;
  $("log").appendChild(div);
  div.scrollIntoView({ block: "end" });
  return div;
}

function render(exchange) {
  if (exchange.error) add("error", exchange.error).dataset.role = "error";
  (exchange.notes || []).forEach((note) => add("system", note));
  exchange.replies.forEach((reply) => {
    const div = add("bot", reply);
    div.dataset.role = "reply";
  });
  if (exchange.replies.length === 0 && !exchange.error) add("system", "no reply").dataset.role = "no-reply";
  const last = $("log").lastElementChild;
  const meta = document.createElement("div");
  meta.className = "meta";
  if (exchange.tier) {
    const tier = document.createElement("span");
    tier.className = "tier tier-" + exchange.tier;
    tier.dataset.role = "tier";
    tier.textContent = exchange.tier + (exchange.tierSource === "inferred" ? " (inferred)" : "");
    meta.appendChild(tier);
    meta.appendChild(document.createTextNode(" "));
  }
  const deliveries = exchange.deliveries.map((d) => d.status || d.outcome).join(", ");
  meta.appendChild(document.createTextNode(exchange.latencyMs + " ms · " + exchange.replies.length + " repl" + (exchange.replies.length === 1 ? "y" : "ies") + " · deliveries: " + deliveries));
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "wire (" + exchange.wire.length + " payloads)";
  details.appendChild(summary);
  exchange.wire.forEach((w) => {
    const arrow = { "to-heartline": "→ Heartline", "from-heartline": "← Heartline", "heartline-to-platform": "Heartline → platform" }[w.direction] || w.direction;
    const pre = document.createElement("pre");
    pre.textContent = arrow + "  " + w.label + (w.body ? "\n" + w.body : "");
    details.appendChild(pre);
  });
  meta.appendChild(details);
  last.appendChild(meta);
}

function who() {
  return { platform: $("platform").value, user: $("user").value.trim() || "alice" };
}

// Messages that reach the chat unasked (a counsellor answering a handoff) are polled for while
// the page is idle, past the total the last exchange reported for that user.
const seen = {};

async function pollUnasked() {
  const { platform, user } = who();
  const key = platform + ":" + user;
  if (busy || platform === "miniprogram" || seen[key] === undefined) return;
  try {
    const result = await api("messages?platform=" + encodeURIComponent(platform) + "&user=" + encodeURIComponent(user) + "&after=" + seen[key]);
    if (busy) return;
    result.messages.forEach((text) => { add("bot unasked", text).dataset.role = "unasked"; });
    seen[key] = result.total;
  } catch (error) { /* the next poll tries again */ }
}

async function act(label, fn) {
  if (busy) return;
  busy = true;
  document.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    const exchange = await fn();
    if (typeof exchange.total === "number") seen[exchange.platform + ":" + exchange.user] = exchange.total;
    render(exchange);
  } catch (error) {
    add("error", label + ": " + error.message).dataset.role = "error";
  } finally {
    busy = false;
    document.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

async function send(event) {
  if (event) event.preventDefault();
  const text = $("text").value;
  const kind = $("kind").value;
  if (!text.trim() && !["photo", "image", "event", "edited"].includes(kind)) return;
  $("text").value = "";
  add("user", text || "[" + kind + "]").dataset.role = "sent";
  await act("send", () => api("send", { ...who(), text, kind, format: $("format").value }));
}

function refreshKinds() {
  const platform = $("platform").value;
  $("kind").innerHTML = "";
  kinds[platform].forEach((k) => $("kind").add(new Option(k, k)));
  $("formatLabel").style.display = platform === "wechat" ? "" : "none";
  $("fault").innerHTML = "";
  (faults[platform] || []).forEach((f) => $("fault").add(new Option(f, f)));
}

async function start() {
  $("composer").addEventListener("submit", send);
  $("platform").addEventListener("change", refreshKinds);
  $("duplicate").addEventListener("click", () => {
    add("system", "the platform delivers the last message twice more, at the same time");
    act("duplicate", async () => {
      const [first, second] = await Promise.all([api("redeliver", who()), api("redeliver", who())]);
      render(first);
      return second;
    });
  });
  $("redeliver").addEventListener("click", () => act("retry", () => api("redeliver", who())));
  $("reset").addEventListener("click", async () => {
    $("log").innerHTML = "";
    await act("reset", () => api("reset", who()));
  });
  $("inject").addEventListener("click", async () => {
    try {
      const result = await api("fault", { platform: $("platform").value, fault: $("fault").value });
      add("system", "injected: " + result.injected);
    } catch (error) {
      add("error", "fault: " + error.message);
    }
  });
  try {
    const info = await api("info");
    faults = info.faults || {};
    $("status").textContent = "Heartline at " + (info.heartline || "?") + " · platforms: " + info.platforms.join(", ") + (info.wechatMode ? " · WeChat " + info.wechatMode + " mode" : "");
    [...$("platform").options].forEach((o) => (o.disabled = !info.platforms.includes(o.value)));
  } catch (error) {
    $("status").textContent = "simulator not reachable: " + error.message;
  }
  refreshKinds();
  setInterval(pollUnasked, 2000);
  if (new URLSearchParams(location.search).has("selftest")) selfTest();
}

// ?selftest=1: drives this page like a user (type, click, read the DOM) and reports what it saw to
// /simulator/api/ui-report, so that a headless browser test can check the rendered page.
async function selfTest() {
  const report = { steps: [] };
  const until = async (predicate, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) { if (predicate()) return true; await new Promise((r) => setTimeout(r, 50)); }
    return false;
  };
  try {
    const params = new URLSearchParams(location.search);
    $("platform").value = params.get("platform") || "telegram";
    refreshKinds();
    $("user").value = params.get("user") || "selftest";
    $("text").value = params.get("text") || "最近总是失眠怎么办";
    $("send").click();
    const replied = await until(() => document.querySelectorAll('[data-role="reply"]').length >= 1 && !busy, 60000);
    report.replies = document.querySelectorAll('[data-role="reply"]').length;
    report.tier = (document.querySelector('[data-role="tier"]') || {}).textContent || null;
    report.steps.push(replied ? "reply rendered" : "no reply rendered");
    $("duplicate").click();
    await until(() => !busy && document.querySelectorAll(".meta").length >= 3, 60000);
    report.steps.push("duplicate delivered");
    report.repliesAfterDuplicate = document.querySelectorAll('[data-role="reply"]').length;
    report.noReplyMarkers = document.querySelectorAll('[data-role="no-reply"]').length;
    report.errors = [...document.querySelectorAll('[data-role="error"]')].map((e) => e.textContent);
    report.ok = replied && report.replies === 1 && report.repliesAfterDuplicate === 1 && report.errors.length === 0;
  } catch (error) {
    report.ok = false;
    report.exception = String(error);
  }
  document.body.dataset.selftest = report.ok ? "passed" : "failed";
  await fetch("/simulator/api/ui-report", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(report) });
}

start();
