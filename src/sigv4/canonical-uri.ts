// Step 1b: the canonical URI. Non-S3 services encode the already-encoded wire path once more
// ("double encoding"), after optionally removing '.', '..' and empty segments.

import { uriEncode } from './uri-encode.js'

export interface CanonicalUriOptions {
  /** Remove '.', '..' and duplicate slashes first (true for every service except S3). */
  normalizePath?: boolean
  /** Encode the wire path again (true for every service except S3, which signs it as sent). */
  uriEscapePath?: boolean
}

/** Removes '.' and '..' segments and merges repeated slashes; keeps a trailing slash. */
export const normalizePath = (path: string): string => {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  if (segments.length === 0) return '/'
  return '/' + segments.join('/') + (path.endsWith('/') ? '/' : '')
}

export const canonicalUri = (path: string, options: CanonicalUriOptions = {}): string => {
  const { normalizePath: normalize = true, uriEscapePath = true } = options
  const raw = path === '' ? '/' : path
  // The path of nearly every IAM and STS request: nothing to normalise or encode.
  if (!uriEscapePath || raw === '/') return raw
  return uriEncode(normalize ? normalizePath(raw) : raw, true)
}
