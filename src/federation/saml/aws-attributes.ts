// The attributes AWS reads from a SAML assertion (IAM User Guide, "Configure SAML assertions for
// the authentication response"): Role pairs, RoleSessionName, SessionDuration, SourceIdentity, and
// PrincipalTag:KEY with TransitiveTagKeys for session tags. Each refusal in AWS's words where they
// are on record (aws-messages.ts).
import type { Tag } from '../../core/input.js'
import {
  ATTRIBUTES_INVALID,
  ROLE_SESSION_NAME_INVALID,
  ROLE_SESSION_NAME_REQUIRED,
  SESSION_DURATION_INVALID,
  SOURCE_IDENTITY_INVALID,
  invalidToken,
} from './aws-messages.js'
import type { SamlAttribute } from './read-assertion.js'

export const AWS_ATTRIBUTES = 'https://aws.amazon.com/SAML/Attributes/'
export const ROLE_ATTRIBUTE = `${AWS_ATTRIBUTES}Role`
export const ROLE_SESSION_NAME_ATTRIBUTE = `${AWS_ATTRIBUTES}RoleSessionName`
export const SESSION_DURATION_ATTRIBUTE = `${AWS_ATTRIBUTES}SessionDuration`
export const SOURCE_IDENTITY_ATTRIBUTE = `${AWS_ATTRIBUTES}SourceIdentity`
export const PRINCIPAL_TAG_PREFIX = `${AWS_ATTRIBUTES}PrincipalTag:`
export const TRANSITIVE_TAG_KEYS_ATTRIBUTE = `${AWS_ATTRIBUTES}TransitiveTagKeys`

/** AWS's session tag limit. */
export const MAX_SESSION_TAGS = 50

/** `[a-zA-Z_0-9+=,.@-]{2,64}`, as AWS words it for RoleSessionName and SourceIdentity. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const length = (s: string) => [...s].length

export interface RolePair {
  roleArn: string
  providerArn: string
}

export interface AwsSamlAttributes {
  /** Every well-formed role and provider pair of the Role attribute. */
  roles: RolePair[]
  roleSessionName: string
  /** SessionDuration, seconds: it may shorten the session, never lengthen it. */
  sessionDuration: number | undefined
  sourceIdentity: string | undefined
  sessionTags: Tag[]
  transitiveTagKeys: string[]
}

const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/.+$/
const PROVIDER_ARN = /^arn:[\w-]+:iam::\d{12}:saml-provider\/.+$/

/** `roleArn,providerArn` in either order (the Role attribute's value); undefined for others. */
export function readRolePair(value: string): RolePair | undefined {
  const parts = value.split(',').map((part) => part.trim())
  if (parts.length !== 2) return undefined
  const [first, second] = parts as [string, string]
  if (ROLE_ARN.test(first) && PROVIDER_ARN.test(second)) {
    return { roleArn: first, providerArn: second }
  }
  if (PROVIDER_ARN.test(first) && ROLE_ARN.test(second)) {
    return { roleArn: second, providerArn: first }
  }
  return undefined
}

const refuse = (why: string) => invalidToken(ATTRIBUTES_INVALID(why), 'attributes')

function readTags(attributes: readonly SamlAttribute[]): Tag[] {
  const tags: Tag[] = []
  for (const { name, values } of attributes) {
    if (!name.startsWith(PRINCIPAL_TAG_PREFIX)) continue
    const key = name.slice(PRINCIPAL_TAG_PREFIX.length)
    if (length(key) < 1 || length(key) > 128 || !TAG_TEXT.test(key)) {
      throw refuse(`session tag key '${key}' must be 1-128 letters, digits, spaces or _.:/=+-@`)
    }
    if (key.toLowerCase().startsWith('aws:')) throw refuse(`session tag key '${key}' uses aws:`)
    if (values.length !== 1) throw refuse(`session tag '${key}' must have exactly one value`)
    const value = values[0]!
    if (length(value) > 256 || !TAG_TEXT.test(value)) {
      throw refuse(`session tag '${key}' has a value longer than 256 or with invalid characters`)
    }
    tags.push({ key, value })
  }
  if (tags.length > MAX_SESSION_TAGS) throw refuse(`more than ${MAX_SESSION_TAGS} session tags`)
  return tags
}

export function readAwsAttributes(attributes: readonly SamlAttribute[]): AwsSamlAttributes {
  const values = (name: string) => attributes.find((a) => a.name === name)?.values
  const roles = (values(ROLE_ATTRIBUTE) ?? []).flatMap((value) => readRolePair(value) ?? [])

  const sessionNames = values(ROLE_SESSION_NAME_ATTRIBUTE)
  const roleSessionName = sessionNames?.[0]?.trim()
  if (roleSessionName === undefined || roleSessionName === '') {
    throw invalidToken(ROLE_SESSION_NAME_REQUIRED, 'attributes')
  }
  if (sessionNames!.length !== 1 || !SESSION_NAME.test(roleSessionName)) {
    throw invalidToken(ROLE_SESSION_NAME_INVALID, 'attributes')
  }

  const durations = values(SESSION_DURATION_ATTRIBUTE)
  let sessionDuration: number | undefined
  if (durations !== undefined) {
    const text = durations[0]?.trim() ?? ''
    sessionDuration = Number(text)
    if (durations.length !== 1 || !/^\d+$/.test(text) || sessionDuration < 900) {
      throw invalidToken(SESSION_DURATION_INVALID, 'attributes')
    }
    if (sessionDuration > 43200) throw invalidToken(SESSION_DURATION_INVALID, 'attributes')
  }

  const sourceIdentities = values(SOURCE_IDENTITY_ATTRIBUTE)
  const sourceIdentity = sourceIdentities?.[0]?.trim()
  if (
    sourceIdentities !== undefined &&
    (sourceIdentities.length !== 1 ||
      sourceIdentity === undefined ||
      !SESSION_NAME.test(sourceIdentity) ||
      sourceIdentity.toLowerCase().startsWith('aws:'))
  ) {
    throw invalidToken(SOURCE_IDENTITY_INVALID, 'attributes')
  }

  return {
    roles,
    roleSessionName,
    sessionDuration,
    sourceIdentity,
    sessionTags: readTags(attributes),
    transitiveTagKeys: (values(TRANSITIVE_TAG_KEYS_ATTRIBUTE) ?? []).map((key) => key.trim()),
  }
}
