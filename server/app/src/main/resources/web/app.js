// SMTP Lab web UI: plain JavaScript, no build step. Mail is hostile input, so message data is
// only ever put into the page as text (textContent), and HTML bodies go into a sandboxed iframe.
"use strict";

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child == null ? "" : String(child)));
  }
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { message = (await response.json()).error; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

// ---- language ------------------------------------------------------------------------------

// The page's labels in English or Japanese (i18n.json); what came over SMTP is shown as it came.
let lang = localStorage.getItem("smtplab.lang")
  || ((navigator.languages || [navigator.language || ""])[0].toLowerCase().startsWith("ja") ? "ja" : "en");
let messages = {};

async function loadMessages() {
  const response = await fetch("/i18n.json");
  messages = response.ok ? await response.json() : {};
}

/** The label for the key, placeholders {0}, {1}, ... filled; English when the language lacks it. */
function t(key, ...values) {
  const text = (messages[lang] || {})[key] ?? (messages.en || {})[key] ?? key;
  return text.replace(/\{(\d+)}/g, (placeholder, index) => index < values.length ? String(values[index]) : placeholder);
}

/** A label of this language's own where it has one, else what the server said (in English). */
function tOr(key, fallback) {
  return (messages[lang] || {})[key] ?? fallback;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  $("#language").value = lang;
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
  document.querySelectorAll("[data-i18n-title]").forEach((node) => { node.title = t(node.dataset.i18nTitle); });
  document.querySelectorAll("[data-i18n-aria-label]").forEach((node) => node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel)));
}

const time = (iso) => iso ? new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : undefined) : "";
const size = (bytes) => bytes < 1024 ? bytes + " B" : (bytes / 1024).toFixed(1) + " KB";

// ---- inboxes ------------------------------------------------------------------------------

// The inbox the page shows ("" for every inbox the user may see), remembered across visits.
let inbox = localStorage.getItem("smtplab.inbox") || "";

/** The API's base for what the page shows: every inbox, or the one chosen. */
const scope = () => inbox ? "/api/v1/inboxes/" + encodeURIComponent(inbox) : "/api/v1";

async function loadInboxes() {
  const inboxes = await api("GET", "/api/v1/inboxes");
  if (inbox && !inboxes.some((i) => i.name === inbox)) inbox = "";
  $("#inbox-switch").replaceChildren(el("option", { value: "" }, t("inbox.all")),
    ...inboxes.map((i) => el("option", { value: i.name },
      i.name + " (" + i.messages + (i.port ? ", " + t("inbox.port", i.port) : "") + (i.scenario === "own" ? ", " + t("inbox.ownFailures") : "") + ")")));
  $("#inbox-switch").value = inbox;
}

// ---- views -------------------------------------------------------------------------------

function show(view) {
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("shown", v.id === "view-" + view));
  const section = view === "message" ? "inbox" : view === "session" ? "sessions" : view === "lesson" ? "lessons" : view;
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.id === "nav-" + section));
}

async function route() {
  const [, view, id] = (location.hash || "#/inbox").split("/");
  try {
    await loadInboxes();
    if (view === "message" && id) { show("message"); await openMessage(id); }
    else if (view === "sessions") { show("sessions"); await loadSessions(); }
    else if (view === "session" && id) { show("session"); await openSession(id); }
    else if (view === "failures") { show("failures"); await loadFailures(); }
    else if (view === "lessons") { show("lessons"); await loadLessons(); }
    else if (view === "webhooks") { show("webhooks"); await loadWebhooks(); }
    else if (view === "lesson" && id) { show("lesson"); await openLesson(decodeURIComponent(id)); }
    else { show("inbox"); await loadInbox(); }
  } catch (e) {
    console.error(e);
  }
}

// ---- inbox -------------------------------------------------------------------------------

function inboxRow(message, fresh) {
  return el("tr", { class: "clickable" + (fresh ? " fresh" : ""), "data-id": message.id,
                    onclick: () => { location.hash = "#/message/" + message.id; } },
    el("td", {}, time(message.receivedAt)),
    el("td", {}, message.inbox),
    el("td", {}, message.from || "<>"),
    el("td", {}, (message.to || []).join(", ")),
    el("td", { class: "subject" }, message.subject),
    el("td", {}, size(message.size)));
}

async function loadInbox() {
  const q = $("#search").value.trim();
  const page = await api("GET", scope() + "/messages?limit=200" + (q ? "&q=" + encodeURIComponent(q) : ""));
  const body = $("#inbox tbody");
  body.replaceChildren(...page.messages.map((m) => inboxRow(m, false)));
  $("#inbox-empty").hidden = page.messages.length > 0;
}

function messageArrived(message) {
  if (!$("#view-inbox").classList.contains("shown") || $("#search").value.trim()) return;
  if (inbox && message.inbox !== inbox) return;
  $("#inbox tbody").prepend(inboxRow(message, true));
  $("#inbox-empty").hidden = true;
}

// ---- one message ---------------------------------------------------------------------------

function showTab(name) {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.tab === name));
  document.querySelectorAll(".panel").forEach((p) => p.classList.toggle("shown", p.id === "tab-" + name));
}

async function openMessage(id) {
  const m = await api("GET", "/api/v1/messages/" + encodeURIComponent(id));
  $("#message-subject").textContent = m.subject || t("message.noSubject");
  const envelope = $("#message-envelope");
  const entry = (name, value) => [el("dt", {}, name), el("dd", {}, value)];
  envelope.replaceChildren(
    ...entry("MAIL FROM", "<" + m.mailFrom + ">" + Object.entries(m.mailParameters).map(([k, v]) => " " + k + (v ? "=" + v : "")).join("")),
    ...m.recipients.flatMap((r) => entry("RCPT TO", "<" + r.address + "> → " + r.reply)),
    ...entry(t("message.client"), m.clientAddress + ":" + m.clientPort + (m.helo ? " (HELO " + m.helo + ")" : "")),
    ...entry(t("message.received"), t("message.receivedDetail", time(m.receivedAt), size(m.size), m.connectionIndex, m.transactionIndex)),
    ...(m.suspiciousEndOfData.length ? entry(t("message.warning"), t("message.smuggling", m.suspiciousEndOfData.join(", "))) : []),
    ...(m.partsOmitted.length ? entry(t("message.notShown"), t("message.notShownDetail", m.partsOmitted.join("; "))) : []),
    ...reportAbout(m));
  $("#message-raw").href = m.links.raw;
  $("#message-session").href = "#/session/" + m.sessionId;
  $("#message-delete").onclick = async () => { await api("DELETE", "/api/v1/messages/" + m.id); location.hash = "#/inbox"; };

  const frame = $("#message-html");
  frame.hidden = !m.html;
  $("#no-html").hidden = !!m.html;
  $("#allow-remote").hidden = !m.html;
  frame.src = m.html ? m.links.html : "about:blank";
  $("#allow-remote").onclick = () => { frame.src = m.links.html + "?remote=true"; };

  $("#tab-text").textContent = m.text == null ? t("message.noText") : m.text;
  $("#tab-headers tbody").replaceChildren(...m.headers.map((h) => el("tr", {}, el("th", {}, h.name), el("td", {}, h.value))));
  $("#tab-raw").textContent = await api("GET", m.links.raw);
  $("#tab-attachments").replaceChildren(...(m.attachments.length ? m.attachments.map((a) =>
    el("li", {}, el("a", { href: "/api/v1/messages/" + m.id + "/attachments/" + a.index, download: a.filename || "" },
      (a.filename || t("message.attachment", a.index)) + " (" + a.contentType + ", " + size(a.size) + ")"))) : [el("li", { class: "empty" }, t("message.noAttachments"))]));
  const session = await api("GET", "/api/v1/sessions/" + encodeURIComponent(m.sessionId)).catch(() => null);
  $("#tab-transcript").replaceChildren(...(session ? transcript(session.transcript) : [el("li", { class: "empty" }, t("message.sessionGone"))]));
  showTab(m.html ? "html" : "text");
}

// A delivery status notification this server sent names the message it is about: link the two.
function reportAbout(m) {
  const about = m.headers.find((h) => h.name.toLowerCase() === "x-smtp-lab-report-about");
  if (!about || !/^\d+$/.test(about.value.trim())) return [];
  return [el("dt", {}, t("message.reportAbout")),
    el("dd", {}, el("a", { id: "message-report-about", href: "#/message/" + about.value.trim() }, t("message.reportAboutLink", about.value.trim())))];
}

function transcript(lines) {
  return lines.map((line) => {
    const code = /^\d/.test(line.text) ? " code" + line.text[0] : "";
    const marker = line.direction === "CLIENT" ? "C: " : line.direction === "SERVER" ? "S: " : "-- ";
    return el("li", { class: line.direction.toLowerCase() + code, title: time(line.at) }, marker + line.text);
  });
}

// ---- sessions -------------------------------------------------------------------------------

async function loadSessions() {
  const sessions = await api("GET", scope() + "/sessions?limit=200");
  $("#sessions tbody").replaceChildren(...sessions.map((s) => el("tr", {
      class: "clickable " + s.outcome.toLowerCase() + (s.lastRejection ? " rejected" : ""),
      onclick: () => { location.hash = "#/session/" + s.id; } },
    el("td", {}, s.connectionIndex), el("td", {}, time(s.startedAt)), el("td", {}, s.clientAddress + ":" + s.clientPort),
    el("td", {}, s.helo || ""),
    el("td", { title: s.outcomeDetail }, t("outcome." + s.outcome) + " — " + s.outcomeDetail + (s.lastRejection ? t("sessions.lastRefusal", s.lastRejection.stage.toUpperCase(), s.lastRejection.reply) : "")),
    el("td", {}, s.messages), el("td", {}, s.rulesFired.join(", ")))));
  $("#sessions-empty").hidden = sessions.length > 0;
}

async function openSession(id) {
  const detail = await api("GET", "/api/v1/sessions/" + encodeURIComponent(id));
  const s = detail.session;
  $("#session-title").textContent = t("session.title", s.connectionIndex, s.clientAddress + ":" + s.clientPort);
  $("#session-outcome").textContent = t("outcome." + s.outcome) + ": " + s.outcomeDetail + (s.rulesFired.length ? t("session.rulesFired", s.rulesFired.join(", ")) : "");
  $("#session-transcript").replaceChildren(...transcript(detail.transcript));
}

// ---- failure modes --------------------------------------------------------------------------

function renderFailures(state) {
  $("#failures-of").textContent = inbox ? t("failures.ofInbox", inbox) : t("failures.ofServer");
  $("#port-mode").textContent = state.connectionMode;
  $("#presets tbody").replaceChildren(...state.presets.map((p) => {
    const parameters = el("input", { class: "parameters", placeholder: "key=value;…", "aria-label": p.name + " parameters" });
    if (p.spec && p.spec.includes(":")) parameters.value = p.spec.slice(p.spec.indexOf(":") + 1);
    const toggle = el("input", { type: "checkbox", id: "preset-" + p.name, "aria-label": t("failures.toggle", p.name) });
    toggle.checked = p.active;
    toggle.addEventListener("change", () => failureChange(toggle.checked
      ? api("PUT", scope() + "/failure-modes/presets/" + p.name, { parameters: parameters.value })
      : api("DELETE", scope() + "/failure-modes/presets/" + p.name)));
    return el("tr", {}, el("td", {}, toggle), el("td", {}, el("label", { for: "preset-" + p.name }, p.name)),
      el("td", {}, parameters), el("td", {}, tOr("preset." + p.name, p.description)));
  }));
  $("#rules tbody").replaceChildren(...state.rules.map((r) => el("tr", {},
    el("td", {}, r.id), el("td", {}, r.rule.stage), el("td", {}, r.origin), el("td", {}, r.summary),
    el("td", {}, r.origin === "preset" ? "" : el("button", { onclick: () => failureChange(api("DELETE", scope() + "/failure-modes/rules/" + encodeURIComponent(r.id))) }, t("failures.remove"))))));
}

async function failureChange(request) {
  $("#failure-error").textContent = "";
  try {
    renderFailures(await request);
  } catch (e) {
    $("#failure-error").textContent = e.message;
    renderFailures(await api("GET", scope() + "/failure-modes"));
  }
}

async function loadFailures() {
  renderFailures(await api("GET", scope() + "/failure-modes"));
}

// ---- lesson transcripts ----------------------------------------------------------------------

const lessonName = (lesson) => t("lessons.name", lesson.lesson) + (lesson.lessonId ? " (" + lesson.lessonId + ")" : "");

// ---- webhooks ------------------------------------------------------------------------------

async function loadWebhooks() {
  $("#webhooks-error").textContent = "";
  let state = { webhooks: [], deliveries: [] };
  try {
    state = await api("GET", "/api/v1/webhooks");
  } catch (e) {
    $("#webhooks-error").textContent = t("webhooks.listError", e.message);
  }
  $("#webhooks tbody").replaceChildren(...state.webhooks.map((w) => el("tr", {},
    el("td", {}, w.url), el("td", {}, w.queued), el("td", {}, w.delivered), el("td", {}, w.failed), el("td", {}, w.dropped),
    el("td", {}, el("button", { class: "danger", onclick: async () => {
      try {
        await api("DELETE", "/api/v1/webhooks?url=" + encodeURIComponent(w.url));
        await loadWebhooks();
      } catch (e) {
        $("#webhooks-error").textContent = t("webhooks.removeError", e.message);
      }
    } }, t("webhooks.remove"))))));
  $("#webhooks-empty").hidden = state.webhooks.length > 0;
  $("#deliveries tbody").replaceChildren(...state.deliveries.map((d) => el("tr", { class: "outcome-" + d.outcome },
    el("td", {}, time(d.at)), el("td", {}, d.event + " " + d.type), el("td", {}, d.url), el("td", {}, d.attempt),
    el("td", {}, d.status == null ? (d.error || "") : String(d.status)), el("td", {}, d.millis + " ms"),
    el("td", {}, d.outcome === "delivered" ? t("webhooks.outcome.delivered")
      : d.outcome === "retrying" ? t("webhooks.outcome.retrying") : t("webhooks.outcome.failed")))));
  $("#deliveries-empty").hidden = state.deliveries.length > 0;
}

async function addWebhook(event) {
  event.preventDefault();
  $("#webhooks-error").textContent = "";
  $("#webhook-secret-made").textContent = "";
  const body = { url: $("#webhook-url").value.trim() };
  if ($("#webhook-secret").value) body.secret = $("#webhook-secret").value;
  try {
    const added = await api("POST", "/api/v1/webhooks", body);
    if (added.secret) $("#webhook-secret-made").textContent = t("webhooks.secretMade", added.secret);
    $("#webhook-url").value = "";
    $("#webhook-secret").value = "";
    await loadWebhooks();
  } catch (e) {
    $("#webhooks-error").textContent = t("webhooks.addError", e.message);
  }
}

async function loadLessons() {
  $("#lessons-error").textContent = "";
  let transcripts = [];
  try {
    transcripts = await api("GET", "/api/v1/lessons/transcripts");
  } catch (e) {
    $("#lessons-error").textContent = t("lessons.listError", e.message);
  }
  $("#lessons tbody").replaceChildren(...transcripts.map((lesson) => el("tr", {
      class: "clickable" + (lesson.finished ? " finished" : ""),
      onclick: () => { location.hash = "#/lesson/" + encodeURIComponent(lesson.name); } },
    el("td", {}, time(lesson.savedAt)), el("td", {}, lessonName(lesson)),
    el("td", {}, lesson.steps == null ? "?" : t("lessons.stepsOf", lesson.stepsReached, lesson.steps)
      + (lesson.finished ? " " + t("lessons.finished") : "")),
    el("td", {}, size(lesson.size)))));
  $("#lessons-empty").hidden = transcripts.length > 0 || $("#lessons-error").textContent !== "";
}

async function openLesson(name) {
  $("#lesson-title").textContent = name;
  try {
    $("#lesson-transcript").textContent = await api("GET", "/api/v1/lessons/transcripts/" + encodeURIComponent(name));
  } catch (e) {
    $("#lesson-transcript").textContent = t("lessons.showError", e.message);
  }
}

// ---- live updates -----------------------------------------------------------------------------

function listen() {
  const events = new EventSource("/api/v1/events");
  let missedEvents = false;
  events.onopen = () => {
    $("#live").textContent = t("live.on"); $("#live").classList.add("on");
    // Events sent while disconnected are lost (a browser that falls behind is disconnected): reload.
    if (missedEvents) { missedEvents = false; route(); }
  };
  events.onerror = () => { missedEvents = true; $("#live").textContent = t("live.reconnecting"); $("#live").classList.remove("on"); };
  let countsDue = null;
  events.addEventListener("message", (e) => {
    messageArrived(JSON.parse(e.data));
    // The switcher's counts, refreshed at most every 2 s however fast mail arrives.
    if (!countsDue) countsDue = setTimeout(() => { countsDue = null; loadInboxes().catch(() => {}); }, 2000);
  });
  const sessionsChanged = () => { if ($("#view-sessions").classList.contains("shown")) loadSessions(); };
  events.addEventListener("session", sessionsChanged);
  events.addEventListener("session-rejected", sessionsChanged);
}

document.addEventListener("DOMContentLoaded", async () => {
  try {
    await loadMessages();
  } catch (e) {
    console.error(e); // the page's own English stays
  }
  applyLanguage();
  $("#language").addEventListener("change", () => {
    lang = $("#language").value;
    localStorage.setItem("smtplab.lang", lang);
    applyLanguage();
    if ($("#live").classList.contains("on")) $("#live").textContent = t("live.on");
    route();
  });
  document.querySelectorAll(".tab").forEach((t) => t.addEventListener("click", () => showTab(t.dataset.tab)));
  let searchTimer;
  $("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadInbox, 200); });
  $("#delete-all").addEventListener("click", async () => { await api("DELETE", scope() + "/messages"); loadInbox(); });
  $("#rule-add").addEventListener("click", () => failureChange(api("POST", scope() + "/failure-modes/rules", $("#rule-json").value)));
  $("#reset").addEventListener("click", () => failureChange(api("DELETE", scope() + "/failure-modes")));
  $("#webhook-form").addEventListener("submit", addWebhook);
  $("#inbox-switch").addEventListener("change", () => {
    inbox = $("#inbox-switch").value;
    localStorage.setItem("smtplab.inbox", inbox);
    route();
  });
  window.addEventListener("hashchange", route);
  listen();
  route();
});
