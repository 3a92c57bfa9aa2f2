// Step 1d: the canonical headers. Names lowercased; each value trimmed with inner runs of
// whitespace (and folded line breaks) collapsed to one space; repeated headers joined with ','.

import type { SignableRequest } from './request.js'

// Anything the two replacements below would change; most values have none of it.
const needsFolding = /[\r\n\t]| {2}/

/** One header value the SigV4 way: line folds and whitespace runs become one space, then trim. */
export const canonicalHeaderValue = (value: string): string =>
  needsFolding.test(value)
    ? value
        .replace(/[\r\n]+/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .trim()
    : value.trim()

/**
 * The canonical header block for the given signed header names (already in signing order): one
 * `name:value` line per name, each ending in a newline. A signed header missing from the request
 * gets an empty value, so the signature simply fails to match.
 */
export const canonicalHeaders = (
  request: SignableRequest,
  signedHeaders: readonly string[],
): string => {
  // Only signed headers are canonicalised; the others never reach the string to sign.
  const wanted = new Set<string>()
  for (const name of signedHeaders) wanted.add(name.toLowerCase())
  const values = new Map<string, string>()
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase()
    if (!wanted.has(key)) continue
    const previous = values.get(key)
    const canonical = canonicalHeaderValue(value)
    values.set(key, previous === undefined ? canonical : `${previous},${canonical}`)
  }
  let block = ''
  for (const name of signedHeaders) {
    const key = name.toLowerCase()
    block += `${key}:${values.get(key) ?? ''}\n`
  }
  return block
}
