// Building the page from server data. Every string becomes a text node: nothing the server sends is ever
// parsed as HTML, so a document containing <script> or onerror= shows those characters and runs nothing.
import { unitOffsets } from "./text.js";

/** An element with attributes, properties (on*), and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "href") el.setAttribute("href", safeHref(value));
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Append children (nodes, strings, nested arrays; null skipped) to an element. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Links only ever point inside the app (hash routes): anything else, javascript: included, is dropped. */
export function safeHref(href) {
  return typeof href === "string" && href.startsWith("#/") ? href : "#/";
}

/** A hash route with its query string, e.g. route(["doc", id], {focus: "3-9"}); path parts are encoded. */
export function route(path, params = {}) {
  const parts = [path].flat().map((part, i) => (i === 0 ? part : encodeURIComponent(part)));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [value].flat()) if (v !== null && v !== undefined && v !== "") query.append(key, v);
  }
  const qs = query.toString();
  return `#/${parts.join("/")}${qs ? `?${qs}` : ""}`;
}

/** Text with the part from start to end (code point offsets into text) inside a <mark>. */
export function marked(text, start, end, cls = "") {
  const unit = unitOffsets(text);
  const a = unit(Math.max(0, start));
  const b = Math.max(a, unit(Math.max(0, end)));
  return [text.slice(0, a), h("mark", { class: cls }, text.slice(a, b)), text.slice(b)];
}

/** Replace everything in el by the children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A coloured badge naming an entity type. */
export function typeBadge(type) {
  return h("span", { class: `badge t-${cssType(type)}` }, type || "?");
}

/** An entity type reduced to a safe CSS class suffix. */
export function cssType(type) {
  return String(type || "other").replace(/[^a-z0-9_-]/gi, "") || "other";
}

/** A link to an entity page, coloured by type. */
export function entityLink(entity) {
  return h(
    "a",
    { class: `entity t-${cssType(entity.type)}`, href: route(["entity", entity.id]) },
    entity.name,
  );
}

/** A link to the document page that highlights the span of some evidence. */
export function evidenceLink(evidence, label) {
  const focus = `${evidence.start}-${evidence.end}`;
  return h("a", { class: "doclink", href: route(["doc", evidence.doc], { focus }) }, label);
}

/** A labelled section with a heading. */
export function section(title, ...children) {
  return h("section", { class: "block" }, h("h2", {}, title), ...children);
}

/** A paragraph saying there is nothing to show. */
export function empty(text) {
  return h("p", { class: "empty" }, text);
}

/** Open a route, or render the current one again when it is already open (after a change to the case). */
export function go(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = hash;
}

let carried = null; // a report made just before opening another page, shown by that page's status line

/** A line that reports what an action did, or why it failed. */
export function statusLine() {
  const line = h("p", { class: "status", role: "status" });
  line.report = (text, isError = false) => {
    line.textContent = text;
    line.classList.toggle("error", isError);
  };
  if (carried) line.report(carried);
  carried = null;
  return line;
}

/** Report an outcome on the next page that is rendered (the page an action opens). */
export function carryReport(text) {
  carried = text;
}
