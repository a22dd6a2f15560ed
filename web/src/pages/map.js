// #/map: places with coordinates (from casegraph's offline gazetteer) as circles sized by mentions, on a
// world outline bundled from world-atlas (Natural Earth). No tile server: nothing is fetched from elsewhere.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { feature } from "topojson-client";
import world from "world-atlas/countries-110m.json";
import { get } from "../api.js";
import { colourOf } from "../colours.js";
import { empty, h, route, section } from "../dom.js";

/** The map page. */
export async function showMap() {
  const { places } = await get("places");
  const container = h("div", { class: "map", id: "map" });
  const list = places.map((p) =>
    h(
      "li",
      {},
      h("a", { href: route(["entity", p.entity]) }, p.name),
      h("span", { class: "count" }, ` ${p.mentions}`),
    ),
  );
  const node = h(
    "div",
    { class: "page mappage" },
    h("h1", {}, "Places"),
    places.length ? container : empty("No place with known coordinates."),
    section("Places by mentions", list.length ? h("ol", { class: "places" }, list) : empty("None.")),
  );
  return { node, mount: () => (places.length ? drawMap(container, places) : null) };
}

function drawMap(container, places) {
  const map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outline: Natural Earth");
  // The view first: Leaflet cannot draw vector layers on a map that has none yet.
  map.fitBounds(L.latLngBounds(places.map((p) => [p.lat, p.lon])).pad(0.4), { maxZoom: 6 });
  L.geoJSON(feature(world, world.objects.countries), {
    style: { color: "#8a949e", weight: 0.7, fillColor: "#eef0f2", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  const markers = places.map((p) => marker(p).addTo(map));
  return () => {
    markers.forEach((m) => m.remove());
    map.remove();
  };
}

function marker(place) {
  const circle = L.circleMarker([place.lat, place.lon], {
    radius: 4 + 2.5 * Math.sqrt(place.mentions || 1),
    color: "#ffffff",
    weight: 1,
    fillColor: colourOf("location"),
    fillOpacity: 0.8,
    className: "place",
  });
  // A DOM node, not a string: Leaflet would parse a string as HTML.
  circle.bindTooltip(h("span", {}, `${place.name} (${place.mentions})`));
  circle.on("click", () => {
    window.location.hash = route(["entity", place.entity]);
  });
  return circle;
}
