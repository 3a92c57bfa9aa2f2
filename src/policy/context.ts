// The request context a decision reads: context keys (case-insensitive) to typed values, and a
// builder the server fills with AWS's global keys. Key list:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html

import type { VariableSource } from './variables.js'

/**
 * A context value. Multi-valued keys (aws:TagKeys, aws:PrincipalServiceNamesList, federation
 * `amr`, sts:TransitiveTagKeys) are string arrays; IP addresses are strings; dates are Dates.
 */
export type ContextScalar = string | number | boolean | Date
export type ContextValue = ContextScalar | readonly string[]

/** ISO 8601 without milliseconds, the form AWS gives aws:CurrentTime and aws:TokenIssueTime. */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The string form of a scalar, as string operators and policy variables see it. */
export function scalarToString(value: ContextScalar): string {
  if (typeof value === 'string') return value
  if (value instanceof Date) return isoSeconds(value)
  return String(value)
}

/** Context keys to values. Key names are case-insensitive, as AWS documents. */
export class RequestContext implements VariableSource {
  private readonly values = new Map<string, ContextValue>()
  private readonly names = new Map<string, string>()

  constructor(entries?: Record<string, ContextValue | undefined>) {
    if (entries !== undefined) {
      for (const [key, value] of Object.entries(entries))
        if (value !== undefined) this.set(key, value)
    }
  }

  set(key: string, value: ContextValue): this {
    const lower = key.toLowerCase()
    this.values.set(lower, value)
    if (!this.names.has(lower)) this.names.set(lower, key)
    return this
  }

  delete(key: string): this {
    const lower = key.toLowerCase()
    this.values.delete(lower)
    this.names.delete(lower)
    return this
  }

  get(key: string): ContextValue | undefined {
    return this.values.get(key.toLowerCase())
  }

  /** Lookup by an already lower-cased key (compiled conditions keep keys lower-cased). */
  getLower(lowerKey: string): ContextValue | undefined {
    return this.values.get(lowerKey)
  }

  has(key: string): boolean {
    return this.values.has(key.toLowerCase())
  }

  /** Key names as first set. */
  keys(): string[] {
    return [...this.names.values()]
  }

  entries(): [string, ContextValue][] {
    return [...this.names].map(([lower, name]) => [name, this.values.get(lower)!])
  }

  /** A copy with more keys set, for one request derived from another. */
  with(entries: Record<string, ContextValue | undefined>): RequestContext {
    const copy = new RequestContext()
    for (const [lower, name] of this.names) copy.set(name, this.values.get(lower)!)
    for (const [key, value] of Object.entries(entries))
      if (value !== undefined) copy.set(key, value)
    return copy
  }

  variable(lowerKey: string): string | undefined {
    const value = this.values.get(lowerKey)
    // Multi-valued keys cannot be policy variables (AWS: single-vs-multi-valued context keys).
    if (value === undefined || Array.isArray(value)) return undefined
    return scalarToString(value as ContextScalar)
  }
}

export type PrincipalTypeValue = 'Account' | 'User' | 'FederatedUser' | 'AssumedRole' | 'Anonymous'

/** The global and STS/IAM keys a server knows about a request; every field is optional. */
export interface GlobalContextInput {
  /** aws:CurrentTime and aws:EpochTime. */
  currentTime?: Date
  secureTransport?: boolean
  sourceIp?: string
  userAgent?: string
  principalArn?: string
  principalAccount?: string
  principalType?: PrincipalTypeValue
  principalOrgId?: string
  userId?: string
  username?: string
  principalTags?: Record<string, string>
  requestTags?: Record<string, string>
  /** aws:TagKeys; defaults to the keys of requestTags when those are given. */
  tagKeys?: readonly string[]
  resourceTags?: Record<string, string>
  requestedRegion?: string
  tokenIssueTime?: Date
  federatedProvider?: string
  sourceIdentity?: string
  multiFactorAuthPresent?: boolean
  multiFactorAuthAge?: number
  viaAwsService?: boolean
  calledVia?: readonly string[]
  principalServiceName?: string
  principalServiceNamesList?: readonly string[]
  iam?: {
    passedToService?: string
    permissionsBoundary?: string
    policyArn?: string
    awsServiceName?: string
    associatedResourceArn?: string
  }
  sts?: {
    externalId?: string
    roleSessionName?: string
    sourceIdentity?: string
    transitiveTagKeys?: readonly string[]
    tagKeys?: readonly string[]
  }
  /** Anything else, e.g. federation keys (`accounts.google.com:sub`, `saml:sub`, `amr`). */
  extra?: Record<string, ContextValue | undefined>
}

const put = (ctx: RequestContext, key: string, value: ContextValue | undefined): void => {
  if (value !== undefined) ctx.set(key, value)
}

/**
 * Sets `prefix + name` for each member of `values`. Object.keys, not entries, and nothing for an
 * absent record: this runs on every request, and entries is a runtime call even for `{}`.
 */
function putEach(
  ctx: RequestContext,
  prefix: string,
  values: Readonly<Record<string, ContextValue | undefined>> | undefined,
): void {
  if (values === undefined) return
  for (const name of Object.keys(values)) put(ctx, prefix + name, values[name])
}

/** Builds the request context from what the server knows; absent fields leave keys absent. */
export function buildRequestContext(input: GlobalContextInput): RequestContext {
  const ctx = new RequestContext()
  if (input.currentTime !== undefined) {
    put(ctx, 'aws:CurrentTime', input.currentTime)
    put(ctx, 'aws:EpochTime', Math.floor(input.currentTime.getTime() / 1000))
  }
  put(ctx, 'aws:SecureTransport', input.secureTransport)
  put(ctx, 'aws:SourceIp', input.sourceIp)
  put(ctx, 'aws:UserAgent', input.userAgent)
  put(ctx, 'aws:PrincipalArn', input.principalArn)
  put(ctx, 'aws:PrincipalAccount', input.principalAccount)
  put(ctx, 'aws:PrincipalType', input.principalType)
  put(ctx, 'aws:PrincipalOrgID', input.principalOrgId)
  put(ctx, 'aws:userid', input.userId)
  put(ctx, 'aws:username', input.username)
  putEach(ctx, 'aws:PrincipalTag/', input.principalTags)
  putEach(ctx, 'aws:RequestTag/', input.requestTags)
  const tagKeys =
    input.tagKeys ?? (input.requestTags === undefined ? undefined : Object.keys(input.requestTags))
  put(ctx, 'aws:TagKeys', tagKeys)
  putEach(ctx, 'aws:ResourceTag/', input.resourceTags)
  put(ctx, 'aws:RequestedRegion', input.requestedRegion)
  put(ctx, 'aws:TokenIssueTime', input.tokenIssueTime)
  put(ctx, 'aws:FederatedProvider', input.federatedProvider)
  put(ctx, 'aws:SourceIdentity', input.sourceIdentity)
  put(ctx, 'aws:MultiFactorAuthPresent', input.multiFactorAuthPresent)
  put(ctx, 'aws:MultiFactorAuthAge', input.multiFactorAuthAge)
  put(ctx, 'aws:ViaAWSService', input.viaAwsService)
  put(ctx, 'aws:CalledVia', input.calledVia)
  put(ctx, 'aws:PrincipalServiceName', input.principalServiceName)
  put(ctx, 'aws:PrincipalServiceNamesList', input.principalServiceNamesList)
  put(ctx, 'iam:PassedToService', input.iam?.passedToService)
  put(ctx, 'iam:PermissionsBoundary', input.iam?.permissionsBoundary)
  put(ctx, 'iam:PolicyARN', input.iam?.policyArn)
  put(ctx, 'iam:AWSServiceName', input.iam?.awsServiceName)
  put(ctx, 'iam:AssociatedResourceArn', input.iam?.associatedResourceArn)
  put(ctx, 'sts:ExternalId', input.sts?.externalId)
  put(ctx, 'sts:RoleSessionName', input.sts?.roleSessionName)
  put(ctx, 'sts:SourceIdentity', input.sts?.sourceIdentity)
  put(ctx, 'sts:TransitiveTagKeys', input.sts?.transitiveTagKeys)
  put(ctx, 'sts:TagKeys', input.sts?.tagKeys)
  putEach(ctx, '', input.extra)
  return ctx
}
