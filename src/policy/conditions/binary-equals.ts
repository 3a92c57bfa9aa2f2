// BinaryEquals: compares bytes; the policy value and the context value are both base64 text, and
// are compared after decoding so that padding or line breaks do not matter.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals

import type { ContextScalar } from '../context.js'
import type { ConditionOperator } from './operator.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const INDEX = new Map([...ALPHABET].map((ch, i) => [ch, i]))

/** Decodes base64 (whitespace ignored, padding optional) to bytes; undefined when invalid. */
export function decodeBase64(text: string): number[] | undefined {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '')
  if (clean.length % 4 === 1) return undefined
  const bytes: number[] = []
  let buffer = 0
  let bits = 0
  for (const ch of clean) {
    const value = INDEX.get(ch)
    if (value === undefined) return undefined
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((buffer >> bits) & 0xff)
    }
  }
  return bytes
}

const key = (bytes: number[]): string => bytes.join(',')

export const BinaryEquals: ConditionOperator = {
  name: 'BinaryEquals',
  negated: false,
  variables: false,
  compile(values) {
    const expected = new Set<string>()
    for (const value of values) {
      const bytes = decodeBase64(value)
      if (bytes !== undefined) expected.add(key(bytes))
    }
    return (actual: ContextScalar) => {
      if (typeof actual !== 'string') return false
      const bytes = decodeBase64(actual)
      return bytes !== undefined && expected.has(key(bytes))
    }
  },
}
