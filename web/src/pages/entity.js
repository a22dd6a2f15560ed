// #/entity/ID: everything known about one entity, and the reviewer's tools (merge, rename, retype, split).
import { get, post } from "../api.js";
import { undoButton } from "../undo.js";
import {
  carryReport,
  empty,
  entityLink,
  evidenceLink,
  go,
  h,
  marked,
  route,
  section,
  statusLine,
  typeBadge,
} from "../dom.js";
import { entityPicker } from "../picker.js";

export const ENTITY_TYPES = ["person", "organization", "location", "facility", "misc"];

/** The entity page. */
export async function showEntity(args) {
  const entity = await get(`entities/${encodeURIComponent(args[0] || "")}`, { limit: 200 });
  const status = statusLine();
  const decide = async (body, success) => {
    try {
      const done = await post("decisions", {
        note: "",
        author: null,
        b: null,
        mentions: [],
        value: null,
        ...body,
      });
      carryReport(success);
      go(route(["entity", done.entity || entity.id]));
    } catch (err) {
      status.report(err.message, true);
    }
  };
  const node = h(
    "div",
    { class: "page entity" },
    entityHeader(entity),
    status,
    tools(entity, decide),
    h(
      "div",
      { class: "columns" },
      h("div", {}, mentionList(entity, decide), relationList(entity), quoteList(entity)),
      h("aside", {}, groupList(entity), decisionList(entity.decisions, status), eventList(entity.events)),
    ),
  );
  return { node };
}

function entityHeader(entity) {
  const aliases = (entity.aliases || []).filter((a) => a !== entity.name);
  return h(
    "header",
    { class: "pagehead" },
    h("h1", {}, entity.name, " ", typeBadge(entity.type)),
    h("p", { class: "meta" }, `${entity.mention_count} mentions · id ${entity.id}`),
    aliases.length ? h("p", { class: "aliases" }, "Also: ", aliases.join(" · ")) : null,
    h(
      "p",
      { class: "actions" },
      h("a", { class: "button", href: route("graph", { entity: entity.id }) }, "Graph"),
      h("a", { class: "button", href: route("timeline", { entity: entity.id }) }, "Timeline"),
      h("a", { class: "button", href: route("search", { q: entity.name, entity: entity.id }) }, "Documents"),
    ),
  );
}

/** Merge, rename and retype forms. */
function tools(entity, decide) {
  const merge = h("div", { class: "merge" });
  const mergeButton = h("button", { type: "button", class: "merge-confirm", hidden: true }, "Merge");
  let other = null;
  mergeButton.addEventListener("click", () =>
    decide({ kind: "merge", a: entity.id, b: other.id }, `Merged ${other.name} into ${entity.name}.`),
  );
  const picker = entityPicker({
    label: "Merge with",
    placeholder: "another entity",
    exclude: entity.id,
    name: "merge",
    onPick: (picked) => {
      other = picked;
      mergeButton.textContent = `Merge “${picked.name}” into this entity`;
      mergeButton.hidden = false;
    },
  });
  merge.append(picker, mergeButton);
  return h(
    "details",
    { class: "tools" },
    h("summary", {}, "Correct this entity"),
    merge,
    renameForm(entity, decide),
    retypeForm(entity, decide),
  );
}

function renameForm(entity, decide) {
  const input = h("input", { name: "name", value: entity.name, "aria-label": "new name", required: true });
  const onsubmit = (event) => {
    event.preventDefault();
    decide({ kind: "rename", a: entity.id, value: input.value.trim() }, `Renamed to ${input.value.trim()}.`);
  };
  return h(
    "form",
    { class: "rename", onsubmit },
    h("label", {}, "Rename ", input),
    h("button", {}, "Rename"),
  );
}

function retypeForm(entity, decide) {
  const types = ENTITY_TYPES.includes(entity.type) ? ENTITY_TYPES : [entity.type, ...ENTITY_TYPES];
  const select = h(
    "select",
    { name: "type", "aria-label": "new type" },
    types.map((t) => h("option", { value: t, selected: t === entity.type }, t)),
  );
  const onsubmit = (event) => {
    event.preventDefault();
    decide({ kind: "retype", a: entity.id, value: select.value }, `Type set to ${select.value}.`);
  };
  return h("form", { class: "retype", onsubmit }, h("label", {}, "Type ", select), h("button", {}, "Retype"));
}

function mentionList(entity, decide) {
  const items = entity.mentions.map((m) => {
    const sentence = m.sentence || { start: m.start, end: m.end, text: m.text, doc: m.doc };
    const split = () =>
      decide(
        { kind: "split", a: entity.id, mentions: [m.id] },
        `“${m.text}” in ${m.doc_title || m.doc_path} is now an entity of its own.`,
      );
    return h(
      "li",
      { class: "mention", dataset: { mention: m.id } },
      h("p", { class: "sentence" }, marked(sentence.text, m.start - sentence.start, m.end - sentence.start)),
      h(
        "p",
        { class: "meta" },
        evidenceLink(m, m.doc_title || m.doc_path),
        " ",
        h(
          "button",
          { type: "button", class: "small split", title: "This mention names someone else", onclick: split },
          "Split",
        ),
      ),
    );
  });
  return section(titled("Mentions", items.length, entity.totals?.mentions), list(items, "No mention."));
}

function relationList(entity) {
  const items = entity.relations.map((r) =>
    h(
      "li",
      { class: "relation" },
      h(
        "p",
        {},
        r.direction === "in" ? "← " : "→ ",
        h("strong", {}, r.type.replaceAll("_", " ")),
        " ",
        entityLink(r.other),
      ),
      h("p", { class: "sentence" }, r.evidence.text, " ", evidenceLink(r.evidence, "source")),
    ),
  );
  return section(titled("Relations", items.length, entity.totals?.relations), list(items, "No relation."));
}

function quoteList(entity) {
  const items = entity.quotes.map((q) =>
    h(
      "li",
      { class: "quote" },
      h("blockquote", {}, q.text),
      h("p", { class: "meta" }, evidenceLink(q.evidence, q.evidence.text)),
    ),
  );
  return section(titled("Quotes", items.length, entity.totals?.quotes), list(items, "No quote."));
}

/** Its timeline items (dated sentences and incidents naming it), each opening its evidence. */
function eventList(events) {
  if (!events || !events.length) return null;
  const items = events.map((e) =>
    h(
      "li",
      { class: `dated ${e.kind}` },
      h("span", { class: "date" }, e.end ? `${e.date} – ${e.end}` : e.date),
      " ",
      // "2014" next to the date 2014 says nothing: link the word "source" instead
      e.evidence ? evidenceLink(e.evidence, e.label === e.date ? "source" : e.label) : e.label,
    ),
  );
  return section(`Dated (${events.length})`, h("ul", { class: "dated-list" }, items));
}

function groupList(entity) {
  const groups = (entity.groups || []).map((g) =>
    h("li", {}, g.name, " ", typeBadge(g.type), h("span", { class: "count" }, ` ${g.mentions}`)),
  );
  const reasons = (entity.reasons || []).map((r) => h("li", {}, r));
  return section(
    "Why these are one entity",
    groups.length ? h("ul", { class: "groups" }, groups) : null,
    reasons.length ? h("ul", { class: "reasons" }, reasons) : empty("Nothing was joined."),
  );
}

function decisionList(decisions, status) {
  const items = (decisions || []).map((d) => {
    const what = [d.kind, d.value, d.author, d.at, d.note].filter(Boolean).join(" · ");
    return h(
      "li",
      { class: "decision" },
      what,
      " ",
      undoButton(d, status),
    );
  });
  return section("Reviewer decisions", list(items, "None."));
}

function titled(title, shown, total) {
  return total && total > shown ? `${title} (${shown} of ${total})` : `${title} (${shown})`;
}

function list(items, none) {
  return items.length ? h("ul", {}, items) : empty(none);
}
