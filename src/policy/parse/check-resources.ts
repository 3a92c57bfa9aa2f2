// Resource and NotResource checks: the ARN-shape messages IAM reports, and the "legacy parsing"
// refusal for ARNs whose empty fields its older parser could not read.

import { malformedPolicy } from '../../core/errors.js'
import { policyMessages } from './messages.js'
import type { DraftStatement } from './read-policy.js'

/** Where an IAM resource path may start (IAM's own list, in its order). */
export const iamResourcePathPrefixes = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
] as const

/** rolegate answers as the `aws` partition; `*` matches any. */
const PARTITIONS = new Set(['aws', '*'])

/** Splits at the first colon, like Python's str.partition. */
function cut(text: string): [string, string | undefined] {
  const at = text.indexOf(':')
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}

/** The message IAM gives for one resource, or undefined when the resource is acceptable. */
export function resourceFormatError(resource: string): string | undefined {
  if (resource === '*') return undefined
  const [, afterPrefix] = cut(resource)
  if (afterPrefix === undefined) return policyMessages.resourceNotArn(resource)
  const [partition, afterPartition] = cut(afterPrefix)
  if (!PARTITIONS.has(partition)) {
    // IAM echoes the resource back as a six-field ARN, filling missing fields with "*".
    const parts = (afterPartition ?? '').split(':')
    const service = parts[0] !== '' || parts.length > 1 ? (parts[0] ?? '*') : '*'
    const region = parts[1] ?? '*'
    const account = parts[2] ?? '*'
    const rest = parts.length > 3 ? parts.slice(3).join(':') : '*'
    return policyMessages.partitionInvalid(
      partition,
      `arn:${partition}:${service}:${region}:${account}:${rest}`,
    )
  }
  if (afterPartition === undefined) return policyMessages.resourceVendor
  const [service, afterService] = cut(afterPartition)
  if (afterService === undefined) return undefined
  const [region, afterRegion] = cut(afterService)
  const [account, path = ''] = afterRegion === undefined ? [''] : cut(afterRegion)
  if (service === 'iam' && region !== '') return policyMessages.iamRegion(resource)
  // S3 buckets and objects are global; access points and jobs carry a region and an account.
  if (service === 's3' && region !== '' && account === '') return policyMessages.s3Region(resource)
  // AWS's own managed policies name `arn:aws:iam::*:root`, which the message's list leaves out.
  if (service === 'iam' && path !== '*' && path !== 'root') {
    if (!iamResourcePathPrefixes.some((prefix) => path.startsWith(prefix))) {
      return policyMessages.iamPath(iamResourcePathPrefixes)
    }
  }
  return undefined
}

/** True when IAM's older parser could read the resource (no empty service, no stray `::`). */
function legacyReadable(resource: string): boolean {
  if (resource === '*') return true
  const colons = resource.split(':').length - 1
  if (colons < 5 && resource.includes('::')) return false
  return resource.split(':')[2] !== ''
}

/**
 * Walks Resource of every statement, then NotResource, as IAM does: a format fault is remembered
 * (the last one found wins) and reported later, after the SID and Action checks; while none has
 * been found, a resource the legacy parser cannot read fails at once.
 * Returns the remembered message, if any.
 */
export function checkResourceFormats(statements: readonly DraftStatement[]): string | undefined {
  let remembered: string | undefined
  for (const property of ['resource', 'notResource'] as const) {
    for (const statement of statements) {
      const resources = statement[property]
      if (resources === undefined) continue
      // IAM looks at a list in reverse lexical order, which decides which fault it reports.
      for (const resource of [...resources].sort().reverse()) {
        remembered = resourceFormatError(resource) ?? remembered
      }
      if (remembered === undefined && !resources.every(legacyReadable)) {
        throw malformedPolicy(policyMessages.legacy)
      }
    }
  }
  return remembered
}
