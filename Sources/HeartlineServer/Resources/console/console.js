// The counsellors' console: lists open handoffs with their recent turns, sends replies and closes
// conversations through the JSON API, and polls for changes. The token stays in this tab only.
"use strict";

const state = { token: sessionStorage.getItem("heartline.handoff.token") || "", name: sessionStorage.getItem("heartline.handoff.name") || "", drafts: {} };
const $ = (selector) => document.querySelector(selector);
const pollMs = 2000;

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || ("HTTP " + response.status));
  return body;
}

function text(element, value) { element.textContent = value == null ? "" : String(value); }

function render(conversations) {
  const main = $("#conversations");
  // Keep what counsellors are typing across refreshes.
  for (const area of main.querySelectorAll("textarea")) state.drafts[area.dataset.id] = area.value;
  main.replaceChildren();
  if (conversations.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    text(empty, "没有等待中的对话。No open conversations.");
    main.append(empty);
    return;
  }
  for (const conversation of conversations) main.append(card(conversation));
}

function card(conversation) {
  const node = $("#conversation").content.firstElementChild.cloneNode(true);
  node.dataset.id = conversation.id;
  node.classList.add(conversation.reason);
  text(node.querySelector(".channel"), conversation.channel);
  text(node.querySelector(".reason"), conversation.reason);
  const stateLabel = node.querySelector(".state");
  text(stateLabel, conversation.status);
  stateLabel.classList.add(conversation.status);
  text(node.querySelector(".opened"), new Date(conversation.openedAt).toLocaleString());
  const list = node.querySelector(".messages");
  for (const message of conversation.messages) {
    const item = document.createElement("li");
    item.className = message.from;
    const meta = document.createElement("span");
    meta.className = "meta";
    text(meta, (message.counsellor ? message.from + " · " + message.counsellor : message.from) + " · " + new Date(message.at).toLocaleTimeString());
    const body = document.createElement("span");
    body.className = "text";
    text(body, message.text);
    item.append(meta, body);
    list.append(item);
  }
  const form = node.querySelector("form.reply");
  const area = form.querySelector("textarea");
  area.dataset.id = conversation.id;
  area.value = state.drafts[conversation.id] || "";
  const result = form.querySelector(".result");
  const closed = conversation.status === "closed";
  for (const control of form.querySelectorAll("textarea, button")) control.disabled = closed;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const sent = await api("/v1/handoff/conversations/" + conversation.id + "/messages", {
        method: "POST", body: JSON.stringify({ text: area.value, counsellor: state.name }),
      });
      state.drafts[conversation.id] = "";
      area.value = "";
      text(result, sent.delivered ? "" : "未送达 not delivered: " + sent.reason);
      await refresh();
    } catch (error) { text(result, error.message); }
  });
  form.querySelector("button.close").addEventListener("click", async () => {
    try {
      await api("/v1/handoff/conversations/" + conversation.id + "/close", { method: "POST", body: JSON.stringify({ counsellor: state.name }) });
      await refresh();
    } catch (error) { text(result, error.message); }
  });
  requestAnimationFrame(() => { list.scrollTop = list.scrollHeight; });
  return node;
}

async function refresh() {
  if (!state.token) return;
  try {
    const query = $("#show-closed").checked ? "?status=all" : "";
    const body = await api("/v1/handoff/conversations" + query);
    render(body.conversations);
    text($("#status"), "已更新 updated " + new Date().toLocaleTimeString());
    if (state.selftest && state.selftest.length) runSelftest();
  } catch (error) {
    text($("#status"), "错误 error: " + error.message);
  }
}

// `#token=…&name=…` (a fragment never reaches the server) signs in and is then removed from the
// address bar. `&selftest=reply,close` makes the page answer and close the first conversation
// through its own controls, and mark the outcome on <body data-selftest> (the browser test).
function signInFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("token")) {
    state.token = params.get("token");
    state.name = params.get("name") || "console";
    sessionStorage.setItem("heartline.handoff.token", state.token);
    sessionStorage.setItem("heartline.handoff.name", state.name);
  }
  state.selftest = (params.get("selftest") || "").split(",").filter(Boolean);
  history.replaceState(null, "", location.pathname + location.search);
}

async function runSelftest() {
  const steps = state.selftest;
  state.selftest = [];
  const card = document.querySelector(".conversation");
  if (!card) { document.body.dataset.selftest = "no-conversation"; return; }
  try {
    if (steps.includes("reply")) {
      card.querySelector("textarea").value = "selftest: 我在这里陪你";
      card.querySelector("form.reply").requestSubmit();
      await waitFor(() => Array.from(document.querySelectorAll(".messages li.counsellor")).some((li) => li.textContent.includes("selftest")));
    }
    if (steps.includes("close")) {
      document.querySelector(".conversation button.close").click();
      await waitFor(() => !document.querySelector(".conversation") || document.querySelector(".empty"));
    }
    document.body.dataset.selftest = "done";
  } catch (error) {
    document.body.dataset.selftest = "failed: " + error.message;
  }
}

function waitFor(condition, timeoutMs = 8000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error("timed out"));
      setTimeout(tick, 50);
    };
    tick();
  });
}

$("#login").addEventListener("submit", (event) => {
  event.preventDefault();
  state.token = $("#token").value.trim();
  state.name = $("#name").value.trim();
  sessionStorage.setItem("heartline.handoff.token", state.token);
  sessionStorage.setItem("heartline.handoff.name", state.name);
  refresh();
});
$("#show-closed").addEventListener("change", refresh);
signInFromFragment();
$("#token").value = state.token;
$("#name").value = state.name;
setInterval(() => {
  // Do not redraw under a counsellor who is typing.
  if (document.activeElement && document.activeElement.tagName === "TEXTAREA") return;
  refresh();
}, pollMs);
refresh();
