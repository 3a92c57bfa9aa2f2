// Step 1d: the canonical headers. Names lowercased; each value trimmed with inner runs of
// whitespace (and folded line breaks) collapsed to one space; repeated headers joined with ','.

import type { SignableRequest } from './request.js'

/** One header value the SigV4 way: line folds and whitespace runs become one space, then trim. */
export const canonicalHeaderValue = (value: string): string =>
  value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim()

/**
 * The canonical header block for the given signed header names (already in signing order): one
 * `name:value` line per name, each ending in a newline. A signed header missing from the request
 * gets an empty value, so the signature simply fails to match.
 */
export const canonicalHeaders = (
  request: SignableRequest,
  signedHeaders: readonly string[],
): string => {
  const values = new Map<string, string[]>()
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase()
    const list = values.get(key)
    if (list) list.push(canonicalHeaderValue(value))
    else values.set(key, [canonicalHeaderValue(value)])
  }
  let block = ''
  for (const name of signedHeaders) {
    const key = name.toLowerCase()
    block += `${key}:${(values.get(key) ?? []).join(',')}\n`
  }
  return block
}
