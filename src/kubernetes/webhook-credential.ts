// The credential a kube-apiserver presents to its cluster's webhooks: a random bearer token per
// cluster (the `users[].user.token` of the webhook kubeconfig), made here, kept sealed in the
// store, and checked in constant time against the digests of the clusters of the requested name.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IdSource } from '../core/ids.js'

/** 32 random bytes (256 bits), as 43 base64url characters: a bearer token needs no padding. */
export const WEBHOOK_TOKEN_BYTES = 32

export const generateWebhookToken = (ids: Pick<IdSource, 'randomBytes'>): string =>
  ids.randomBytes(WEBHOOK_TOKEN_BYTES).toString('base64url')

/**
 * What a token is compared by: its SHA-256, so the comparison takes the same time whatever the
 * lengths, and what is kept in memory between requests is not the token itself.
 */
export const webhookTokenDigest = (token: string): Buffer =>
  createHash('sha256').update(token, 'utf8').digest()

export interface WebhookTokenDigest {
  accountId: string
  digest: Buffer
}

/** Compared when no cluster has the name, so a missing cluster costs what a wrong token does. */
const NO_CLUSTER: ReadonlyArray<{ accountId: undefined; digest: Buffer }> = [
  { accountId: undefined, digest: webhookTokenDigest('no cluster has this token') },
]

/**
 * The account whose cluster's token `token` is, among `candidates` (the clusters of one name, one
 * per account), or undefined. Every candidate is compared, without stopping at a match.
 */
export function matchWebhookToken(
  token: string,
  candidates: readonly WebhookTokenDigest[],
): string | undefined {
  const presented = webhookTokenDigest(token)
  let matched: string | undefined
  for (const candidate of candidates.length === 0 ? NO_CLUSTER : candidates) {
    if (timingSafeEqual(presented, candidate.digest)) matched = candidate.accountId
  }
  return matched
}
