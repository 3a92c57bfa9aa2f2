// Policy size as IAM counts it for its quotas (6,144 managed, 10,240 role inline, ...): characters
// other than whitespace. The limits themselves belong to the IAM layer.

/** Number of characters in `text` that are not JSON whitespace (space, tab, CR, LF). */
export function policySizeWithoutWhitespace(text: string): number {
  let size = 0
  for (const char of text) {
    if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') size += 1
  }
  return size
}
