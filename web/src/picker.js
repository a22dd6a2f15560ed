// Search-as-you-type for an entity: the merge field, the timeline filter and the graph's path ends.
import { get } from "./api.js";
import { h, replace, typeBadge } from "./dom.js";

const DELAY_MS = 200;

/** An input that lists matching entities as buttons; picking one calls onPick(entity). */
export function entityPicker({
  label,
  placeholder = "type a name",
  exclude = null,
  onPick,
  name = "entity",
}) {
  const list = h("ul", { class: "suggestions", role: "listbox" });
  const input = h("input", { type: "search", name, placeholder, autocomplete: "off", "aria-label": label });
  let timer = null;
  let asked = 0;
  const lookup = async () => {
    const q = input.value.trim();
    const mine = ++asked;
    if (!q) return replace(list);
    const found = await get("entities", { q, limit: 8 }).catch((err) => ({ error: err }));
    if (mine !== asked) return; // a later keystroke has its own answer
    if (found.error) return replace(list, h("li", { class: "error" }, found.error.message));
    const choices = found.entities.filter((e) => e.id !== exclude);
    replace(
      list,
      choices.length ? choices.map((e) => choice(e, pick)) : h("li", { class: "empty" }, "no entity"),
    );
  };
  const pick = (entity) => {
    input.value = entity.name;
    replace(list);
    onPick(entity);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY_MS);
  });
  return h("div", { class: "picker" }, h("label", {}, label, " ", input), list);
}

function choice(entity, pick) {
  const button = h(
    "button",
    { type: "button", class: "choice", onclick: () => pick(entity) },
    entity.name,
    " ",
    typeBadge(entity.type),
    h("span", { class: "count" }, ` ${entity.mention_count ?? ""}`),
  );
  return h("li", { role: "option" }, button);
}
