// Step 1d: the canonical headers. Names lowercased; each value trimmed with inner runs of
// whitespace (and folded line breaks) collapsed to one space; repeated headers joined with ','.

import type { SignableRequest } from './request.js'

// Anything the two replacements below would change. Most values have none of it, so the regexes
// run only on values that need them, never on a clean 1 KB session token.
const needsFolding = (value: string): boolean =>
  value.includes('\n') || value.includes('\r') || value.includes('\t') || value.includes('  ')

/** One header value the SigV4 way: line folds and whitespace runs become one space, then trim. */
export const canonicalHeaderValue = (value: string): string =>
  needsFolding(value)
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
  // Only signed headers are canonicalised; the others never reach the string to sign. A request
  // has a handful of headers, so a scan per signed name beats building a map of them all.
  let block = ''
  for (const name of signedHeaders) {
    const key = name.toLowerCase()
    let joined: string | undefined
    for (const [headerName, value] of request.headers) {
      if (headerName.length !== key.length || headerName.toLowerCase() !== key) continue
      const canonical = canonicalHeaderValue(value)
      joined = joined === undefined ? canonical : `${joined},${canonical}`
    }
    block += `${key}:${joined ?? ''}\n`
  }
  return block
}
