// Step 1e: the signed header list: lowercase names, deduplicated, sorted, joined with ';'.

import type { SignableRequest } from './request.js'

/** Header names the signer signs: every header of the request except those left out. */
export const signedHeaderNames = (
  request: SignableRequest,
  leaveOut: readonly string[] = ['authorization'],
): string[] => {
  const names = new Set<string>()
  for (const [name] of request.headers) {
    const key = name.toLowerCase()
    if (!leaveOut.includes(key)) names.add(key)
  }
  return [...names].sort()
}

export const formatSignedHeaders = (names: readonly string[]): string => names.join(';')

/** Splits a SignedHeaders value as sent; the order is kept because it is part of what was signed. */
export const parseSignedHeaders = (value: string): string[] =>
  value === '' ? [] : value.split(';')
