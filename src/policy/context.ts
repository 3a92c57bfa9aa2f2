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

/** Builds the request context from what the server knows; absent fields leave keys absent. */
export function buildRequestContext(input: GlobalContextInput): RequestContext {
  const ctx = new RequestContext()
  const put = (key: string, value: ContextValue | undefined): void => {
    if (value !== undefined) ctx.set(key, value)
  }
  if (input.currentTime !== undefined) {
    put('aws:CurrentTime', input.currentTime)
    put('aws:EpochTime', Math.floor(input.currentTime.getTime() / 1000))
  }
  put('aws:SecureTransport', input.secureTransport)
  put('aws:SourceIp', input.sourceIp)
  put('aws:UserAgent', input.userAgent)
  put('aws:PrincipalArn', input.principalArn)
  put('aws:PrincipalAccount', input.principalAccount)
  put('aws:PrincipalType', input.principalType)
  put('aws:PrincipalOrgID', input.principalOrgId)
  put('aws:userid', input.userId)
  put('aws:username', input.username)
  for (const [tag, value] of Object.entries(input.principalTags ?? {})) {
    put(`aws:PrincipalTag/${tag}`, value)
  }
  for (const [tag, value] of Object.entries(input.requestTags ?? {})) {
    put(`aws:RequestTag/${tag}`, value)
  }
  const tagKeys =
    input.tagKeys ?? (input.requestTags === undefined ? undefined : Object.keys(input.requestTags))
  put('aws:TagKeys', tagKeys)
  for (const [tag, value] of Object.entries(input.resourceTags ?? {})) {
    put(`aws:ResourceTag/${tag}`, value)
  }
  put('aws:RequestedRegion', input.requestedRegion)
  put('aws:TokenIssueTime', input.tokenIssueTime)
  put('aws:FederatedProvider', input.federatedProvider)
  put('aws:SourceIdentity', input.sourceIdentity)
  put('aws:MultiFactorAuthPresent', input.multiFactorAuthPresent)
  put('aws:MultiFactorAuthAge', input.multiFactorAuthAge)
  put('aws:ViaAWSService', input.viaAwsService)
  put('aws:CalledVia', input.calledVia)
  put('aws:PrincipalServiceName', input.principalServiceName)
  put('aws:PrincipalServiceNamesList', input.principalServiceNamesList)
  put('iam:PassedToService', input.iam?.passedToService)
  put('iam:PermissionsBoundary', input.iam?.permissionsBoundary)
  put('iam:PolicyARN', input.iam?.policyArn)
  put('iam:AWSServiceName', input.iam?.awsServiceName)
  put('iam:AssociatedResourceArn', input.iam?.associatedResourceArn)
  put('sts:ExternalId', input.sts?.externalId)
  put('sts:RoleSessionName', input.sts?.roleSessionName)
  put('sts:SourceIdentity', input.sts?.sourceIdentity)
  put('sts:TransitiveTagKeys', input.sts?.transitiveTagKeys)
  put('sts:TagKeys', input.sts?.tagKeys)
  for (const [key, value] of Object.entries(input.extra ?? {})) put(key, value)
  return ctx
}
