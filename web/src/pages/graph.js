// #/graph?entity=ID[&entity=ID2]: the network around entities. Click a node to expand it, an edge to read its
// evidence; filter by type; highlight the shortest path between two entities.
import cytoscape from "cytoscape";
import { get } from "../api.js";
import { colourOf } from "../colours.js";
import {
  empty,
  entityLink,
  evidenceLink,
  h,
  replace,
  route,
  section,
  statusLine,
  typeBadge,
} from "../dom.js";
import { entityPicker } from "../picker.js";

const NEIGHBOURS = 60; // nodes fetched per expansion: enough to see a hub, few enough to read
const LAYOUT = { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, padding: 30 };

/** The graph page (a start page with an entity picker when no entity is named). */
export async function showGraph(_args, params) {
  const starts = params.getAll("entity");
  if (!starts.length) return startPage();
  const data = await get("graph", { entity: starts, depth: 1, limit: NEIGHBOURS * starts.length });
  return new GraphView(starts, data).view();
}

async function startPage() {
  const summary = await get("summary");
  const picker = entityPicker({
    label: "Start from",
    onPick: (e) => {
      window.location.hash = route("graph", { entity: e.id });
    },
  });
  const top = Object.entries(summary.top_entities || {}).flatMap(([type, list]) =>
    list.map((e) => ({ ...e, type })),
  );
  const links = top.map((e) =>
    h("li", {}, h("a", { href: route("graph", { entity: e.id }) }, e.name), " ", typeBadge(e.type)),
  );
  return {
    node: h(
      "div",
      { class: "page graph-start" },
      h("h1", {}, "Graph"),
      picker,
      section("Most mentioned", h("ul", { class: "entities" }, links)),
    ),
  };
}

class GraphView {
  constructor(starts, data) {
    this.starts = new Set(starts);
    this.data = data;
    this.hidden = new Set();
    this.status = statusLine();
    this.panel = h(
      "aside",
      { class: "panel", id: "graph-panel" },
      empty("Click a node to expand it, an edge to read its evidence."),
    );
    this.container = h("div", { class: "cy", id: "cy" });
    this.filters = h("fieldset", { class: "types" }, h("legend", {}, "Types"));
    this.ends = [
      h("select", { name: "path-from", "aria-label": "path from" }),
      h("select", { name: "path-to", "aria-label": "path to" }),
    ];
  }

  view() {
    const controls = h(
      "div",
      { class: "controls" },
      this.filters,
      this.pathForm(),
      entityPicker({
        label: "Add",
        placeholder: "another entity",
        name: "add",
        onPick: (e) => this.expand(e.id),
      }),
      h("button", { type: "button", onclick: () => this.layout() }, "Lay out again"),
      this.status,
    );
    const node = h(
      "div",
      { class: "page graph" },
      controls,
      h("div", { class: "graph-main" }, this.container, this.panel),
    );
    return { node, mount: () => this.mount() };
  }

  mount() {
    this.cy = cytoscape({
      container: this.container,
      elements: [],
      style: graphStyle(),
      minZoom: 0.1,
      maxZoom: 4,
    });
    window.casegraphGraph = this.cy; // for the browser tests and for poking at the graph from the console
    this.add(this.data);
    this.layout();
    this.cy.on("tap", "node", (event) => this.tapNode(event.target));
    this.cy.on("tap", "edge", (event) => this.showEdge(event.target));
    return () => {
      if (window.casegraphGraph === this.cy) delete window.casegraphGraph;
      this.cy.destroy();
    };
  }

  /** Add the nodes and edges of an API answer that are not shown yet; returns how many nodes were new. */
  add(data, near = null) {
    const fresh = data.nodes.filter((n) => this.cy.getElementById(n.id).empty());
    const centre = near ? near.position() : { x: 0, y: 0 };
    this.cy.add(
      fresh.map((n, i) => ({
        group: "nodes",
        data: { id: n.id, name: n.name, type: n.type, mentions: n.mentions },
        classes: this.starts.has(n.id) ? "start" : "",
        position: { x: centre.x + 40 * Math.cos(i), y: centre.y + 40 * Math.sin(i) },
      })),
    );
    const edges = data.edges.filter((e) => this.cy.getElementById(e.id).empty());
    this.cy.add(
      edges.map((e) => ({
        group: "edges",
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          type: e.type,
          label: e.type.replaceAll("_", " "),
          relations: e.relations,
          weight: e.relation_count ?? e.relations.length,
        },
      })),
    );
    this.refreshControls();
    this.applyTypes();
    return fresh.length;
  }

  layout() {
    this.cy.layout({ ...LAYOUT, randomize: this.cy.nodes().length < 3 }).run();
    this.cy.fit(undefined, 30);
    if (this.cy.zoom() > 1.2)
      this.cy.zoom({ level: 1.2, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
  }

  async tapNode(node) {
    this.showNode(node);
    if (!node.hasClass("expanded")) await this.expand(node.id());
  }

  /** Fetch an entity's neighbours and add them around it. */
  async expand(entityId) {
    try {
      const data = await get("graph", { entity: entityId, depth: 1, limit: NEIGHBOURS });
      const near = this.cy.getElementById(entityId);
      const added = this.add(data, near.empty() ? null : near);
      this.cy.getElementById(entityId).addClass("expanded");
      if (added) this.layout();
      this.status.report(added ? `${added} more entities.` : "No more neighbours.");
    } catch (err) {
      this.status.report(err.message, true);
    }
  }

  showNode(node) {
    const { id, name, type, mentions } = node.data();
    replace(
      this.panel,
      h("h2", {}, name, " ", typeBadge(type)),
      h("p", { class: "meta" }, `${mentions} mentions, ${node.connectedEdges().length} edges shown`),
      h(
        "p",
        {},
        h("a", { href: route(["entity", id]) }, "Entity page"),
        " · ",
        h("a", { href: route("timeline", { entity: id }) }, "Timeline"),
      ),
    );
  }

  /** The side panel for an edge: every relation behind it with its evidence sentence. */
  showEdge(edge) {
    const source = edge.source().data();
    const target = edge.target().data();
    const items = edge
      .data("relations")
      .map((r) =>
        h(
          "li",
          { class: "evidence" },
          h("p", { class: "sentence" }, r.text),
          h(
            "p",
            { class: "meta" },
            r.trigger ? `“${r.trigger}” · ` : "",
            evidenceLink(r, r.doc_title || "document"),
          ),
        ),
      );
    replace(
      this.panel,
      h(
        "h2",
        {},
        entityLink(source),
        " ",
        h("span", { class: "reltype" }, edge.data("label")),
        " ",
        entityLink(target),
      ),
      h("ul", { class: "evidence-list" }, items),
      // The API sends the evidence of at most 100 relations per edge.
      edge.data("weight") > items.length
        ? h("p", { class: "empty" }, `The first ${items.length} of ${edge.data("weight")} relations.`)
        : null,
    );
  }

  refreshControls() {
    const types = [...new Set(this.cy.nodes().map((n) => n.data("type")))].sort();
    replace(
      this.filters,
      h("legend", {}, "Types"),
      types.map((t) =>
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            name: "type",
            value: t,
            checked: !this.hidden.has(t),
            onchange: (e) => this.toggleType(t, e.target.checked),
          }),
          " ",
          typeBadge(t),
        ),
      ),
    );
    const nodes = this.cy
      .nodes()
      .map((n) => n.data())
      .sort((a, b) => a.name.localeCompare(b.name));
    this.ends.forEach((select, i) => {
      const keep = select.value || [...this.starts][i] || "";
      replace(
        select,
        h("option", { value: "" }, i ? "to…" : "from…"),
        nodes.map((n) => h("option", { value: n.id, selected: n.id === keep }, n.name)),
      );
    });
  }

  toggleType(type, shown) {
    if (shown) this.hidden.delete(type);
    else this.hidden.add(type);
    this.applyTypes();
  }

  /** Hide the nodes of unticked types (their edges go with them), also those added later. */
  applyTypes() {
    this.cy.nodes().forEach((n) => {
      n.style("display", this.hidden.has(n.data("type")) ? "none" : "element");
    });
  }

  pathForm() {
    const onsubmit = (event) => {
      event.preventDefault();
      this.highlightPath(this.ends[0].value, this.ends[1].value);
    };
    const clear = () => this.cy.elements().removeClass("path faded");
    return h(
      "form",
      { class: "path", onsubmit },
      h("span", {}, "Shortest path "),
      this.ends,
      h("button", { type: "submit" }, "Show path"),
      h("button", { type: "button", onclick: clear }, "Clear"),
    );
  }

  /** Fetch the shortest path between two entities, add what is missing and highlight it. */
  async highlightPath(from, to) {
    if (!from || !to || from === to) return this.status.report("Pick two different entities.", true);
    try {
      const path = await get("path", { from, to, max_depth: 4 });
      this.cy.elements().removeClass("path faded");
      if (!path.edges.length) return this.status.report("No path of at most 4 relations links them.", true);
      if (this.add(path)) this.layout();
      const ids = [...path.nodes.map((n) => n.id), ...path.edges.map((e) => e.id)];
      const onPath = this.cy.collection(ids.map((id) => this.cy.getElementById(id)));
      this.cy.elements().not(onPath).addClass("faded");
      onPath.addClass("path");
      this.status.report(`A path of ${path.edges.length} relation${path.edges.length === 1 ? "" : "s"}.`);
      replace(
        this.panel,
        h("h2", {}, "Path"),
        h(
          "ol",
          { class: "path-steps" },
          path.edges.map((e) => pathStep(e, path.nodes)),
        ),
      );
    } catch (err) {
      this.status.report(err.message, true);
    }
  }
}

function pathStep(edge, nodes) {
  const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const first = edge.relations[0];
  return h(
    "li",
    {},
    entityLink(byId[edge.source] || { id: edge.source, name: edge.source }),
    ` ${edge.type.replaceAll("_", " ")} `,
    entityLink(byId[edge.target] || { id: edge.target, name: edge.target }),
    first
      ? h("p", { class: "sentence" }, first.text, " ", evidenceLink(first, first.doc_title || "document"))
      : null,
  );
}

function graphStyle() {
  return [
    {
      selector: "node",
      style: {
        label: "data(name)",
        "background-color": (n) => colourOf(n.data("type")),
        width: (n) => 18 + 6 * Math.sqrt(n.data("mentions") || 1),
        height: (n) => 18 + 6 * Math.sqrt(n.data("mentions") || 1),
        "font-size": 11,
        "text-valign": "bottom",
        "text-margin-y": 3,
        "text-wrap": "wrap",
        "text-max-width": 120,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.7,
      },
    },
    { selector: "node.start", style: { "border-width": 3, "border-color": "#222" } },
    {
      selector: "node.expanded",
      style: { "border-width": 2, "border-color": "#555", "border-style": "dashed" },
    },
    {
      selector: "edge",
      style: {
        label: "data(label)",
        width: (e) => 1 + Math.min(6, e.data("weight") || 1),
        "curve-style": "bezier",
        "target-arrow-shape": "triangle",
        "line-color": "#9aa3ad",
        "target-arrow-color": "#9aa3ad",
        "font-size": 9,
        color: "#333",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.8,
      },
    },
    { selector: ":selected", style: { "overlay-opacity": 0.15 } },
    {
      selector: ".path",
      style: {
        "line-color": "#e0a100",
        "target-arrow-color": "#e0a100",
        "border-color": "#e0a100",
        "border-width": 4,
      },
    },
    { selector: ".faded", style: { opacity: 0.2 } },
  ];
}
