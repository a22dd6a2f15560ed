// #/review: candidate merges left undone, most in doubt first; "same", "different" or "unsure" records a
// reviewer decision. Below, every decision so far, each of which can be undone.
import { get, post } from "../api.js";
import { undoButton } from "../undo.js";
import { empty, entityLink, h, route, section, statusLine } from "../dom.js";

const JUDGEMENTS = [
  ["positive", "Same"],
  ["negative", "Different"],
  ["unsure", "Unsure"],
];

/** The review page. */
export async function showReview() {
  const [queue, decisions] = await Promise.all([get("review", { limit: 100 }), get("decisions")]);
  const status = statusLine();
  const pairs = queue.map((pair) => pairItem(pair, status));
  return {
    node: h(
      "div",
      { class: "page review" },
      h("h1", {}, "Review queue"),
      status,
      section(
        `Pairs to judge (${queue.length})`,
        pairs.length ? h("ol", { class: "pairs" }, pairs) : empty("Nothing to review."),
      ),
      decisionList(decisions, status),
    ),
  };
}

function side(ref) {
  const named = ref.name && ref.name !== ref.entity_name ? ` (as “${ref.name}”)` : "";
  return h("span", { class: "side" }, entityLink({ id: ref.entity, name: ref.entity_name, type: "" }), named);
}

function pairItem(pair, status) {
  const item = h("li", { class: "pair" });
  const judge = async (kind, label) => {
    try {
      await post("decisions", {
        kind,
        a: pair.a.group,
        b: pair.b.group,
        mentions: [],
        value: null,
        note: "",
        author: null,
      });
      item.replaceChildren(
        h("p", { class: "done" }, `${label}: ${pair.a.entity_name} / ${pair.b.entity_name}`),
      );
      status.report(`Recorded “${label.toLowerCase()}”.`);
    } catch (err) {
      status.report(err.message, true);
    }
  };
  item.append(
    h("p", { class: "names" }, side(pair.a), " ", h("span", { class: "vs" }, "or"), " ", side(pair.b)),
    h("p", { class: "meta" }, `score ${pair.score} · ${pair.rule} · ${pair.reason}`),
    h(
      "p",
      { class: "buttons" },
      JUDGEMENTS.map(([kind, label]) =>
        h("button", { type: "button", class: `judge ${kind}`, onclick: () => judge(kind, label) }, label),
      ),
      " ",
      h("a", { href: route("graph", { entity: [pair.a.entity, pair.b.entity] }) }, "both in the graph"),
    ),
  );
  return item;
}

function decisionList(decisions, status) {
  const items = decisions.map((d) => {
    const now = [d.now?.a, d.now?.b]
      .filter(Boolean)
      .map((e) => entityLink({ id: e.entity, name: e.name, type: "" }));
    return h(
      "li",
      { class: "decision" },
      h("strong", {}, d.kind),
      d.value ? ` “${d.value}”` : "",
      " · ",
      now.length
        ? now.flatMap((link, i) => (i ? [" / ", link] : [link]))
        : [d.a, d.b].filter(Boolean).join(" / "),
      h("span", { class: "meta" }, ` ${[d.author, d.at, d.note].filter(Boolean).join(" · ")} `),
      undoButton(d, status),
    );
  });
  return section(
    `Decisions (${decisions.length})`,
    items.length ? h("ol", { class: "decisions" }, items) : empty("No decision yet."),
  );
}
