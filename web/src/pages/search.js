// #/search?q=...&type=...&from=...&to=...&entity=...: full-text search with highlighted snippets.
import { get } from "../api.js";
import { empty, entityLink, h, route, section, typeBadge } from "../dom.js";

const FILTERS = ["q", "type", "from", "to", "entity"];

/** The search page: the form, then the hits and the matching entities (or the case summary). */
export async function showSearch(_args, params) {
  const wanted = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || ""]));
  const summary = await get("summary");
  const form = searchForm(wanted, entityTypes(summary));
  if (!wanted.q) return { node: h("div", { class: "page search" }, form, overview(summary)) };
  const result = await get("search", { ...wanted, limit: 50 });
  return {
    node: h(
      "div",
      { class: "page search" },
      form,
      h("div", { class: "columns" }, hitList(result.hits), entityList(result.entities)),
    ),
  };
}

/** Entity types known to the case, from the summary. */
function entityTypes(summary) {
  const byType = summary.top_entities || summary.entities || {};
  return Object.keys(byType).sort();
}

function searchForm(wanted, types) {
  const field = (name, attrs) => h("input", { name, value: wanted[name], ...attrs });
  const typeSelect = h(
    "select",
    { name: "type", "aria-label": "entity type" },
    h("option", { value: "" }, "any type"),
    types.map((t) => h("option", { value: t, selected: t === wanted.type }, t)),
  );
  const onsubmit = (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.target));
    window.location.hash = route("search", { ...data, entity: wanted.entity });
  };
  return h(
    "form",
    { class: "searchbar", role: "search", onsubmit },
    field("q", {
      type: "search",
      placeholder: 'words, "a phrase", a OR b',
      "aria-label": "search",
      autofocus: true,
    }),
    typeSelect,
    h("label", {}, "from ", field("from", { type: "date" })),
    h("label", {}, "to ", field("to", { type: "date" })),
    h("button", { type: "submit" }, "Search"),
    wanted.entity ? h("a", { href: route("search", { ...wanted, entity: "" }) }, "(any entity)") : null,
  );
}

function hitList(hits) {
  const items = hits.map((hit) =>
    h(
      "li",
      { class: "hit" },
      h("a", { class: "title", href: route(["doc", hit.doc]) }, hit.title || hit.path),
      h("span", { class: "meta" }, [hit.date, hit.path].filter(Boolean).join(" · ")),
      h("p", { class: "snippet" }, snippet(hit.snippet)),
    ),
  );
  const count = `${hits.length} document${hits.length === 1 ? "" : "s"}`;
  return section(
    `Documents (${count})`,
    items.length ? h("ol", { class: "hits" }, items) : empty("No document matches."),
  );
}

/** The snippet's parts as text, the matching ones inside <mark>. */
export function snippet(parts) {
  return (parts || []).map((part) => (part.match ? h("mark", {}, part.text) : part.text));
}

function entityList(entities) {
  const items = (entities || []).map((e) =>
    h("li", {}, entityLink(e), " ", typeBadge(e.type), h("span", { class: "count" }, ` ${e.mention_count}`)),
  );
  return section(
    "Entities",
    items.length ? h("ul", { class: "entities" }, items) : empty("No entity by that name."),
  );
}

function overview(summary) {
  const counts = summary.counts || {};
  const byType = summary.top_entities || {};
  return h(
    "div",
    { class: "overview" },
    h(
      "p",
      { class: "counts" },
      Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(" · "),
    ),
    h(
      "div",
      { class: "columns" },
      Object.entries(byType).map(([type, top]) =>
        section(
          type,
          h(
            "ul",
            { class: "entities" },
            top.map((e) =>
              h("li", {}, entityLink({ ...e, type }), h("span", { class: "count" }, ` ${e.mention_count}`)),
            ),
          ),
        ),
      ),
    ),
  );
}
