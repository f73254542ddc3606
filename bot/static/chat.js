// esf-guide chat page: talks to the JSON API of chat-api.md. Everything the server
// sends is shown with textContent (never as HTML). The conversation is redrawn from
// GET /api/sessions/{id}/messages, so it survives a reload; messages that reach it outside a
// turn (hotline staff, platform notices) arrive over GET /api/sessions/{id}/stream (server-sent
// events, resumed by the browser with Last-Event-ID), or by polling every few seconds while the
// stream is not open (no EventSource, an error, a proxy that cuts it).
"use strict";

const UI = {
  "zh": { title: "二手房自助交易办事助手", placeholder: "请输入您的问题或回答", send: "发送", lang: "语言",
          log: "对话记录", input: "输入消息", you: "您", assistant: "助手", staff: "人工客服", platform: "平台通知",
          error: "网络好像出了问题，请稍后再试。", busy: "发送太频繁了，请稍等片刻。", step: "第{c}步/共{t}步" },
  "zh-Hant": { title: "二手房自助交易辦事助手", placeholder: "請輸入您的問題或回答", send: "發送", lang: "語言",
          log: "對話記錄", input: "輸入訊息", you: "您", assistant: "助手", staff: "人工客服", platform: "平台通知",
          error: "網絡好像出了問題，請稍後再試。", busy: "發送太頻繁了，請稍等片刻。", step: "第{c}步/共{t}步" },
  "en": { title: "Second-hand housing guide", placeholder: "Type your question or answer", send: "Send", lang: "Language",
          log: "Conversation", input: "Your message", you: "You", assistant: "Assistant", staff: "Hotline staff",
          platform: "Platform notice", error: "The connection seems to have a problem; please try again.",
          busy: "Too many messages at once; please wait a moment.", step: "Step {c} of {t}" },
};
const KEY = "esf-guide.session";
const LANG_KEY = "esf-guide.lang";
const $ = (id) => document.getElementById(id);
let sessionId = localStorage.getItem(KEY);
let lang = localStorage.getItem(LANG_KEY) || "zh";
let lastSeq = 0;
let sending = false;
let source = null;      // the EventSource of the open stream, if any
let retryTimer = null;  // a new stream after a refused one

function t(key) { return (UI[lang] || UI.zh)[key]; }

function applyLanguage() {
  document.documentElement.lang = lang === "en" ? "en" : (lang === "zh-Hant" ? "zh-Hant" : "zh-CN");
  $("title").textContent = t("title");
  document.title = t("title");
  $("text").placeholder = t("placeholder");
  $("send").textContent = t("send");
  $("lang-label").textContent = t("lang");
  $("text-label").textContent = t("input");
  $("log").setAttribute("aria-label", t("log"));
  $("lang").value = lang;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

function render(message) {
  if (message.seq <= lastSeq) return;  // the stream and a turn's sync may both bring it
  const log = $("log");
  const bubble = document.createElement("div");
  bubble.className = "msg " + message.from;
  bubble.dataset.seq = message.seq;
  if (message.from === "staff" || message.from === "platform") {
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = t(message.from);
    bubble.appendChild(who);
  }
  const text = document.createElement("span");
  text.textContent = message.text;
  bubble.appendChild(text);
  if (message.buttons && message.buttons.length) {
    const chips = document.createElement("div");
    chips.className = "chips";
    for (const b of message.buttons) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = b.title;
      chip.addEventListener("click", () => send({ text: b.title, payload: b.payload }));
      chips.appendChild(chip);
    }
    bubble.appendChild(chips);
  }
  log.appendChild(bubble);
  lastSeq = Math.max(lastSeq, message.seq);
}

function disableOldChips() {
  const bubbles = [...document.querySelectorAll(".msg")];
  const lastUser = bubbles.map((b) => b.classList.contains("user")).lastIndexOf(true);
  bubbles.forEach((b, i) => {
    if (i < lastUser) b.querySelectorAll(".chip").forEach((c) => { c.disabled = true; });
  });
}

async function sync() {
  if (!sessionId) return;
  const data = await api("GET", `/api/sessions/${encodeURIComponent(sessionId)}/messages?after=${lastSeq}`);
  for (const m of data.messages) render(m);
  if (data.messages.length) {
    disableOldChips();
    $("log").scrollTop = $("log").scrollHeight;
  }
}

function streaming() { return source !== null && source.readyState === EventSource.OPEN; }

function listen() {
  if (source) source.close();
  source = null;
  clearTimeout(retryTimer);
  if (!sessionId || !window.EventSource) return;  // polling only
  const es = new EventSource(`/api/sessions/${encodeURIComponent(sessionId)}/stream?after=${lastSeq}`);
  source = es;
  es.onmessage = (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch (error) { return; }
    if (message.seq <= lastSeq) return;
    render(message);
    disableOldChips();
    $("log").scrollTop = $("log").scrollHeight;
  };
  es.onerror = () => {
    // CONNECTING: the browser retries by itself (polling covers the gap); CLOSED: refused, try later
    if (es.readyState === EventSource.CLOSED && source === es) {
      source = null;
      retryTimer = setTimeout(listen, 30000);
    }
  };
}

function showProgress(state) {
  const p = state && state.progress;
  $("progress").hidden = !p;
  if (!p) {
    localStorage.removeItem(KEY + ".progress");
    return;
  }
  $("progress-text").textContent = t("step").replace("{c}", p.current).replace("{t}", p.total);
  $("progress-fill").style.width = `${Math.round((100 * p.current) / p.total)}%`;
  $("progress-bar").setAttribute("aria-valuenow", p.current);
  $("progress-bar").setAttribute("aria-valuemax", p.total);
  localStorage.setItem(KEY + ".progress", JSON.stringify(p));
}

async function newSession() {
  // The language goes with a new session only once the person chose one (the 简/繁/EN switch):
  // otherwise the assistant follows the language the person writes in.
  const chosen = localStorage.getItem(LANG_KEY);
  const created = await api("POST", "/api/sessions", chosen ? { lang: chosen } : {});
  sessionId = created.session_id;
  localStorage.setItem(KEY, sessionId);
  lastSeq = 0;
  $("log").textContent = "";
  listen();
}

async function send(body) {
  if (sending) return;
  sending = true;
  $("status").textContent = "";
  try {
    if (!sessionId) await newSession();
    let turn;
    try {
      turn = await api("POST", "/api/chat", { session_id: sessionId, ...body });
    } catch (error) {
      if (error.status !== 404) throw error;
      await newSession();  // the session expired: start a new one
      turn = await api("POST", "/api/chat", { session_id: sessionId, ...body });
    }
    showProgress(turn.state);
    await sync();
  } catch (error) {
    $("status").textContent = error.status === 429 ? t("busy") : t("error");
  } finally {
    sending = false;
  }
}

$("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  send({ text });
});

$("lang").addEventListener("change", () => {
  lang = $("lang").value;
  localStorage.setItem(LANG_KEY, lang);
  applyLanguage();
  send({ payload: `/lang ${lang}`, text: $("lang").selectedOptions[0].textContent });
});

async function start() {
  applyLanguage();
  const saved = localStorage.getItem(KEY + ".progress");
  if (saved) showProgress({ progress: JSON.parse(saved) });
  try {
    if (sessionId) {
      await sync();
      if (lastSeq === 0) await send({ text: null });
    } else {
      await send({ text: null });  // the greeting
    }
  } catch (error) {
    if (error.status === 404) {
      sessionId = null;
      await send({ text: null });
    } else {
      $("status").textContent = t("error");
    }
  }
  if (!source) listen();
  setInterval(() => { if (!sending && !streaming()) sync().catch(() => {}); }, 3000);
}

start();
