// #/doc/ID[?focus=START-END]: the document text, every mention highlighted by type and linked to its entity;
// relations, quotes and dates listed beside it, each one highlighting its evidence span when clicked.
import { get } from "../api.js";
import { cssType, empty, entityLink, h, replace, route, section, typeBadge } from "../dom.js";
import { unitOffsets } from "../text.js";

/** The document page. */
export async function showDocument(args, params) {
  const doc = await get(`documents/${encodeURIComponent(args[0] || "")}`);
  const body = h("pre", { class: "doctext", id: "doctext" });
  const show = (focus) => {
    replace(body, documentText(doc, focus));
    const target = body.querySelector(".focus");
    // Scroll the text box only, so the page head and the facts stay where they are.
    if (target) body.scrollTop = target.offsetTop - body.clientHeight / 3;
  };
  const facts = h(
    "aside",
    { class: "facts" },
    legend(doc.mentions),
    relationList(doc.relations, show),
    quoteList(doc.quotes, show),
    timeList(doc.times, show),
  );
  const node = h(
    "div",
    { class: "page document" },
    docHeader(doc),
    h("div", { class: "columns" }, body, facts),
  );
  return { node, mount: () => show(parseFocus(params.get("focus"))) };
}

/** "12-40" as {start: 12, end: 40}, or null. */
function parseFocus(value) {
  const match = /^(\d+)-(\d+)$/.exec(value || "");
  return match ? { start: Number(match[1]), end: Number(match[2]) } : null;
}

function docHeader(doc) {
  const meta = [doc.date, doc.language, doc.format, doc.path].filter(Boolean).join(" · ");
  return h(
    "header",
    { class: "pagehead" },
    h("h1", {}, doc.title || doc.path),
    h("p", { class: "meta" }, meta),
  );
}

/** The text cut at every mention and focus boundary; mentions become links, the focused span is marked. */
export function documentText(doc, focus) {
  const { text } = doc;
  const unit = unitOffsets(text);
  const mentions = nonOverlapping(doc.mentions);
  const cuts = new Set([0, text.length]);
  for (const m of mentions) cuts.add(unit(m.start)).add(unit(m.end));
  const span = focus && { start: unit(focus.start), end: unit(focus.end) };
  if (span) cuts.add(span.start).add(span.end);
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const pieces = [];
  let next = 0; // index of the first mention not yet passed
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    while (next < mentions.length && unit(mentions[next].end) <= a) next++;
    const mention = next < mentions.length && unit(mentions[next].start) <= a ? mentions[next] : null;
    const focused = Boolean(span) && a >= span.start && b <= span.end;
    pieces.push(piece(text.slice(a, b), mention, focused));
  }
  return pieces;
}

function piece(text, mention, focused) {
  if (!mention) return focused ? h("span", { class: "focus" }, text) : text;
  const cls = `mention t-${cssType(mention.type)}${focused ? " focus" : ""}`;
  const title = `${mention.type}: ${mention.entity_name || mention.text}`;
  if (!mention.entity) return h("span", { class: cls, title }, text);
  return h(
    "a",
    { class: cls, title, href: route(["entity", mention.entity]), dataset: { mention: mention.id } },
    text,
  );
}

/** Mentions in text order, dropping any that overlaps one already kept (the longer one wins at a tie). */
function nonOverlapping(mentions) {
  const sorted = [...mentions].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const m of sorted) if (!kept.length || m.start >= kept[kept.length - 1].end) kept.push(m);
  return kept;
}

function legend(mentions) {
  const counts = new Map();
  for (const m of mentions) counts.set(m.type, (counts.get(m.type) || 0) + 1);
  const items = [...counts].sort().map(([type, n]) => h("li", {}, typeBadge(type), ` ${n}`));
  return section("Mentions", items.length ? h("ul", { class: "legend" }, items) : empty("No mention found."));
}

function focusButton(label, span, show) {
  return h("button", { type: "button", class: "linkish", onclick: () => show(span) }, label);
}

function relationList(relations, show) {
  const items = relations.map((r) =>
    h(
      "li",
      { class: "relation" },
      entityLink({ id: r.source, name: r.source_name, type: "" }),
      " ",
      focusButton(`${r.type.replaceAll("_", " ")}${r.trigger ? ` (“${r.trigger}”)` : ""}`, r, show),
      " ",
      entityLink({ id: r.target, name: r.target_name, type: "" }),
    ),
  );
  return section("Relations", items.length ? h("ul", {}, items) : empty("No relation found."));
}

function quoteList(quotes, show) {
  const items = quotes.map((q) =>
    h(
      "li",
      { class: "quote" },
      q.speaker
        ? entityLink({ id: q.speaker, name: q.speaker_name || q.speaker_text, type: "" })
        : q.speaker_text,
      ": ",
      focusButton(`“${q.text}”`, { start: q.ev_start ?? q.start, end: q.ev_end ?? q.end }, show),
    ),
  );
  return section("Quotes", items.length ? h("ul", {}, items) : empty("No quote found."));
}

function timeList(times, show) {
  const items = (times || []).map((t) =>
    h(
      "li",
      { class: "time" },
      focusButton(t.text, t, show),
      t.value ? h("span", { class: "meta" }, ` ${t.value}`) : null,
    ),
  );
  return section("Dates", items.length ? h("ul", {}, items) : empty("No date found."));
}
