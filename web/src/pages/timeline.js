// #/timeline[?entity=ID&from=...&to=...]: dated items on a zoomable axis (a small hand-drawn SVG), each
// bar as long as its date is precise (a year, a month, a day), and the same items listed below.
import { get } from "../api.js";
import { empty, entityLink, evidenceLink, h, replace, route, section } from "../dom.js";
import { entityPicker } from "../picker.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86_400_000;
const LANE = 22; // pixels per row of bars
const AXIS = 28;
const ZOOM_STEP = 1.6;

/** The timeline page. */
export async function showTimeline(_args, params) {
  const filter = {
    entity: params.get("entity") || "",
    from: params.get("from") || "",
    to: params.get("to") || "",
  };
  const [data, entity] = await Promise.all([
    get("timeline", { ...filter, limit: 1000 }),
    filter.entity ? get(`entities/${encodeURIComponent(filter.entity)}`, { limit: 1 }) : null,
  ]);
  const details = h(
    "aside",
    { class: "panel", id: "timeline-panel" },
    empty("Click an item to read its evidence."),
  );
  const show = (item) => replace(details, itemDetails(item));
  const chart = new Chart(data.items, show);
  const node = h(
    "div",
    { class: "page timeline" },
    filterForm(filter, entity),
    data.items.length ? chart.controls() : null,
    data.items.length ? chart.frame : empty("No dated item."),
    h("div", { class: "columns" }, itemList(data.items, show, data.total), details),
  );
  return { node, mount: () => (data.items.length ? chart.fit() : null) };
}

function filterForm(filter, entity) {
  const picker = entityPicker({
    label: "Entity",
    placeholder: "filter by entity",
    name: "timeline-entity",
    onPick: (e) => {
      window.location.hash = route("timeline", { ...filter, entity: e.id });
    },
  });
  const onsubmit = (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.target));
    window.location.hash = route("timeline", { entity: filter.entity, from: data.from, to: data.to });
  };
  const dateField = (name) =>
    h("input", {
      name,
      value: filter[name],
      placeholder: "YYYY[-MM[-DD]]",
      pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?",
      size: 11,
    });
  return h(
    "div",
    { class: "filters" },
    entity
      ? h(
          "p",
          { class: "current" },
          "Items naming ",
          entityLink(entity),
          " ",
          h("a", { href: route("timeline", { ...filter, entity: "" }) }, "(all entities)"),
        )
      : null,
    picker,
    h(
      "form",
      { class: "dates", onsubmit },
      h("label", {}, "from ", dateField("from")),
      h("label", {}, "to ", dateField("to")),
      h("button", {}, "Filter"),
    ),
  );
}

/** The time an ISO prefix ("2015", "2015-07", "2015-07-20") starts, and when the period after it starts. */
export function period(value, endValue) {
  const [y, m, d] = String(value).split("-").map(Number);
  const start = Date.UTC(y, (m || 1) - 1, d || 1);
  const after = d ? Date.UTC(y, m - 1, d + 1) : m ? Date.UTC(y, m, 1) : Date.UTC(y + 1, 0, 1);
  if (!endValue || endValue === value) return [start, after];
  return [start, Math.max(after, period(endValue)[1])];
}

class Chart {
  constructor(items, onPick) {
    this.items = items.map((item) => ({ item, span: period(item.date, item.end) }));
    this.onPick = onPick;
    this.zoom = 1;
    this.frame = h("div", { class: "chart", id: "timeline-chart" });
    const spans = this.items.map((i) => i.span);
    this.min = Math.min(...spans.map((s) => s[0]));
    this.max = Math.max(...spans.map((s) => s[1]));
    this.frame.addEventListener("wheel", (event) => {
      if (!event.ctrlKey) return; // a plain wheel scrolls the page; ctrl + wheel zooms, as in maps
      event.preventDefault();
      this.zoomBy(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, event.offsetX);
    });
  }

  controls() {
    return h(
      "div",
      { class: "zoom" },
      h("button", { type: "button", onclick: () => this.zoomBy(ZOOM_STEP), "aria-label": "zoom in" }, "+"),
      h(
        "button",
        { type: "button", onclick: () => this.zoomBy(1 / ZOOM_STEP), "aria-label": "zoom out" },
        "−",
      ),
      h("button", { type: "button", onclick: () => this.fit() }, "Fit"),
      h("button", { type: "button", onclick: () => this.all() }, "All"),
      h("span", { class: "meta" }, " ctrl + wheel zooms, scroll sideways to move"),
    );
  }

  /** Zoom to where most items are (a lone item decades earlier would squeeze the rest into a corner). */
  fit() {
    const starts = this.items.map((i) => i.span[0]).sort((a, b) => a - b);
    const ends = this.items.map((i) => i.span[1]).sort((a, b) => a - b);
    const low = starts[Math.floor(0.05 * starts.length)];
    const high = ends[Math.ceil(0.95 * ends.length) - 1];
    this.zoom = Math.min(400, Math.max(1, (0.9 * (this.max - this.min)) / Math.max(DAY, high - low)));
    this.draw();
    this.frame.scrollLeft = this.x(low) - 20;
  }

  all() {
    this.zoom = 1;
    this.draw();
  }

  zoomBy(factor, atX = null) {
    const x = atX ?? this.frame.clientWidth / 2;
    const anchor = (this.frame.scrollLeft + x) / this.width(); // keep the point under the cursor in place
    this.zoom = Math.min(400, Math.max(1, this.zoom * factor));
    this.draw();
    this.frame.scrollLeft = anchor * this.width() - x;
  }

  width() {
    return Math.max(300, (this.frame.clientWidth || 900) - 2) * this.zoom;
  }

  /** Where a time lies on the axis (room is left on the right for the last labels). */
  x(time) {
    const [left, right] = [8, 180];
    return left + ((time - this.min) / (this.max - this.min || DAY)) * (this.width() - left - right);
  }

  draw() {
    const width = this.width();
    const lanes = this.lanes();
    const height = AXIS + LANE * Math.max(1, lanes.count) + 8;
    const svg = svgEl("svg", { width, height, role: "img", "aria-label": "timeline" });
    svg.append(...this.axis(height));
    this.items.forEach(({ item, span }, i) => svg.append(this.bar(item, span, lanes.of[i])));
    this.frame.replaceChildren(svg);
    this.frame.dataset.zoom = String(this.zoom);
  }

  /** A row for each item, so that no two bars (with room for their labels) overlap. */
  lanes() {
    const ends = [];
    const of = this.items.map(({ item, span }) => {
      const left = this.x(span[0]);
      const right = Math.max(this.x(span[1]), left + 8 + 6.5 * Math.min(28, item.label.length));
      let lane = ends.findIndex((end) => end < left);
      if (lane < 0) lane = ends.push(0) - 1;
      ends[lane] = right + 6;
      return lane;
    });
    return { of, count: ends.length };
  }

  bar(item, span, lane) {
    const left = this.x(span[0]);
    const y = AXIS + lane * LANE;
    const width = Math.max(6, this.x(span[1]) - left);
    const g = svgEl("g", { class: `item ${item.kind}`, tabindex: 0, role: "button", "data-id": item.id });
    const title = svgEl("title");
    title.textContent = `${item.date}${item.end ? ` – ${item.end}` : ""}: ${item.evidence.text}`;
    const label = svgEl("text", { x: left + Math.min(width, 6) + 2, y: y + 13 });
    label.textContent = item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label;
    g.append(title, svgEl("rect", { x: left, y: y + 3, width, height: 14, rx: 3 }), label);
    g.addEventListener("click", () => this.pick(g, item));
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") this.pick(g, item);
    });
    return g;
  }

  pick(g, item) {
    for (const other of this.frame.querySelectorAll(".item.picked")) other.classList.remove("picked");
    g.classList.add("picked");
    this.onPick(item);
  }

  /** Ticks for years, months or days, whichever the zoom leaves room for. */
  axis(height) {
    const perDay = (this.x(this.min + DAY * 365) - this.x(this.min)) / 365;
    const unit = perDay * 365 < 60 ? "decade" : perDay * 30 < 40 ? "year" : perDay < 28 ? "month" : "day";
    const out = [svgEl("line", { x1: 0, x2: this.width(), y1: AXIS - 6, y2: AXIS - 6, class: "axis" })];
    for (const [time, text] of ticks(this.min, this.max, unit)) {
      const x = this.x(time);
      out.push(svgEl("line", { x1: x, x2: x, y1: AXIS - 10, y2: height, class: "tick" }));
      const label = svgEl("text", { x: x + 3, y: AXIS - 12, class: "ticklabel" });
      label.textContent = text;
      out.push(label);
    }
    return out;
  }
}

function ticks(min, max, unit) {
  const first = new Date(min);
  let [y, m, d] = [
    first.getUTCFullYear(),
    unit === "month" || unit === "day" ? first.getUTCMonth() : 0,
    unit === "day" ? first.getUTCDate() : 1,
  ];
  if (unit === "decade") y -= y % 10;
  const out = [];
  for (let t = Date.UTC(y, m, d); t <= max && out.length < 2000;) {
    const date = new Date(t);
    const text =
      unit === "day"
        ? date.toISOString().slice(0, 10)
        : unit === "month"
          ? date.toISOString().slice(0, 7)
          : String(date.getUTCFullYear());
    out.push([t, text]);
    if (unit === "decade") y += 10;
    else if (unit === "year") y += 1;
    else if (unit === "month") m += 1;
    else d += 1;
    t = Date.UTC(y, m, d);
  }
  return out;
}

function svgEl(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

function itemList(items, show, total) {
  const rows = items.map((item) =>
    h(
      "li",
      { class: `item ${item.kind}`, dataset: { id: item.id } },
      h(
        "button",
        { type: "button", class: "linkish date", onclick: () => show(item) },
        item.end ? `${item.date} – ${item.end}` : item.date,
      ),
      " ",
      item.label,
      " · ",
      item.entities.map((e, i) => [i ? ", " : "", entityLink(e)]),
    ),
  );
  const title = total > items.length ? `Items (${items.length} of ${total})` : `Items (${items.length})`;
  return section(title, rows.length ? h("ol", { class: "timeline-list" }, rows) : empty("Nothing dated."));
}

function itemDetails(item) {
  return [
    h(
      "h2",
      {},
      item.end ? `${item.date} – ${item.end}` : item.date,
      " ",
      h("span", { class: "meta" }, item.kind === "event" ? "event" : "dated sentence"),
    ),
    h("p", { class: "sentence" }, item.evidence.text),
    h("p", { class: "meta" }, evidenceLink(item.evidence, item.evidence.doc_title || "document")),
    item.entities.length
      ? h(
          "p",
          {},
          "Names: ",
          item.entities.map((e, i) => [i ? ", " : "", entityLink(e)]),
        )
      : null,
  ];
}
