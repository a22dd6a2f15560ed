// The "Undo" button of a reviewer decision, shared by the entity and review pages.
import { del } from "./api.js";
import { carryReport, go, h } from "./dom.js";

/** A button that removes decision `d`, then reloads the page with a report (or reports the error). */
export function undoButton(d, status) {
  const undo = async () => {
    try {
      await del(`decisions/${encodeURIComponent(d.id)}`);
      carryReport(`Decision ${d.id} (${d.kind}) undone.`);
      go(window.location.hash);
    } catch (err) {
      status.report(err.message, true);
    }
  };
  return h("button", { type: "button", class: "small", onclick: undo }, "Undo");
}
