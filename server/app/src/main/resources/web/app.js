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

/** This tab's name, for the changes it makes (marks, deletes): other tabs redraw them, this one has. */
const TAB = Math.random().toString(36).slice(2, 12);

async function api(method, path, body) {
  if (method === "GET" && early.has(path)) {
    const answer = early.get(path);
    early.delete(path);
    return answer;
  }
  // Changes say which tab made them, so that the server's event about them is not drawn here twice.
  const options = { method, headers: method === "GET" ? {} : { "X-SmtpLab-Tab": TAB } };
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

// Asked for as soon as the script runs, while the page is still being parsed.
const messagesLoaded = loadMessages();

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

// The page's date formats, made once per language. The first one made loads the language's data:
// 48 ms of a 350 ms page load on a slow machine (see formatsOf's call when the page starts).
const formats = new Map();

function formatsOf(language) {
  if (!formats.has(language)) {
    formats.set(language, {
      // What toLocaleString shows: the date and the time, each field numeric.
      exact: new Intl.DateTimeFormat(language === "ja" ? "ja-JP" : undefined, { year: "numeric", month: "numeric",
        day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }),
      relative: new Intl.RelativeTimeFormat(language === "ja" ? "ja-JP" : "en", { numeric: "auto" }),
    });
  }
  return formats.get(language);
}

const time = (iso) => iso ? formatsOf(lang).exact.format(new Date(iso)) : "";

/** "3 minutes ago", "昨日": how long ago, in the page's language; the exact time goes in a title. */
function ago(iso) {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  const format = formatsOf(lang).relative;
  for (const [unit, length] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (Math.abs(seconds) >= length) return format.format(Math.round(seconds / length), unit);
  }
  return format.format(0, "second");
}

/** A time cell: relative, with the exact time on hover; refreshed as time passes (refreshTimes). */
const timeCell = (iso) => el("td", { class: "time", title: time(iso), "data-at": iso || "" }, iso ? ago(iso) : "");

function refreshTimes() {
  document.querySelectorAll("td.time[data-at]").forEach((cell) => {
    if (cell.dataset.at) { cell.textContent = ago(cell.dataset.at); cell.title = time(cell.dataset.at); }
  });
}
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
      i.name + " (" + i.messages + (i.unread ? ", " + t("inbox.unreadCount", i.unread.toLocaleString()) : "") + (i.port ? ", " + t("inbox.port", i.port) : "") + (i.scenario === "own" ? ", " + t("inbox.ownFailures") : "") + ")")));
  $("#inbox-switch").value = inbox;
}

// ---- errors -------------------------------------------------------------------------------

/** Every failure the user should know of is said in the page, not only in the console. */
function showError(message) {
  $("#page-error-text").textContent = message;
  $("#page-error").hidden = false;
}

function clearError() {
  $("#page-error").hidden = true;
}

/** Runs an action the user asked for; a failure is shown in the page. */
async function attempt(action) {
  try {
    return await action();
  } catch (e) {
    showError(e.message);
    return undefined;
  }
}

// A confirmation for what cannot be undone: the dialog's buttons resolve it.
function confirmed(text) {
  const dialog = $("#confirm");
  $("#confirm-text").textContent = text;
  return new Promise((resolve) => {
    const close = (answer) => { dialog.close(); $("#confirm-yes").onclick = null; $("#confirm-no").onclick = null; resolve(answer); };
    $("#confirm-yes").onclick = () => close(true);
    $("#confirm-no").onclick = () => close(false);
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
    $("#confirm-no").focus();
  });
}

// ---- views -------------------------------------------------------------------------------

function show(view) {
  // A message is shown beside the list it was chosen from (the preview pane) where the screen is wide enough.
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("shown", v.id === "view-" + view
    || (view === "message" && v.id === "view-inbox")));
  document.querySelector("main").classList.toggle("with-preview", view === "message");
  const section = view === "message" ? "inbox" : view === "session" ? "sessions" : view === "lesson" ? "lessons" : view;
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.id === "nav-" + section));
}

let routeRequest = 0;

async function route() {
  const hash = location.hash;
  const [, view, id] = (hash || "#/inbox").split("/");
  if (view !== "session") stopWatching();
  // A newer hash (a key held down, fast clicks) makes this one moot: only the last is shown. The hash
  // may have changed before its own hashchange event has run, so it is compared too.
  const request = ++routeRequest;
  const moot = () => request !== routeRequest || location.hash !== hash;
  clearError();
  try {
    // The switcher's list is fetched beside the view's own data; only a remembered inbox, which may
    // be gone, must be checked first (loadInboxes forgets it then).
    const inboxes = loadInboxes();
    if (inbox) await inboxes;
    if (moot()) return;
    if (view === "message" && id) {
      show("message");
      if (!inboxLoaded) await loadInbox();
      if (moot()) return;
      markSelected(id);
      await openMessage(id);
    }
    else if (view === "sessions") { show("sessions"); await loadSessions(); }
    else if (view === "session" && id) { show("session"); await openSession(id); }
    else if (view === "failures") { show("failures"); await loadFailures(); }
    else if (view === "lessons") { show("lessons"); await loadLessons(); }
    else if (view === "webhooks") { show("webhooks"); await loadWebhooks(); }
    else if (view === "lesson" && id) { show("lesson"); await openLesson(decodeURIComponent(id)); }
    else { show("inbox"); await loadInbox(); }
    await inboxes;
  } catch (e) {
    showError(e.message);
  }
}

// ---- inbox -------------------------------------------------------------------------------

const PAGE_SIZE = 50;
// The pages walked to: each entry is the cursor the page starts before (null: the newest).
let cursors = [null];
let nextBefore = null;
let inboxLoaded = false;
let inboxRequest = 0;
const checked = new Set();

function inboxRow(message, fresh) {
  const box = el("input", { type: "checkbox", "aria-label": t("inbox.select", message.subject || message.id) });
  box.checked = checked.has(message.id);
  box.addEventListener("click", (e) => e.stopPropagation());
  box.addEventListener("change", () => { box.checked ? checked.add(message.id) : checked.delete(message.id); selectionChanged(); });
  return el("tr", { class: "clickable" + (fresh ? " fresh" : "") + (message.read ? "" : " unread"), "data-id": message.id,
                    onclick: () => { location.hash = "#/message/" + message.id; } },
    // Unread is said in words too, for those who do not see the bold type and the dot.
    el("td", { class: "col-select" }, box, el("span", { class: "unread-mark" }, t("inbox.unread"))),
    timeCell(message.receivedAt),
    el("td", { class: "col-inbox" }, message.inbox),
    el("td", {}, message.from || "<>"),
    el("td", { class: "col-to" }, (message.to || []).join(", ")),
    el("td", { class: "subject" }, message.subject),
    el("td", { class: "col-size" }, size(message.size)));
}

// What the pager says: the rows shown, of how many, how many unread; kept as mail arrives and is read.
let listed = { first: 0, shown: 0, total: 0, unread: 0 };

function showPageInfo() {
  $("#page-info").textContent = listed.shown ? t("inbox.pageInfo", listed.first.toLocaleString(),
    (listed.first + listed.shown - 1).toLocaleString(), listed.total.toLocaleString()) : "";
  $("#unread-info").textContent = listed.unread ? t("inbox.unreadCount", listed.unread.toLocaleString()) : "";
  $("#mark-read").disabled = checked.size === 0 && listed.unread === 0;
}

/** Loads the page the cursors point at; a newer request makes an older answer moot (typing fast, paging fast). */
async function loadInbox() {
  const request = ++inboxRequest;
  const before = cursors[cursors.length - 1];
  const page = await api("GET", scope() + "/messages?limit=" + PAGE_SIZE + (before ? "&before=" + before : "")
    + listFilters());
  if (request !== inboxRequest) return;
  inboxLoaded = true;
  nextBefore = page.nextBefore;
  $("#inbox tbody").replaceChildren(...page.messages.map((m) => inboxRow(m, false)));
  $("#inbox-empty").hidden = page.messages.length > 0;
  // Drawn: until the first answer, the table is busy and the empty inbox's note hidden, so that
  // neither says "no messages" before the server has.
  $("#inbox").setAttribute("aria-busy", "false");
  listed = { first: (cursors.length - 1) * PAGE_SIZE + 1, shown: page.messages.length, total: page.total, unread: page.unread };
  $("#page-newer").disabled = cursors.length === 1;
  $("#page-older").disabled = !nextBefore;
  $("#select-page").checked = false;
  const shownId = shownMessageId();
  if (shownId) markSelected(shownId);
  selectionChanged();
}

/** The search and the read filter, as the list's query parameters (also those of "mark all read"). */
function listFilters() {
  const q = $("#search").value.trim();
  const read = $("#read-filter").value;
  return (q ? "&q=" + encodeURIComponent(q) : "") + (read ? "&read=" + read : "");
}

/** Back to the first page, as after a new search or a change of inbox. */
function firstPage() {
  cursors = [null];
  return loadInbox();
}

function messageArrived(message) {
  if (!$("#view-inbox").classList.contains("shown") || $("#search").value.trim() || cursors.length > 1) return;
  if (inbox && message.inbox !== inbox) return;
  const readFilter = $("#read-filter").value;
  if (readFilter && String(message.read) !== readFilter) return;
  $("#inbox tbody").prepend(inboxRow(message, true));
  const rows = $("#inbox tbody").children;
  if (rows.length > PAGE_SIZE) rows[rows.length - 1].remove();
  $("#inbox-empty").hidden = true;
  listed = { first: 1, shown: rows.length, total: listed.total + 1, unread: listed.unread + (message.read ? 0 : 1) };
  showPageInfo();
}

/** The id of the message shown beside the list, if one is. */
function shownMessageId() {
  return (location.hash.match(/^#\/message\/(\w+)/) || [])[1];
}

function rows() {
  return Array.from(document.querySelectorAll("#inbox tbody tr"));
}

function markSelected(id) {
  rows().forEach((row) => {
    const selected = row.dataset.id === String(id);
    row.classList.toggle("selected", selected);
    row.setAttribute("aria-selected", String(selected));
    if (selected) row.scrollIntoView({ block: "nearest" });
  });
}

function selectionChanged() {
  const count = checked.size;
  $("#delete-selected").disabled = count === 0;
  $("#delete-selected").textContent = count ? t("inbox.deleteSelectedCount", count) : t("inbox.deleteSelected");
  // With rows ticked, the marks are theirs; with none, "mark read" is for everything the list shows.
  $("#mark-read").textContent = count ? t("inbox.markReadCount", count) : t("inbox.markAllRead");
  $("#mark-unread").disabled = count === 0;
  $("#mark-unread").textContent = count ? t("inbox.markUnreadCount", count) : t("inbox.markUnread");
  showPageInfo();
}

/** Shows a message read or unread in the list (if it is there) and in the counts, without asking the server. */
function showRead(id, read) {
  const row = rows().find((r) => r.dataset.id === String(id));
  if (row && row.classList.contains("unread") === read) {
    row.classList.toggle("unread", !read);
    listed.unread += read ? -1 : 1;
    showPageInfo();
  }
  if (String(id) === shownMessageId()) showMessageRead(read);
}

/** Marks messages read or unread: the ticked ones, or (none ticked, read) every one the list shows. */
async function markChecked(read) {
  const ids = Array.from(checked);
  await api("PATCH", scope() + "/messages" + (ids.length ? "" : "?" + listFilters().slice(1)), ids.length ? { read, ids } : { read });
  await loadInbox();
  if (shownMessageId() && (!ids.length || ids.includes(shownMessageId()))) showMessageRead(read);
  loadInboxes().catch(() => {});
}

async function markOne(id, read) {
  await api("PATCH", "/api/v1/messages/" + encodeURIComponent(id), { read });
  showRead(id, read);
  loadInboxes().catch(() => {});
}

/** Deletes; when the message shown goes, the one after it in the list is shown instead, as mail readers do. */
async function deleteMessages(ids) {
  const shownId = shownMessageId();
  const listed = rows().map((row) => row.dataset.id);
  const remaining = listed.filter((id) => !ids.includes(id));
  const position = listed.indexOf(shownId);
  const after = position < 0 ? null : listed.slice(position).find((id) => !ids.includes(id)) || remaining[remaining.length - 1];
  for (const id of ids) {
    await api("DELETE", "/api/v1/messages/" + encodeURIComponent(id));
    checked.delete(id);
  }
  if (shownId && ids.includes(shownId)) location.hash = after ? "#/message/" + after : "#/inbox";
  await loadInbox();
}

async function deleteAll() {
  const total = Number((await api("GET", scope() + "/messages?limit=1")).total);
  if (!total) return;
  const where = inbox ? t("confirm.inInbox", inbox) : "";
  if (!(await confirmed(t("confirm.deleteAll", total.toLocaleString(), where)))) return;
  await api("DELETE", scope() + "/messages");
  checked.clear();
  if (location.hash.startsWith("#/message/")) location.hash = "#/inbox";
  await firstPage();
}

/** j/k (or the arrows) move through the list, each move showing the message beside it. */
function move(step) {
  const all = rows();
  if (!all.length) return;
  const current = all.findIndex((row) => row.classList.contains("selected"));
  const next = all[Math.max(0, Math.min(all.length - 1, current < 0 ? 0 : current + step))];
  // Marked at once, so that the next key moves on from here even before the message has loaded.
  markSelected(next.dataset.id);
  location.hash = "#/message/" + next.dataset.id;
}

function onKey(event) {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey || $("#confirm").open || $("#release").open) return;
  if (target.matches("input, textarea, select, [contenteditable]")) {
    if (event.key === "Escape" && target.id === "search") target.blur();
    return;
  }
  const inInbox = $("#view-inbox").classList.contains("shown");
  if (!inInbox) return;
  const selected = document.querySelector("#inbox tbody tr.selected");
  if (event.key === "j" || event.key === "ArrowDown") move(1);
  else if (event.key === "k" || event.key === "ArrowUp") move(-1);
  else if (event.key === "/") $("#search").focus();
  else if (event.key === "Enter" && !selected && rows().length) move(0);
  else if (event.key === "Enter" && selected) $("#view-message").focus();
  else if (event.key === "u" && selected) attempt(() => markOne(selected.dataset.id, selected.classList.contains("unread")));
  else if ((event.key === "Delete" || event.key === "Backspace") && (checked.size || selected)) {
    attempt(() => deleteMessages(checked.size ? Array.from(checked) : [selected.dataset.id]));
  } else if (event.key === "Escape" && location.hash.startsWith("#/message/")) location.hash = "#/inbox";
  else return;
  event.preventDefault();
}

// ---- one message ---------------------------------------------------------------------------

function showTab(name) {
  document.querySelectorAll(".tab").forEach((t) => {
    t.classList.toggle("active", t.dataset.tab === name);
    t.setAttribute("aria-selected", String(t.dataset.tab === name));
  });
  document.querySelectorAll(".panel").forEach((p) => p.classList.toggle("shown", p.id === "tab-" + name));
}

let messageRequest = 0;

/** Shows one message; when another is asked for meanwhile (a fast click), this one's answers are dropped. */
async function openMessage(id) {
  const request = ++messageRequest;
  const current = () => request === messageRequest;
  const m = await api("GET", "/api/v1/messages/" + encodeURIComponent(id));
  if (!current()) return;
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
  $("#message-delete").onclick = () => attempt(() => deleteMessages([m.id]));
  showMessageRead(true);
  $("#message-read").onclick = () => attempt(() => markOne(m.id, $("#message-read").dataset.read !== "true"));
  // Opened is read, as in a mail reader.
  if (!m.read) attempt(() => markOne(m.id, true));
  $("#message-release").onclick = () => openRelease(m);

  const frame = $("#message-html");
  frame.hidden = !m.html;
  $("#no-html").hidden = !!m.html;
  $("#allow-remote").hidden = !m.html;
  frame.src = m.html ? m.links.html : "about:blank";
  $("#allow-remote").onclick = () => { frame.src = m.links.html + "?remote=true"; };

  $("#tab-text").textContent = m.text == null ? t("message.noText") : m.text;
  $("#tab-headers tbody").replaceChildren(...m.headers.map((h) => el("tr", {}, el("th", {}, h.name), el("td", {}, h.value))));
  const raw = await api("GET", m.links.raw);
  if (!current()) return;
  $("#tab-raw").replaceChildren(...highlightedRaw(raw));
  $("#tab-attachments").replaceChildren(el("li", { class: "parts" }, partSizes(m)), ...m.attachments.map((a) => attachmentItem(m, a)));  const [links, codes] = await Promise.all([api("GET", "/api/v1/messages/" + m.id + "/links"),
    api("GET", "/api/v1/messages/" + m.id + "/codes")]);
  if (!current()) return;
  renderLinks(m.id, links, codes.codes);
  // The HTML check reads the body only when its tab is opened.
  document.querySelector(".tab[data-tab=check]").hidden = !m.html;
  document.querySelector(".tab[data-tab=check]").onclick = () => attempt(() => renderCheck(m.html));
  const session = await api("GET", "/api/v1/sessions/" + encodeURIComponent(m.sessionId)).catch(() => null);
  if (!current()) return;
  $("#tab-transcript").replaceChildren(...(session ? transcript(session.transcript) : [el("li", { class: "empty" }, t("message.sessionGone"))]));
  showTab(m.html ? "html" : "text");
}

/** The message view's button says what it would do: mark the message unread, or read again. */
function showMessageRead(read) {
  $("#message-read").dataset.read = String(read);
  $("#message-read").textContent = read ? t("message.markUnread") : t("message.markRead");
}

// ---- HTML check ------------------------------------------------------------------------------

// The caniemail.com data (shipped in the jar as /caniemail.json), loaded the first time it is needed.
let caniemail = null;

/** The mail client families people check first, in the order shown. */
const MAJOR_FAMILIES = ["gmail", "outlook", "apple-mail", "yahoo", "samsung-email", "thunderbird", "protonmail", "aol"];

/**
 * What an HTML body uses, as caniemail features (slug: how many times). The HTML is parsed by
 * DOMParser, which runs no script and loads nothing; CSS is read from style attributes and <style>.
 */
function htmlFeatures(html, known) {
  const used = new Map();
  const count = (slug) => { if (known.has(slug)) used.set(slug, (used.get(slug) || 0) + 1); };
  const doc = new DOMParser().parseFromString(html, "text/html");
  const aliases = { h1: "h1-h6", h2: "h1-h6", h3: "h1-h6", h4: "h1-h6", h5: "h1-h6", h6: "h1-h6", ul: "lists", ol: "lists",
    dl: "lists", map: "image-maps", area: "image-maps" };
  for (const node of doc.querySelectorAll("*")) {
    const tag = node.localName;
    count("html-" + (aliases[tag] || tag));
    if (tag === "input") count("html-input-" + (node.getAttribute("type") || "text").toLowerCase());
    if (tag === "button") count("html-button-" + (node.getAttribute("type") || "submit").toLowerCase());
    if (tag === "a" && /^mailto:/i.test(node.getAttribute("href") || "")) count("html-mailto-links");
    if (tag === "a" && /^#/.test(node.getAttribute("href") || "")) count("html-anchor-links");
    if (tag === "img") {
      const src = (node.getAttribute("src") || "").toLowerCase();
      if (src.startsWith("data:")) count("image-base64");
      const type = (src.match(/^data:image\/([a-z+]+)/) || src.match(/\.([a-z0-9]+)(?:[?#]|$)/) || [])[1];
      if (type) count("image-" + ({ jpeg: "jpg", "svg+xml": "svg" }[type] || type));
    }
    for (const attribute of node.getAttributeNames()) {
      count("html-" + ({ loading: "loading-attribute" }[attribute] || attribute));
      if (attribute === "inert") count("css-inert-attribute");
    }
    const style = node.getAttribute("style");
    if (style) cssFeatures(style, count);
  }
  for (const block of doc.querySelectorAll("style")) cssFeatures(block.textContent, count, true);
  if (/<!--/.test(html)) count("html-comments");
  if (/^\s*<!doctype/i.test(html)) count("html-doctype");
  return used;
}

function cssFeatures(css, count, sheet) {
  for (const [, property, value] of css.matchAll(/(?:^|[;{\s])(-?[a-z][a-z-]*)\s*:\s*([^;}]*)/gi)) {
    const name = property.toLowerCase();
    const lower = value.toLowerCase();
    if (name.startsWith("--")) { count("css-variables"); continue; }
    count("css-" + name);
    if (name === "display") count("css-display-" + lower.trim().split(/\s+/)[0]);
    if (/\b(top|right|bottom|left)\b/.test(name) && name.length <= 6) count("css-left-right-top-bottom");
    for (const [pattern, slug] of [[/linear-gradient\(/, "css-linear-gradient"], [/radial-gradient\(/, "css-radial-gradient"],
      [/conic-gradient\(/, "css-conic-gradient"], [/!important/, "css-important"], [/var\(/, "css-variables"],
      [/calc\(/, "css-unit-calc"], [/\bmin\(/, "css-function-min"], [/\bmax\(/, "css-function-max"],
      [/clamp\(/, "css-function-clamp"], [/rgba\(/, "css-rgba"], [/\brgb\(/, "css-rgb"], [/light-dark\(/, "css-function-light-dark"],
      [/\d(rem)\b/, "css-unit-rem"], [/\d(vw)\b/, "css-unit-vw"], [/\d(vh)\b/, "css-unit-vh"], [/\d(ch)\b/, "css-unit-ch"]]) {
      if (pattern.test(lower)) count(slug);
    }
  }
  if (!sheet) return;
  for (const [at, slug] of [["@media", "css-at-media"], ["@font-face", "css-at-font-face"], ["@import", "css-at-import"],
    ["@keyframes", "css-at-keyframes"], ["@supports", "css-at-supports"], ["prefers-color-scheme", "css-at-media-prefers-color-scheme"],
    ["prefers-reduced-motion", "css-at-media-prefers-reduced-motion"]]) {
    if (css.toLowerCase().includes(at)) count(slug);
  }
  for (const [, pseudo] of css.matchAll(/::?([a-z-]+)(?=[\s,{(:.#[]|$)/gi)) {
    count("css-pseudo-class-" + pseudo.toLowerCase());
    count("css-pseudo-element-" + pseudo.toLowerCase());
  }
}

/** The families where a feature has no support, and where only partial, each with its platforms. */
function support(feature, letter) {
  return MAJOR_FAMILIES.filter((family) => feature.support[family]).map((family) => {
    const platforms = Object.entries(feature.support[family]).filter(([, value]) => value === letter).map(([platform]) => platform);
    return platforms.length ? (caniemail.families[family] || family) + " (" + platforms.map((p) => caniemail.platforms[p] || p).join(", ") + ")" : null;
  }).filter(Boolean);
}

async function renderCheck(html) {
  if (!caniemail) caniemail = await api("GET", "/caniemail.json");
  $("#check-updated").textContent = t("check.updated", caniemail.updated.slice(0, 10));
  const bySlug = new Map(caniemail.features.map((f) => [f.slug, f]));
  const used = htmlFeatures(html || "", new Set(bySlug.keys()));
  const rows = [];
  for (const [slug, uses] of used) {
    const feature = bySlug.get(slug);
    const none = support(feature, "n");
    const partial = support(feature, "a");
    if (none.length || partial.length) rows.push({ feature, uses, none, partial });
  }
  rows.sort((a, b) => b.none.length - a.none.length || b.partial.length - a.partial.length);
  $("#check-results tbody").replaceChildren(...rows.map((row) => el("tr", { "data-slug": row.feature.slug },
    el("td", {}, el("a", { href: row.feature.url, target: "_blank", rel: "noopener noreferrer" }, row.feature.title)),
    el("td", {}, row.uses), el("td", { class: "unsupported" }, row.none.join(", ")), el("td", {}, row.partial.join(", ")))));
  $("#check-results").hidden = rows.length === 0;
  $("#check-none").hidden = rows.length > 0;
}

/** The links tab: each link, flagged when it points at this machine, checked on request; and a one-time code. */
function renderLinks(id, links, codes) {
  $("#message-code").hidden = !codes.length;
  $("#message-code").textContent = codes.length ? t("message.code", codes[0]) : "";
  const local = new Set(links.local);
  $("#links-list").replaceChildren(...(links.links.length ? links.links.map((url) => {
    const result = el("span", { class: "check-result", "aria-live": "polite" });
    const check = el("button", { class: "check" }, t("message.links.check"));
    check.addEventListener("click", async () => {
      check.disabled = true;
      result.textContent = t("message.links.checking");
      try {
        const answer = await api("POST", "/api/v1/messages/" + id + "/links/check", { url });
        result.className = "check-result " + (answer.status >= 200 && answer.status < 400 ? "ok" : "bad");
        result.textContent = answer.status ? t("message.links.status", answer.status, answer.millis)
          + (answer.location ? " → " + answer.location : "") : answer.error;
      } catch (e) {
        result.className = "check-result bad";
        result.textContent = e.message;
      } finally {
        check.disabled = false;
      }
    });
    return el("li", {}, el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url),
      local.has(url) ? el("span", { class: "badge", title: t("message.links.localTitle") }, t("message.links.local")) : "",
      check, result);
  }) : [el("li", { class: "empty" }, t("message.links.none"))]));
}

/** The release form for this message: its own recipients to start with; the answer said in the form. */
function openRelease(m) {
  $("#release-to").value = m.recipients.filter((r) => r.reply.startsWith("2")).map((r) => r.address).join(", ");
  $("#release-result").textContent = "";
  $("#release-form").onsubmit = async (event) => {
    event.preventDefault();
    $("#release-result").className = "";
    $("#release-result").textContent = t("release.sending");
    const body = { server: $("#release-server").value.trim(), tls: $("#release-tls").value,
      insecure: $("#release-insecure").checked, to: $("#release-to").value.split(",").map((a) => a.trim()).filter(Boolean) };
    if ($("#release-user").value) { body.user = $("#release-user").value; body.password = $("#release-password").value; }
    try {
      const answer = await api("POST", "/api/v1/messages/" + m.id + "/release", body);
      $("#release-result").className = answer.delivered ? "ok" : "error";
      $("#release-result").textContent = answer.event;
      const session = await api("GET", "/api/v1/sessions/" + encodeURIComponent(m.sessionId)).catch(() => null);
      if (session) $("#tab-transcript").replaceChildren(...transcript(session.transcript));
    } catch (e) {
      $("#release-result").className = "error";
      $("#release-result").textContent = e.message;
    }
  };
  $("#release-close").onclick = () => $("#release").close();
  $("#release").showModal();
  $("#release-server").focus();
}

/** The size of each part: the text and HTML bodies as UTF-8, and the attachments decoded. */
function partSizes(m) {
  const bytes = (text) => new TextEncoder().encode(text).length;
  const parts = [];
  if (m.text != null) parts.push(t("message.part.text", size(bytes(m.text))));
  if (m.html != null) parts.push(t("message.part.html", size(bytes(m.html))));
  if (m.attachments.length) {
    parts.push(t("message.part.attachments", m.attachments.length, size(m.attachments.reduce((sum, a) => sum + a.size, 0))));
  } else {
    parts.push(t("message.part.none"));
  }
  return t("message.parts", parts.join(", "));
}

const PREVIEWED_IMAGES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/** An attachment: its download, and a preview where the browser can show it safely (images, PDFs). */
function attachmentItem(m, a) {
  const url = "/api/v1/messages/" + m.id + "/attachments/" + a.index;
  const type = a.contentType.toLowerCase().split(";")[0].trim();
  const name = a.filename || t("message.attachment", a.index);
  const item = el("li", {}, el("a", { href: url, download: a.filename || "" }, name + " (" + a.contentType + ", " + size(a.size) + ")"));
  if (PREVIEWED_IMAGES.includes(type)) {
    item.append(el("div", {}, el("img", { class: "preview", src: url + "?inline=true", alt: name, loading: "lazy" })));
  } else if (type === "application/pdf" || /\.pdf$/i.test(a.filename || "")) {
    item.append(" ", el("a", { href: url + "?inline=true", target: "_blank", rel: "noopener" }, t("message.openPdf")),
      pdfPreview(url, name));
  }
  return item;
}

/**
 * A PDF's pages, one at a time, as images the server draws: any browser shows them, with no PDF
 * viewer and nothing of the PDF running in the page.
 */
function pdfPreview(url, name) {
  const image = el("img", { class: "preview pdf-page", alt: "", loading: "lazy" });
  const number = el("span", { class: "pdf-page-number", "aria-live": "polite" });
  const previous = el("button", { type: "button", class: "pdf-previous", disabled: "" }, t("message.pdfPrevious"));
  const next = el("button", { type: "button", class: "pdf-next", disabled: "" }, t("message.pdfNext"));
  // The pager above the page, where it stays in view however tall the page is drawn.
  const box = el("div", { class: "pdf-preview" }, el("div", { class: "pdf-pager" }, previous, number, next), image);
  let page = 1;
  let pages = 0;
  const show = () => {
    image.src = url + "/pages/" + page;
    image.alt = t("message.pdfPage", name, page, pages);
    number.textContent = t("message.pdfPageOf", page, pages);
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
  };
  image.onerror = () => { number.textContent = t("message.pdfPageFailed", page); };
  previous.onclick = () => { if (page > 1) { page--; show(); } };
  next.onclick = () => { if (page < pages) { page++; show(); } };
  api("GET", url + "/pages")
    .then((answer) => { pages = answer.pages; show(); })
    .catch((e) => box.replaceChildren(el("p", { class: "error" }, e.message)));
  return box;
}

/**
 * The raw message coloured by its structure, as a mail reader's "view source" would be: header
 * names; addresses, parameters and encoded words in header values (an encoded word's decoded text
 * on hover); the MIME boundaries the message declares, and no other line that merely looks like
 * one; each part's body by its Content-Transfer-Encoding (base64 dimmed, quoted-printable escapes
 * and soft line breaks marked). Only the first 3,000 lines are coloured; the rest stays plain text.
 */
function highlightedRaw(raw) {
  const lines = raw.split("\n");
  const nodes = [];
  const boundaries = new Set();
  let inHeader = true;
  let headers = new Map(); // the header block being read: lower-case name -> unfolded value
  let name = null;
  let encoding = "";
  const limit = Math.min(lines.length, 3000);
  for (let i = 0; i < limit; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (inHeader) {
      const field = /^([!-9;-~]+):(.*)$/.exec(line);
      if (line === "") {
        // The header block ends: what it declares says how to read what follows.
        const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(headers.get("content-type") || "");
        if (boundary) boundaries.add("--" + (boundary[1] || boundary[2]));
        encoding = (headers.get("content-transfer-encoding") || "").trim().toLowerCase();
        inHeader = false;
        nodes.push("\n");
      } else if (field) {
        name = field[1].toLowerCase();
        headers.set(name, field[2]);
        nodes.push(el("span", { class: "raw-header" }, field[1] + ":"), ...headerValue(name, field[2]), "\n");
      } else if (/^[ \t]/.test(line) && name) {
        headers.set(name, headers.get(name) + " " + line.trim());
        nodes.push(...headerValue(name, line), "\n");
      } else {
        nodes.push(line + "\n");
      }
      continue;
    }
    const trimmed = line.replace(/[ \t]+$/, "");
    const closing = trimmed.endsWith("--") && boundaries.has(trimmed.slice(0, -2));
    if (boundaries.has(trimmed) || closing) {
      nodes.push(el("span", { class: "raw-boundary" }, line), "\n");
      // A boundary opens the next part's headers; the closing one, the epilogue.
      inHeader = !closing;
      headers = new Map();
      name = null;
      encoding = "";
    } else if (encoding === "base64") {
      nodes.push(el("span", { class: "raw-base64" }, line), "\n");
    } else if (encoding === "quoted-printable") {
      nodes.push(...quotedPrintable(line), "\n");
    } else {
      nodes.push(line + "\n");
    }
  }
  if (lines.length > limit) nodes.push(lines.slice(limit).join("\n"));
  return nodes;
}

const ADDRESS_HEADERS = ["from", "to", "cc", "bcc", "reply-to", "sender", "return-path", "delivered-to"];

/** A header's value: encoded words, and the addresses or parameters the header holds, marked. */
function headerValue(name, value) {
  const nodes = [];
  const pattern = ADDRESS_HEADERS.includes(name) ? /=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=|<[^<>\s]*>|[^\s<>,;:"()]+@[^\s<>,;:"()]+/g
    : /=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=|;\s*[\w*-]+=/g;
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    nodes.push(value.slice(last, match.index));
    const text = match[0];
    if (text.startsWith("=?")) {
      const decoded = decodedWord(text);
      nodes.push(el("span", { class: "raw-encoded", title: decoded == null ? t("message.raw.undecodable") : decoded }, text));
    } else if (text.startsWith("<") || text.includes("@")) {
      nodes.push(el("span", { class: "raw-address" }, text));
    } else {
      const at = text.search(/[\w*-]/);
      nodes.push(text.slice(0, at), el("span", { class: "raw-param" }, text.slice(at)));
    }
    last = match.index + text.length;
  }
  nodes.push(value.slice(last));
  return nodes;
}

/** An RFC 2047 encoded word's text, or null when its charset or encoding cannot be read. */
function decodedWord(word) {
  const [, charset, kind, text] = /^=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?(.*)\?=$/.exec(word) || [];
  if (!charset) return null;
  try {
    const binary = kind.toUpperCase() === "B" ? atob(text)
      : text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return new TextDecoder(charset, { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch (e) {
    return null;
  }
}

/** A quoted-printable line: each =XX escape and the soft line break (a final =) marked. */
function quotedPrintable(line) {
  const nodes = [];
  let last = 0;
  for (const match of line.matchAll(/=(?:[0-9A-Fa-f]{2}|$)/g)) {
    nodes.push(line.slice(last, match.index), el("span", { class: "raw-qp" }, match[0]));
    last = match.index + match[0].length;
  }
  nodes.push(line.slice(last));
  return nodes;
}

// A delivery status notification this server sent names the message it is about: link the two.
function reportAbout(m) {
  const about = m.headers.find((h) => h.name.toLowerCase() === "x-smtp-lab-report-about");
  if (!about || !/^\d+$/.test(about.value.trim())) return [];
  return [el("dt", {}, t("message.reportAbout")),
    el("dd", {}, el("a", { id: "message-report-about", href: "#/message/" + about.value.trim() }, t("message.reportAboutLink", about.value.trim())))];
}

/** A transcript as a timeline: who said what, and when (seconds since the first line; the exact time on hover). */
function transcript(lines) {
  const start = lines.length ? new Date(lines[0].at).getTime() : 0;
  return lines.map((line) => transcriptLine(line, start));
}

function transcriptLine(line, start) {
  const code = /^\d/.test(line.text) ? " code" + line.text[0] : "";
  const marker = line.direction === "CLIENT" ? "C: " : line.direction === "SERVER" ? "S: " : "-- ";
  const offset = ((new Date(line.at).getTime() - start) / 1000).toFixed(3);
  return el("li", { class: line.direction.toLowerCase() + code, title: time(line.at) },
    el("span", { class: "at" }, "+" + offset + " s"), marker + line.text);
}

// ---- sessions -------------------------------------------------------------------------------

async function loadSessions() {
  const outcome = $("#sessions-outcome").value;
  const sessions = await api("GET", scope() + "/sessions?limit=200" + (outcome ? "&outcome=" + outcome : ""));
  $("#sessions tbody").replaceChildren(...sessions.map((s) => el("tr", {
      class: "clickable " + s.outcome.toLowerCase() + (s.lastRejection ? " rejected" : ""),
      onclick: () => { location.hash = "#/session/" + s.id; } },
    el("td", {}, s.connectionIndex), timeCell(s.startedAt), el("td", {}, s.clientAddress + ":" + s.clientPort),
    el("td", {}, s.helo || ""),
    el("td", { title: s.outcomeDetail }, t("outcome." + s.outcome) + " — " + s.outcomeDetail + (s.lastRejection ? t("sessions.lastRefusal", s.lastRejection.stage.toUpperCase(), s.lastRejection.reply) : "")),
    el("td", {}, s.messages), el("td", {}, s.rulesFired.join(", ")))));
  $("#sessions-empty").hidden = sessions.length > 0;
}

// The stream of the session being watched live, if any: closed when the page shows anything else.
let liveSession = null;

function stopWatching() {
  if (liveSession) { liveSession.close(); liveSession = null; }
  $("#session-live").hidden = true;
}

async function openSession(id) {
  stopWatching();
  const detail = await api("GET", "/api/v1/sessions/" + encodeURIComponent(id));
  const s = detail.session;
  $("#session-title").textContent = t("session.title", s.connectionIndex, s.clientAddress + ":" + s.clientPort);
  $("#session-outcome").textContent = t("outcome." + s.outcome) + ": " + s.outcomeDetail + (s.rulesFired.length ? t("session.rulesFired", s.rulesFired.join(", ")) : "");
  $("#session-transcript").replaceChildren(...transcript(detail.transcript));
  if (s.outcome === "ACTIVE") watch(id);
}

/**
 * A session still going: its lines as they are typed. The stream sends the transcript so far, then
 * each new line, each with its index; lines are placed by index, so none shows twice or out of order.
 */
function watch(id) {
  const stream = new EventSource("/api/v1/sessions/" + encodeURIComponent(id) + "/live");
  liveSession = stream;
  $("#session-live").hidden = false;
  const list = $("#session-transcript");
  let next = 0;
  let start = null;
  const waiting = new Map();
  list.replaceChildren();
  stream.addEventListener("line", (e) => {
    const line = JSON.parse(e.data);
    if (line.index < next) return;
    waiting.set(line.index, line);
    while (waiting.has(next)) {
      const ready = waiting.get(next);
      waiting.delete(next);
      if (start === null) start = new Date(ready.at).getTime();
      list.append(transcriptLine(ready, start));
      next++;
    }
  });
  stream.addEventListener("end", () => {
    if (liveSession !== stream) return;
    stopWatching();
    if (location.hash === "#/session/" + id) attempt(() => openSession(id));
  });
}

// ---- failure modes --------------------------------------------------------------------------

function renderFailures(state) {
  $("#failures-of").textContent = inbox ? t("failures.ofInbox", inbox) : t("failures.ofServer");
  document.querySelectorAll("input[name=port-mode]").forEach((radio) => { radio.checked = radio.value === state.connectionMode; });
  // The port's modes are one choice (the radio buttons above), not three presets to combine.
  $("#presets tbody").replaceChildren(...state.presets.filter((p) => !PORT_MODES.includes(p.name)).map((p) => {
    const parameters = el("input", { class: "parameters", placeholder: "key=value;…", "aria-label": p.name + " parameters" });
    if (p.spec && p.spec.includes(":")) parameters.value = p.spec.slice(p.spec.indexOf(":") + 1);
    const toggle = el("input", { type: "checkbox", id: "preset-" + p.name, "aria-label": t("failures.toggle", p.name) });
    toggle.checked = p.active;
    toggle.addEventListener("change", () => failureChange(toggle.checked
      ? api("PUT", scope() + "/failure-modes/presets/" + p.name, { parameters: parameters.value })
      : api("DELETE", scope() + "/failure-modes/presets/" + p.name)));
    // New parameters for a preset that is on apply at once (Enter, or leaving the field).
    parameters.addEventListener("change", () => {
      if (toggle.checked) failureChange(api("PUT", scope() + "/failure-modes/presets/" + p.name, { parameters: parameters.value }));
    });
    parameters.addEventListener("keydown", (e) => { if (e.key === "Enter") parameters.blur(); });
    return el("tr", {}, el("td", {}, toggle), el("td", {}, el("label", { for: "preset-" + p.name }, p.name)),
      el("td", {}, parameters), el("td", {}, tOr("preset." + p.name, p.description)));
  }));
  $("#rules tbody").replaceChildren(...state.rules.map((r) => el("tr", {},
    el("td", {}, r.id), el("td", {}, r.rule.stage), el("td", {}, r.origin),
    el("td", {}, r.summary, el("code", { class: "rule-json" }, JSON.stringify(r.rule))),
    el("td", {}, r.origin === "preset" ? "" : el("span", { class: "actions" },
      el("button", { class: "edit", onclick: () => editRule(r) }, t("failures.edit")),
      el("button", { onclick: () => failureChange(api("DELETE", scope() + "/failure-modes/rules/" + encodeURIComponent(r.id))) }, t("failures.remove")))))));
}

// The rule being edited in the box below the table (its id), or null when the box adds a new one.
let editingRule = null;

/** A rule back into the box, in the rules file's shape, to be changed and saved where it stands. */
function editRule(rule) {
  editingRule = rule.id;
  $("#rule-json").value = JSON.stringify(rule.rule, null, 2);
  $("#rule-editor-title").textContent = t("failures.editRule", rule.id);
  $("#rule-add").textContent = t("failures.save");
  $("#rule-cancel").hidden = false;
  $("#rule-json").focus();
}

function stopEditing() {
  editingRule = null;
  $("#rule-editor-title").textContent = t("failures.addRule");
  $("#rule-add").textContent = t("failures.add");
  $("#rule-cancel").hidden = true;
}

async function saveRule() {
  const editing = editingRule;
  const request = editing
    ? api("PUT", scope() + "/failure-modes/rules/" + encodeURIComponent(editing), $("#rule-json").value)
    : api("POST", scope() + "/failure-modes/rules", $("#rule-json").value);
  if (await failureChange(request) && editing) stopEditing();
}

/** The dry run: which rules an address would meet, and what the client would get; nothing is counted. */
async function tryAddress(event) {
  event.preventDefault();
  $("#failure-error").textContent = "";
  try {
    const run = await api("POST", scope() + "/failure-modes/try", { stage: $("#try-stage").value, address: $("#try-address").value.trim() });
    $("#try-steps").replaceChildren(...run.steps.map((step) => el("li", { class: step.decides ? "decides" : "" },
      el("strong", {}, step.rule), ": " + step.effect + " (" + step.when + ")")));
    $("#try-outcome").textContent = t("try.outcome", run.outcome);
  } catch (e) {
    $("#try-steps").replaceChildren();
    $("#try-outcome").textContent = "";
    $("#failure-error").textContent = e.message;
  }
}

const PORT_MODES = ["blocked", "refused", "silent"];

/**
 * One choice for the port: turning a mode on turns the others off (the server keeps them exclusive).
 * Back to normal turns off the mode the server has now, which an answer still on its way may not show yet.
 */
function portModeChosen(mode) {
  failureChange(mode === "normal"
    ? api("GET", scope() + "/failure-modes").then((state) => PORT_MODES.includes(state.connectionMode)
        ? api("DELETE", scope() + "/failure-modes/presets/" + state.connectionMode) : state)
    : api("PUT", scope() + "/failure-modes/presets/" + mode, { parameters: "" }));
}

/** Shows the failure modes after a change; a refused change is said, and the server's state shown. True when it took. */
async function failureChange(request) {
  $("#failure-error").textContent = "";
  try {
    renderFailures(await request);
    return true;
  } catch (e) {
    $("#failure-error").textContent = e.message;
    renderFailures(await api("GET", scope() + "/failure-modes"));
    return false;
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
  // Another tab, or another client, marked or deleted messages: the list is drawn again (once for
  // many changes in a row), and the switcher's counts with it.
  let listDue = null;
  events.addEventListener("messages-changed", (e) => {
    if (JSON.parse(e.data).tab === TAB || listDue) return;
    listDue = setTimeout(() => {
      listDue = null;
      if (inboxLoaded) attempt(loadInbox);
      loadInboxes().catch(() => {});
    }, 300);
  });
  const sessionsChanged = () => { if ($("#view-sessions").classList.contains("shown")) loadSessions(); };
  events.addEventListener("session", sessionsChanged);
  events.addEventListener("session-started", sessionsChanged);
  events.addEventListener("session-rejected", sessionsChanged);
}

// ---- the first answers ------------------------------------------------------------------------

// Asked for as soon as the script runs, rather than once the labels are in and the handlers set up
// (DOMContentLoaded, 30-60 ms later on a slow machine): the inbox list, and the first page of the
// inbox when the page opens on it or on a message beside it. The first api() call for the same
// path takes the answer; what the first view did not take is forgotten once it is drawn.
const early = new Map();

function askEarly(path) {
  const answer = api("GET", path);
  answer.catch(() => {}); // a failure is said when the answer is taken
  early.set(path, answer);
}

askEarly("/api/v1/inboxes");
if (/^(#\/inbox|#\/message\/\w+)?$/.test(location.hash)) {
  askEarly(scope() + "/messages?limit=" + PAGE_SIZE + listFilters());
}

document.addEventListener("DOMContentLoaded", async () => {
  try {
    await messagesLoaded;
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
  // Search as you type: the server's own search, a moment after the last key.
  $("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => attempt(firstPage), 150); });
  $("#delete-all").addEventListener("click", () => attempt(deleteAll));
  $("#delete-selected").addEventListener("click", () => attempt(() => deleteMessages(Array.from(checked))));
  $("#mark-read").addEventListener("click", () => attempt(() => markChecked(true)));
  $("#mark-unread").addEventListener("click", () => attempt(() => markChecked(false)));
  $("#read-filter").addEventListener("change", () => attempt(firstPage));
  $("#select-page").addEventListener("change", () => {
    rows().forEach((row) => {
      const box = row.querySelector("input[type=checkbox]");
      box.checked = $("#select-page").checked;
      box.checked ? checked.add(row.dataset.id) : checked.delete(row.dataset.id);
    });
    selectionChanged();
  });
  $("#page-older").addEventListener("click", () => { if (nextBefore) { cursors.push(nextBefore); attempt(loadInbox); } });
  $("#page-newer").addEventListener("click", () => { if (cursors.length > 1) { cursors.pop(); attempt(loadInbox); } });
  $("#page-error-close").addEventListener("click", clearError);
  $("#sessions-outcome").addEventListener("change", () => attempt(loadSessions));
  document.querySelectorAll("input[name=port-mode]").forEach((radio) => radio.addEventListener("change", () => portModeChosen(radio.value)));
  document.addEventListener("keydown", onKey);
  setInterval(refreshTimes, 30000);
  $("#rule-add").addEventListener("click", () => attempt(saveRule));
  $("#rule-cancel").addEventListener("click", stopEditing);
  $("#try-form").addEventListener("submit", tryAddress);
  $("#reset").addEventListener("click", () => failureChange(api("DELETE", scope() + "/failure-modes")));
  $("#webhook-form").addEventListener("submit", addWebhook);
  $("#inbox-switch").addEventListener("change", () => {
    inbox = $("#inbox-switch").value;
    localStorage.setItem("smtplab.inbox", inbox);
    cursors = [null];
    checked.clear();
    route();
  });
  window.addEventListener("hashchange", route);
  listen();
  route().finally(() => early.clear());
  // The date formats' first use loads the language's data (about 50 ms on a slow machine): done now,
  // while the first answers are on their way, rather than after them.
  formatsOf(lang);
});
