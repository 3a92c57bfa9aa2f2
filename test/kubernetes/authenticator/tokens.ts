// Test helpers: EKS tokens made the way `aws eks get-token` makes them (a presigned GetCallerIdentity
// URL signing x-k8s-aws-id), with rolegate's own signer, and a credential resolver that knows a few
// fixed keys.
import { Buffer } from 'node:buffer'
import type { Caller } from '../../../src/core/caller.js'
import { nodeCrypto } from '../../../src/core/node-crypto.js'
import type {
  CredentialResolver,
  ResolvedCredential,
} from '../../../src/credentials/credential-resolver.js'
import { presignRequest } from '../../../src/sigv4/index.js'

export interface TokenSpec {
  /** `https://host[:port]`: the STS endpoint the URL names. */
  endpoint: string
  clusterName: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  date: Date
  region?: string
  /** X-Amz-Expires; the AWS CLI's 60 unless given. */
  expiresIn?: number
  /** The query before signing; GetCallerIdentity at STS's version unless given. */
  query?: string
}

/** The presigned URL a token carries. */
export function presignedUrl(spec: TokenSpec): string {
  const url = new URL(spec.endpoint)
  const signed = presignRequest(
    {
      method: 'GET',
      path: '/',
      query: spec.query ?? 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: [
        ['host', url.host],
        ['x-k8s-aws-id', spec.clusterName],
      ],
      body: new Uint8Array(0),
    },
    spec.credentials,
    {
      crypto: nodeCrypto,
      region: spec.region ?? 'us-east-1',
      service: 'sts',
      date: spec.date,
      expiresIn: spec.expiresIn ?? 60,
    },
  )
  return `${url.protocol}//${url.host}/?${signed.request.query}`
}

export const tokenOf = (url: string): string =>
  `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`

export const urlOf = (token: string): string =>
  Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8')

export const makeToken = (spec: TokenSpec): string => tokenOf(presignedUrl(spec))

/** Resolves the keys it was given (with or without a session token) to their callers. */
export class FixedKeys implements CredentialResolver {
  constructor(
    private readonly keys: ReadonlyArray<{
      accessKeyId: string
      secretAccessKey: string
      sessionToken?: string
      caller: Caller
    }>,
  ) {}

  resolve(accessKeyId: string, sessionToken: string | undefined) {
    const key = this.keys.find((entry) => entry.accessKeyId === accessKeyId)
    if (!key || key.sessionToken !== sessionToken) return Promise.resolve(undefined)
    const found: ResolvedCredential = { secretAccessKey: key.secretAccessKey, caller: key.caller }
    return Promise.resolve(found)
  }
}

export const userCaller = (accountId: string, name: string, accessKeyId: string): Caller => ({
  type: 'user',
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  userId: 'AIDAEXAMPLEUSERID0001',
  principalId: 'AIDAEXAMPLEUSERID0001',
  name,
  accessKeyId,
})

export const roleSessionCaller = (
  accountId: string,
  role: string,
  session: string,
  accessKeyId: string,
): Caller => ({
  type: 'assumed-role',
  accountId,
  arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
  userId: `AROAEXAMPLEROLEID0001:${session}`,
  principalId: 'AROAEXAMPLEROLEID0001',
  name: role,
  accessKeyId,
  sessionName: session,
})
