// One page app: the hash names the page (#/search?q=..., #/doc/ID, #/entity/ID, #/graph, #/timeline, #/map,
// #/review). A page is `async show(args, params) -> {node, mount?}`: it builds its node off screen, and
// `mount()` (run once the node is on screen, for the graph and the map) may return a cleanup function.
import "./style.css";
import { ApiError, logout, session } from "./api.js";
import { carryReport, h, replace } from "./dom.js";
import { showDocument } from "./pages/document.js";
import { showEntity } from "./pages/entity.js";
import { showLogin } from "./pages/login.js";
import { showReview } from "./pages/review.js";
import { showSearch } from "./pages/search.js";

const PAGES = {
  search: showSearch,
  doc: showDocument,
  entity: showEntity,
  // The graph and map libraries are large: loaded when their page is first opened.
  graph: lazy(() => import("./pages/graph.js"), "showGraph"),
  timeline: lazy(() => import("./pages/timeline.js"), "showTimeline"),
  map: lazy(() => import("./pages/map.js"), "showMap"),
  review: showReview,
};

function lazy(load, name) {
  return async (args, params) => (await load())[name](args, params);
}

let cleanup = null;
let rendering = 0;
let account = { auth: false, user: null }; // whether the case needs a login, and who is logged in

/** The page, its path arguments and query parameters named by the location hash. */
export function parseHash(hash) {
  const rest = hash.replace(/^#\/?/, "");
  const cut = rest.includes("?") ? rest.indexOf("?") : rest.length;
  const [path, query] = [rest.slice(0, cut), rest.slice(cut + 1)];
  const [page, ...args] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: page || "search", args, params: new URLSearchParams(query) };
}

async function render() {
  const app = document.getElementById("app");
  const { page, args, params } = parseHash(window.location.hash);
  const mine = ++rendering;
  if (cleanup) cleanup();
  cleanup = null;
  document.body.dataset.page = page;
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.page === page);
  }
  app.setAttribute("aria-busy", "true");
  let view;
  try {
    if (account.auth && !account.user) throw new ApiError(401, "unauthorized", "This case needs a login.");
    if (!PAGES[page])
      throw new ApiError(404, "not_found", `There is no page "${page}": use the links above.`);
    view = await PAGES[page](args, params);
  } catch (err) {
    if (!(err instanceof ApiError)) console.error(err); // a bug, not an answer such as "no entity"
    // No user (or the session ended): the login form, which opens this same page once logged in.
    if (err instanceof ApiError && err.status === 401) {
      account = { auth: true, user: null };
      showUser(null);
      view = showLogin(err.message, loggedIn);
    } else view = { node: h("p", { class: "error", role: "alert" }, err.message) };
  }
  if (mine !== rendering) return; // the user went elsewhere meanwhile
  replace(app, view.node);
  carryReport(null); // shown by this page, or by none
  try {
    cleanup = (view.mount && view.mount()) || null;
  } catch (err) {
    console.error(err);
    app.append(h("p", { class: "error", role: "alert" }, err.message));
  }
  app.setAttribute("aria-busy", "false");
}

/** The user logged in (or none), beside the menu, with a button to log out. */
function showUser(user) {
  const header = document.querySelector("header.top");
  let who = header.querySelector(".who");
  if (!who) who = header.appendChild(h("span", { class: "who" }));
  document.body.dataset.role = user ? user.role : "";
  if (!user) return replace(who);
  const out = async () => {
    await logout().catch(() => null);
    account = { ...account, user: null };
    showUser(null);
    render();
  };
  replace(
    who,
    h("span", { class: "user" }, `${user.name} (${user.role})`),
    h("button", { type: "button", class: "small", onclick: out }, "Log out"),
  );
}

function loggedIn(user) {
  account = { auth: true, user };
  showUser(user);
  render();
}

async function start() {
  const found = await session().catch(() => null);
  if (found) account = { auth: found.auth, user: found.user };
  showUser(account.user);
  window.addEventListener("hashchange", render);
  render();
}

start();
