// Go's `%q` of a string (strconv.Quote): the apiserver writes every name in its RBAC reasons and
// Forbidden messages this way, so ours must escape exactly what Go escapes.

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0')

/** Printable ASCII but the double quote and the backslash: nothing to escape. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** `value` as Go's strconv.Quote writes it, quotes included. */
export function goQuote(value: string): string {
  if (PLAIN.test(value)) return `"${value}"`
  let out = '"'
  for (const char of value) {
    const short = SHORT_ESCAPES[char]
    if (short !== undefined) {
      out += short
      continue
    }
    const code = char.codePointAt(0) ?? 0
    // A lone surrogate cannot come from UTF-8; Go sees the replacement character there.
    if (code >= 0xd800 && code <= 0xdfff) {
      out += '\ufffd'
    } else if (PRINTABLE.test(char)) {
      out += char
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${hex(code, 2)}`
    } else if (code < 0x10000) {
      out += `\\u${hex(code, 4)}`
    } else {
      out += `\\U${hex(code, 8)}`
    }
  }
  return `${out}"`
}
