// Equality checks for secrets (signatures) that take the same time wherever the inputs differ, so a
// caller cannot learn a valid signature byte by byte from response timings.

/** Compares two strings code unit by code unit, always walking the longer one; no early exit. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  let diff = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0: the length difference already counts.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0)
  }
  return diff === 0
}

/** The same for raw bytes. */
export const constantTimeEqualBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  let diff = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}
