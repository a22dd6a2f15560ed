// Offsets from the server count Unicode code points (Python strings); JavaScript strings count UTF-16 units.
// The two differ only past the Basic Multilingual Plane (emoji, rare CJK), so the mapping is built only then.

const ASTRAL = /[\uD800-\uDFFF]/;

/** A function turning a code point offset into text into a UTF-16 offset. */
export function unitOffsets(text) {
  if (!ASTRAL.test(text)) return (offset) => offset;
  const units = [0];
  for (const char of text) units.push(units[units.length - 1] + char.length);
  return (offset) => units[Math.max(0, Math.min(offset, units.length - 1))];
}

/** The part of text between two code point offsets. */
export function slice(text, start, end) {
  const unit = unitOffsets(text);
  return text.slice(unit(start), unit(end));
}
