// One colour per entity type, shared by the graph and the map (style.css repeats them for text).
export const TYPE_COLOURS = {
  person: "#1f6fb2",
  organization: "#b5361c",
  location: "#2e7d32",
  facility: "#7b4fa0",
  misc: "#8a6d00",
};

/** The colour of an entity type (grey for a type with none). */
export function colourOf(type) {
  return TYPE_COLOURS[type] || "#666666";
}
