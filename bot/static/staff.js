// esf-guide staff page (12345 hotline): the handoff queue, one conversation, the FAQ and the
// situation panel. Signed in by an HttpOnly cookie; every POST carries the session's CSRF token
// (X-CSRF-Token). Everything the server sends is shown with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 4000;
const FROM = { user: "来电人", assistant: "助手", staff: "人工客服", platform: "平台通知" };
const NO_SECTIONS = "手册未列章节";
let csrf = null;
let me = null;
let openId = null;
let lastSeq = 0;
let timer = null;
let situationSeq = 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function status(text) { $("status").textContent = text || ""; }

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    error.status = response.status;
    error.code = data.error && data.error.code;
    error.retryAfter = response.headers.get("Retry-After");
    if (response.status === 401 && me) signedOut("登录已过期，请重新登录。");
    throw error;
  }
  return data;
}

function sectionsText(sections) {
  return sections && sections.length ? `手册 ${sections.join("、")}` : NO_SECTIONS;
}

// ----------------------------------------------------------------------------- sign-in
function signedIn(who) {
  me = who;
  csrf = who.csrf_token || null;
  $("who").textContent = `${who.username}（${who.role === "supervisor" ? "班长" : "坐席"}）`;
  $("signin-panel").hidden = true;
  $("desk").hidden = false;
  $("signout").hidden = false;
  $("keys").hidden = false;
  refreshQueue();
  askSituation();
  if (!timer) timer = setInterval(poll, POLL_MS);
  $("queue-h").focus();
}

function signedOut(message) {
  me = null;
  csrf = null;
  openId = null;
  if (timer) clearInterval(timer);
  timer = null;
  $("desk").hidden = true;
  $("signout").hidden = true;
  $("keys").hidden = true;
  $("who").textContent = "";
  $("conv").hidden = true;
  $("queue").textContent = "";
  $("signin-panel").hidden = false;
  $("signin-error").textContent = message || "";
  $("password").value = "";
  $("username").focus();
}

$("signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    $("signin-error").textContent = "请填写用户名和密码。";
    return;
  }
  try {
    const who = await api("POST", "/api/staff/login", { username, password, cookie: true });
    $("password").value = "";
    signedIn(who);
  } catch (error) {
    $("password").value = "";
    $("signin-error").textContent = error.status === 429
      ? `登录失败次数过多，请 ${error.retryAfter || "稍后"} 秒后再试。`
      : error.status === 401 ? "用户名或密码错误。" : "登录失败，请稍后再试。";
    $("password").focus();
  }
});

$("signout").addEventListener("click", async () => {
  try { await api("POST", "/api/staff/logout"); } catch (error) { /* signed out anyway */ }
  signedOut("已退出登录。");
});

// ----------------------------------------------------------------------------- the queue
function since(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const minutes = Math.max(0, Math.round((Date.now() - d.getTime()) / 60000));
  return `${d.toLocaleTimeString("zh-CN", { hour12: false })}（已等 ${minutes} 分钟）`;
}

async function refreshQueue() {
  if (!me) return;
  const data = await api("GET", "/api/staff/handoffs");
  const list = $("queue");
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.session : undefined;
  list.textContent = "";
  for (const h of data.handoffs) {
    const li = el("li");
    const button = el("button");
    button.type = "button";
    button.dataset.session = h.session_id;
    if (h.session_id === openId) button.setAttribute("aria-current", "true");
    button.appendChild(el("span", "line1", `${h.flow || "自由提问"} · ${h.step || "—"}`));
    button.appendChild(el("span", "line2", h.summary));
    button.appendChild(el("span", "line3", `等待自 ${since(h.since)}`));
    button.addEventListener("click", () => openConversation(h.session_id));
    li.appendChild(button);
    list.appendChild(li);
    if (focused === h.session_id) button.focus();
  }
  $("queue-count").textContent = `（${data.handoffs.length}）`;
  $("queue-empty").hidden = data.handoffs.length > 0;
}

// ----------------------------------------------------------------------------- one conversation
function clock(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? show(at) : d.toLocaleTimeString("zh-CN", { hour12: false });
}

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderState(state) {
  $("conv-summary").textContent = state.summary;
  const dl = $("conv-state");
  dl.textContent = "";
  const rows = [["流程", state.flow], ["步骤", state.step], ["语言", state.lang],
    ["等待人工", state.handoff ? "是" : "否"], ["等待自", state.since], ["接手人", state.taken_by]];
  for (const [k, v] of Object.entries(state.slots || {})) rows.push([k, v]);
  for (const [k, v] of Object.entries(state.results || {})) rows.push([`结果 ${k}`, v]);
  for (const [k, v] of rows) {
    dl.appendChild(el("dt", "", k));
    dl.appendChild(el("dd", "", show(v)));
  }
  const mine = me && state.taken_by === me.username;
  $("take").disabled = !state.handoff || Boolean(state.taken_by);
  $("take").textContent = mine ? "已由我接手" : state.taken_by ? `已由 ${state.taken_by} 接手` : "接手";
  $("close").disabled = !state.handoff;
}

async function loadConversation() {
  if (!openId) return;
  const id = openId;
  const data = await api("GET", `/api/staff/sessions/${encodeURIComponent(id)}`);
  if (id !== openId) return;
  renderState(data.state);
  const list = $("transcript");
  let added = false;
  for (const m of data.transcript) {
    if (m.seq <= lastSeq) continue;
    const li = el("li", m.from);
    li.appendChild(el("span", "from", `${FROM[m.from] || m.from} · ${clock(m.at)}`));
    li.appendChild(el("span", "", m.text));
    list.appendChild(li);
    lastSeq = m.seq;
    added = true;
  }
  if (added) list.scrollTop = list.scrollHeight;
}

async function openConversation(id) {
  openId = id;
  lastSeq = 0;
  $("transcript").textContent = "";
  $("conv").hidden = false;
  document.querySelectorAll("#queue button").forEach((b) => {
    if (b.dataset.session === id) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
  });
  try {
    await loadConversation();
    $("reply").focus();
  } catch (error) {
    status(`无法打开对话：${error.message}`);
  }
}

function hideConversation() {
  openId = null;
  $("conv").hidden = true;
  $("queue-h").focus();
}

async function act(action, body) {
  if (!openId) return;
  status("");
  try {
    await api("POST", `/api/staff/sessions/${encodeURIComponent(openId)}/${action}`, body);
    return true;
  } catch (error) {
    status(error.code === "held_by_other" ? "另一位同事正在处理这个对话。" : `操作失败：${error.message}`);
    return false;
  } finally {
    loadConversation().catch(() => {});
    refreshQueue().catch(() => {});
  }
}

$("take").addEventListener("click", () => act("take"));
$("close").addEventListener("click", async () => {
  if (await act("close")) {
    status("已结束人工服务，助手接着原来的步骤继续。");
    hideConversation();
  }
});
$("conv-hide").addEventListener("click", hideConversation);

async function sendReply() {
  const text = $("reply").value.trim();
  if (!text) return;
  if (await act("reply", { text })) $("reply").value = "";
  $("reply").focus();
}

$("reply-form").addEventListener("submit", (event) => { event.preventDefault(); sendReply(); });
$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    sendReply();
  }
});

// ----------------------------------------------------------------------------- copy as a text message
async function copyText(text, button) {
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch (error) { ok = false; }
  if (!ok) {  // fallback: a hidden textarea and the old copy command
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    area.remove();
    button.focus();
  }
  const note = button.nextElementSibling && button.nextElementSibling.classList.contains("copied")
    ? button.nextElementSibling : el("span", "copied");
  note.setAttribute("role", "status");
  note.textContent = ok ? "已复制" : "复制失败，请手动选择文字";
  button.after(note);
}

function copyButton(label, textFn) {
  const button = el("button", "copy", label);
  button.type = "button";
  button.addEventListener("click", () => copyText(textFn(), button));
  return button;
}

function asMessage(text, sections) {
  const basis = sections && sections.length ? `（依据：《二手房自助交易系统用户操作手册》${sections.join("、")}）` : "";
  return `【12345】${text}${basis}`;
}

// ----------------------------------------------------------------------------- the FAQ
$("faq-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("faq-q").value.trim();
  const out = $("faq-results");
  if (!q) return;
  out.textContent = "";
  try {
    const data = await api("POST", "/api/faq", { q, k: 3 });
    if (data.fallback) out.appendChild(el("p", "card no", data.message || "手册没有覆盖这个问题。"));
    data.answers.forEach((a, i) => {
      const card = el("article", "card faq-answer");
      card.appendChild(el("h3", "", `${i + 1}. ${a.question}`));
      card.appendChild(el("p", "", a.answer));
      card.appendChild(el("p", "sections", `${sectionsText(a.sections)} · 匹配度 ${a.score.toFixed(2)}`));
      card.appendChild(copyButton("复制为短信", () => asMessage(a.answer, a.sections)));
      for (const section of a.sections || []) addManualExcerpt(card, section);
      out.appendChild(card);
    });
  } catch (error) {
    out.appendChild(el("p", "card no", `搜索失败：${error.message}`));
  }
});

// The manual's own words for a cited section (GET /api/staff/manual/{section}); fetched once per
// section; no manual on the server (404) or any other failure: no excerpt, nothing else changes.
const manualCache = new Map();

function manualText(section) {
  if (!manualCache.has(section)) {
    manualCache.set(section, api("GET", `/api/staff/manual/${encodeURIComponent(section)}`).catch(() => null));
  }
  return manualCache.get(section);
}

async function addManualExcerpt(card, section) {
  const found = await manualText(section);
  if (!found) return;
  const details = el("details", "manual");
  details.dataset.section = found.section;
  details.appendChild(el("summary", "", `手册原文 ${found.section} ${found.title}`));
  details.appendChild(el("blockquote", "", found.text));
  card.appendChild(details);
}

// ----------------------------------------------------------------------------- case lookup
const CASE_ROLE = { seller: "卖方", buyer: "买方", counter_staff: "窗口", back_office: "审核部门" };

function renderCase(c) {
  const root = $("case-result");
  root.textContent = "";
  const box = card(`合同 ${c.contract_id}`, "case-card");
  box.appendChild(el("p", "case-status", c.status_text));
  const facts = el("dl", "case-facts");
  const add = (k, v) => { facts.appendChild(el("dt", "", k)); facts.appendChild(el("dd", "", v)); };
  add("签署方式", c.signing === "online" ? "线上签署" : "线下签署");
  add("房屋用途", c.usage === "residential" ? "住宅" : "非住宅");
  add("备案", c.filing_required ? "须备案" : "无须备案");
  add("轮到", c.turn.length ? c.turn.map((r) => CASE_ROLE[r] || r).join("、") : "—");
  for (const [role, actions] of Object.entries(c.next)) {
    add(`${CASE_ROLE[role] || role}可做`, actions.length ? actions.map((a) => a.text).join("、") : "—");
  }
  if (c.cancellation) add("注销", `${c.cancellation.kind} · ${c.cancellation.status}（手册 ${c.cancellation.section}）`);
  if (c.filing_stamp) add("备案章", c.filing_stamp);
  box.appendChild(facts);
  if (c.missing.length) {
    box.appendChild(el("p", "", "还缺："));
    const ul = el("ul", "case-missing");
    for (const m of c.missing) ul.appendChild(el("li", "", m));
    box.appendChild(ul);
  }
  const ol = el("ol", "steps");
  for (const s of c.steps) ol.appendChild(el("li", "", `${s.title}（手册 ${s.section}）`));
  box.appendChild(ol);
  for (const p of c.parties) {
    const sig = p.signature ? ` · 签署：${p.signature === "signed" ? "已签" : "未签"}` : "";
    box.appendChild(el("p", "case-party", `${CASE_ROLE[p.role] || p.role} ${p.name} ${p.id_number}${sig}`));
  }
  root.appendChild(box);
}

$("case-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = $("case-id").value.trim();
  if (!id) return;
  const root = $("case-result");
  root.textContent = "";
  try {
    renderCase(await api("GET", `/api/staff/cases/${encodeURIComponent(id)}`));
  } catch (error) {
    const text = error.status === 404 ? "平台上没有这个合同编号，请和来电人核对。"
      : error.status === 503 ? "暂时连不上平台，请稍后再查。" : `查询失败：${error.message}`;
    root.appendChild(el("p", "card no", text));
  }
});

// ----------------------------------------------------------------------------- the situation panel
function situationBody() {
  const body = { seller: {}, buyer: {} };
  for (const input of $("situation").querySelectorAll("[data-field]")) {
    const value = input.type === "checkbox" ? input.checked : input.value;
    if (input.dataset.party) body[input.dataset.party][input.dataset.field] = value;
    else body[input.dataset.field] = value;
  }
  return body;
}

const ROLE = { seller: "卖方", buyer: "买方" };

function card(title, className) {
  const c = el("article", `card ${className || ""}`);
  c.appendChild(el("h3", "", title));
  return c;
}

function errorText(out) { return out.error ? `无法判断：${out.error.message}` : null; }

function renderSituation(data) {
  const root = $("sit-result");
  root.textContent = "";
  const lines = [];

  const sign = card("签署方式", "sit-signing");
  const opts = data.signing_options;
  if (opts.error) sign.appendChild(el("p", "no", errorText(opts)));
  else {
    const verdict = opts.online_allowed ? "可线上签署（也可线下）" : "只能线下签署";
    sign.appendChild(el("p", opts.online_allowed ? "ok" : "no", verdict));
    lines.push(`签署方式：${verdict}。`);
    const chosen = data.signing === "online" ? "线上签署" : "线下签署";
    sign.appendChild(el("p", "", `以下按「${chosen}」判断。`));
    for (const r of opts.reasons) {
      const p = el("p", "reason");
      p.textContent = r.message;
      sign.appendChild(p);
      sign.appendChild(el("p", "sections", sectionsText(r.sections)));
      lines.push(r.message);
    }
    if (!opts.reasons.length) sign.appendChild(el("p", "sections", sectionsText(opts.sections)));
  }
  root.appendChild(sign);

  const steps = card("办理步骤", "sit-steps");
  if (data.contract_steps.error) steps.appendChild(el("p", "no", errorText(data.contract_steps)));
  else {
    const ol = el("ol", "steps");
    for (const s of data.contract_steps.steps) {
      const li = el("li", "", `${s.title}（手册 ${s.section}）`);
      li.dataset.code = s.code;
      ol.appendChild(li);
      lines.push(`${ol.children.length}. ${s.title}（${s.section}）`);
    }
    steps.appendChild(ol);
    steps.appendChild(el("p", "sections",
      `${data.filing_required ? "须办理合同备案" : "无须备案（工业楼宇或企业之间的非住宅）"} · ${sectionsText(data.filing_sections)}`));
  }
  root.appendChild(steps);

  const docs = card("可用证件类型", "sit-docs");
  for (const role of ["seller", "buyer"]) {
    const d = data.doc_types[role];
    docs.appendChild(el("p", d.error ? "no" : "", `${ROLE[role]}：${d.error ? errorText(d) : d.message}`));
    if (!d.error) docs.appendChild(el("p", "sections", `${d.doc_types.join(", ")} · ${sectionsText(d.sections)}`));
  }
  root.appendChild(docs);

  const cancel = data.cancel;
  const c = card(cancel.rule === "cancel_filed" ? "注销网签备案（已备案）" : "注销合同（未备案）", "sit-cancel");
  const o = cancel.output;
  if (o.error) c.appendChild(el("p", "no", errorText(o)));
  else {
    c.appendChild(el("p", "", o.message));
    if (o.materials && o.materials.length) c.appendChild(el("p", "", `材料：${o.materials.join("、")}`));
    c.appendChild(el("p", "sections", sectionsText([o.section])));
    lines.push(`${o.message}`);
  }
  root.appendChild(c);

  root.appendChild(copyButton("复制结论为短信", () => asMessage(lines.join("\n"), [])));
}

async function askSituation() {
  if (!me) return;
  const mine = ++situationSeq;
  try {
    const data = await api("POST", "/api/staff/situation", situationBody());
    if (mine === situationSeq) renderSituation(data);
  } catch (error) {
    if (mine === situationSeq) {
      $("sit-result").textContent = "";
      $("sit-result").appendChild(el("p", "card no", `无法判断：${error.message}`));
    }
  }
}

$("situation").addEventListener("change", askSituation);
$("situation").addEventListener("submit", (event) => event.preventDefault());

// ----------------------------------------------------------------------------- keyboard and polling
document.addEventListener("keydown", (event) => {
  if (!me || !event.altKey || event.ctrlKey || event.metaKey) return;
  const target = { 1: "queue-h", 2: openId ? "reply" : "queue-h", 3: "faq-q", 4: "seller-type", 5: "case-id" }[event.key];
  if (target) {
    event.preventDefault();
    $(target).focus();
  }
});

function poll() {
  refreshQueue().catch(() => {});
  loadConversation().catch(() => {});
}

async function start() {
  const error = new URLSearchParams(location.search).get("error");
  if (error) {
    $("signin-error").textContent = error === "locked" ? "登录失败次数过多，请稍后再试。" : "用户名或密码错误。";
  }
  try {
    signedIn(await api("GET", "/api/staff/me"));
  } catch (err) {
    signedOut($("signin-error").textContent);
  }
}

start();
