// PackedPolicySize: how much of a session's fixed budget its session policies and tags use once
// packed, as a percentage. AWS compresses them into the token and keeps the limit undisclosed;
// rolegate packs them the same way it seals them (deflate) against a budget of its own.
import { deflateRawSync } from 'node:zlib'
import type { Tag } from '../core/input.js'
import { packedPolicyTooLarge, packedTagsTooLarge } from './aws-messages.js'

/**
 * Packed bytes a session may carry. Chosen so a 2,048-character policy of ordinary actions fits
 * with room to spare while one of incompressible text, or 50 long tags, does not.
 */
export const PACKED_BUDGET_BYTES = 1024

const packedBytes = (value: unknown): number =>
  value === undefined ? 0 : deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8')).length

export interface PackedInput {
  policy?: string | undefined
  policyArns?: readonly string[] | undefined
  tags?: readonly Tag[] | undefined
}

/**
 * The percentage (rounded up) the session's policies and tags use, or undefined when it passed
 * none (AWS then leaves PackedPolicySize out). Throws PackedPolicyTooLarge above 100%.
 */
export function packedPolicySize(input: PackedInput): number | undefined {
  const policies =
    input.policy === undefined && (input.policyArns ?? []).length === 0
      ? undefined
      : [input.policy ?? '', ...(input.policyArns ?? [])]
  const tags = (input.tags ?? []).length === 0 ? undefined : input.tags
  if (policies === undefined && tags === undefined) return undefined
  const total = packedBytes({ p: policies, t: tags?.map((tag) => [tag.key, tag.value]) })
  const percent = Math.ceil((total * 100) / PACKED_BUDGET_BYTES)
  if (percent > 100) {
    // Name whichever part takes the larger share, as AWS's two messages do.
    const tagShare = packedBytes(tags?.map((tag) => [tag.key, tag.value]))
    throw tagShare > packedBytes(policies)
      ? packedTagsTooLarge(percent)
      : packedPolicyTooLarge(percent)
  }
  return percent
}
