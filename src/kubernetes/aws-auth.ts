// The aws-auth ConfigMap (kube-system/aws-auth) as EKS reads it: `mapRoles`, `mapUsers` and
// `mapAccounts` are YAML texts inside the ConfigMap's data, parsed as aws-iam-authenticator parses
// them (pkg/mapper/configmap/configmap.go ParseMap: YAML 1.1, keys matched without regard to case
// as Go's encoding/json matches them, the last entry for an ARN winning). rolegate checks them when
// they are applied, so a malformed list is refused instead of silently mapping nobody, and strips
// the path from a role ARN when the mapping loads, with a warning (the caller's canonical ARN names
// no path, so EKS asks for it removed: docs.aws.amazon.com/eks/latest/userguide/troubleshooting_iam.html).
import { isMap, isScalar, isSeq, parseDocument } from 'yaml'
import { parseArn } from '../core/arn.js'
import type { FieldError } from './cluster-field-errors.js'
import { invalid, required } from './cluster-field-errors.js'
import type { AwsAuth, RoleMapping, UserMapping } from './objects.js'

export const AWS_AUTH_NAME = 'aws-auth'
export const AWS_AUTH_NAMESPACE = 'kube-system'

/** What a cluster's aws-auth maps, with what loading it had to say. */
export interface LoadedAwsAuth {
  /**
   * The effective mapping: role ARNs without their path, one entry per ARN (compared without
   * regard to case, as aws-iam-authenticator keys them), the last one written for it.
   */
  awsAuth: AwsAuth
  /** Said once per load: paths stripped, entries shadowed, fields ignored. */
  warnings: string[]
}

export interface ParsedAwsAuth extends LoadedAwsAuth {
  /** What makes the ConfigMap unusable, as field errors under `data[...]`. */
  errors: FieldError[]
}

/** An empty aws-auth: nobody is mapped. */
export const EMPTY_AWS_AUTH: AwsAuth = { mapRoles: [], mapUsers: [], mapAccounts: [] }

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):role\/(.+)$/
const USER_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):(user\/.+|root)$/
const ACCOUNT_ID = /^\d{12}$/

/** aws-iam-authenticator skips a value that is blank or an empty quoted string. */
const isSkippable = (text: string): boolean => {
  const trimmed = text.trim()
  return trimmed === '' || trimmed === '``' || trimmed === '""'
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `arn:aws:iam::A:role/a/b/Name` -> `arn:aws:iam::A:role/Name`; other ARNs as they are. */
export function roleArnWithoutPath(arn: string): string {
  const match = ROLE_ARN.exec(arn)
  if (match === null) return arn
  const name = (match[3] ?? '').split('/').pop() ?? ''
  return `arn:${match[1]}:iam::${match[2]}:role/${name}`
}

/** Parses one list's YAML text (YAML 1.1, as sigs.k8s.io/yaml reads it) or says why it cannot. */
function parseList(
  text: string,
  field: string,
  errors: FieldError[],
): { values: unknown[]; nodes: unknown[] } | undefined {
  if (isSkippable(text)) return { values: [], nodes: [] }
  const document = parseDocument(text, { version: '1.1', uniqueKeys: false })
  if (document.errors.length > 0) {
    const reason = (document.errors[0]?.message ?? 'not YAML').split(':\n')[0] ?? ''
    errors.push(invalid(field, text, `not a YAML list: ${reason}`))
    return undefined
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 })
  if (value === null || value === undefined) return { values: [], nodes: [] }
  if (!Array.isArray(value) || !isSeq(document.contents)) {
    errors.push(invalid(field, text, 'must be a YAML list'))
    return undefined
  }
  return { values: value, nodes: document.contents.items }
}

/** Reads an entry's fields as encoding/json would: a key matches its field without regard to case. */
function entryFields(
  entry: Record<string, unknown>,
  known: readonly string[],
): { fields: Map<string, unknown>; unknown: string[] } {
  const fields = new Map<string, unknown>()
  const unknown: string[] = []
  for (const [key, value] of Object.entries(entry)) {
    const exact = known.find((name) => name === key)
    const folded = exact ?? known.find((name) => name.toLowerCase() === key.toLowerCase())
    if (folded === undefined) unknown.push(key)
    else if (exact !== undefined || !fields.has(folded)) fields.set(folded, value)
  }
  return { fields, unknown }
}

/** One entry of mapRoles or mapUsers as written: the ARN as given, '' for no username. */
export interface MappingEntry {
  arn: string
  username: string
  groups: string[]
}

/** One list of mapRoles or mapUsers, checked; entries that are not usable are left out. */
function readMappings(
  text: string,
  list: 'mapRoles' | 'mapUsers',
  errors: FieldError[],
  warnings: string[],
): MappingEntry[] {
  const base = `data[${list}]`
  const parsed = parseList(text, base, errors)
  if (parsed === undefined) return []
  const arnKey = list === 'mapRoles' ? 'rolearn' : 'userarn'
  const out: MappingEntry[] = []
  parsed.values.forEach((entry, i) => {
    const at = `${base}[${i}]`
    if (!isObject(entry)) {
      errors.push(invalid(at, JSON.stringify(entry) ?? 'null', `must be a mapping with ${arnKey}`))
      return
    }
    const { fields, unknown } = entryFields(entry, [arnKey, 'username', 'groups'])
    for (const key of unknown) {
      if (key.toLowerCase() === 'sso' || key.toLowerCase() === 'userid') {
        errors.push(
          invalid(`${at}.${key}`, JSON.stringify(entry[key]) ?? '', 'not supported by rolegate'),
        )
      } else {
        warnings.push(`${at}: unknown field "${key}" ignored, as aws-iam-authenticator ignores it`)
      }
    }
    const arn = fields.get(arnKey)
    const username = fields.get('username') ?? ''
    const groups = fields.get('groups') ?? []
    let usable = true
    if (arn === undefined || arn === null || arn === '') {
      errors.push(required(`${at}.${arnKey}`))
      usable = false
    } else if (typeof arn !== 'string') {
      errors.push(invalid(`${at}.${arnKey}`, JSON.stringify(arn) ?? '', 'must be a string'))
      usable = false
    } else if (!(list === 'mapRoles' ? ROLE_ARN : USER_ARN).test(arn)) {
      errors.push(
        invalid(
          `${at}.${arnKey}`,
          arn,
          list === 'mapRoles'
            ? 'must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME'
            : 'must be an IAM user ARN, arn:aws:iam::ACCOUNT:user/NAME',
        ),
      )
      usable = false
    }
    if (typeof username !== 'string') {
      errors.push(invalid(`${at}.username`, JSON.stringify(username) ?? '', 'must be a string'))
      usable = false
    }
    const groupList = groups === null ? [] : groups
    if (!Array.isArray(groupList) || !groupList.every((group) => typeof group === 'string')) {
      errors.push(
        invalid(`${at}.groups`, JSON.stringify(groups) ?? '', 'must be a list of strings'),
      )
      usable = false
    }
    if (!usable || typeof arn !== 'string' || typeof username !== 'string') return
    out.push({ arn, username, groups: groupList as string[] })
  })
  return out
}

/** mapAccounts: account IDs; an unquoted ID is read as written, as yaml.v2 reads it into a string. */
function readAccounts(text: string, errors: FieldError[]): string[] {
  const base = 'data[mapAccounts]'
  const parsed = parseList(text, base, errors)
  if (parsed === undefined) return []
  const out: string[] = []
  parsed.nodes.forEach((node, i) => {
    const at = `${base}[${i}]`
    const scalar = isScalar(node) ? node : undefined
    const written =
      scalar === undefined
        ? undefined
        : typeof scalar.value === 'string'
          ? scalar.value
          : typeof scalar.value === 'number'
            ? (scalar.source ?? String(scalar.value))
            : undefined
    if (written === undefined || !ACCOUNT_ID.test(written)) {
      const shown =
        written ?? (isMap(node) || isSeq(node) ? String(node) : JSON.stringify(parsed.values[i]))
      errors.push(
        invalid(at, shown ?? '', 'must be a 12-digit AWS account ID, written as a quoted string'),
      )
      return
    }
    out.push(written)
  })
  return out
}

/** The last entry for each ARN (without regard to case), in the order they last appear. */
function lastPerArn<T extends { arn: string }>(
  entries: readonly (T & { at: string })[],
  list: string,
  warnings: string[],
): T[] {
  const last = new Map<string, T & { at: string }>()
  for (const entry of entries) {
    const key = entry.arn.toLowerCase()
    const earlier = last.get(key)
    if (earlier !== undefined) {
      warnings.push(
        `${list}: ${earlier.at} and ${entry.at} map the same ARN ${entry.arn}; the last one counts, as in aws-iam-authenticator`,
      )
      last.delete(key)
    }
    last.set(key, entry)
  }
  return [...last.values()]
}

/**
 * Parses an aws-auth ConfigMap's data into the mapping the authenticator uses, with warnings
 * and errors; absent keys map nobody.
 */
export function parseAwsAuth(data: Readonly<Record<string, string>> | undefined): ParsedAwsAuth {
  const errors: FieldError[] = []
  const warnings: string[] = []
  const roles = readMappings(data?.['mapRoles'] ?? '', 'mapRoles', errors, warnings).map(
    (entry, i) => {
      const stripped = roleArnWithoutPath(entry.arn)
      if (stripped !== entry.arn) {
        warnings.push(
          `data[mapRoles][${i}].rolearn ${entry.arn} has a path; it is matched as ${stripped}, since the ARN of a role's session names no path (EKS asks for the path to be removed)`,
        )
      }
      return { ...entry, arn: stripped, at: `data[mapRoles][${i}]` }
    },
  )
  const users = readMappings(data?.['mapUsers'] ?? '', 'mapUsers', errors, warnings).map(
    (entry, i) => ({ ...entry, at: `data[mapUsers][${i}]` }),
  )
  const accounts = readAccounts(data?.['mapAccounts'] ?? '', errors)
  for (const key of Object.keys(data ?? {})) {
    if (!['mapRoles', 'mapUsers', 'mapAccounts'].includes(key)) {
      warnings.push(`data[${key}] is not read by aws-iam-authenticator`)
    }
  }
  const mapRoles: RoleMapping[] = lastPerArn(roles, 'mapRoles', warnings).map((entry) => ({
    rolearn: entry.arn,
    username: entry.username,
    groups: entry.groups,
  }))
  const mapUsers: UserMapping[] = lastPerArn(users, 'mapUsers', warnings).map((entry) => ({
    userarn: entry.arn,
    username: entry.username,
    groups: entry.groups,
  }))
  return { awsAuth: { mapRoles, mapUsers, mapAccounts: [...new Set(accounts)] }, warnings, errors }
}

/**
 * The entries of mapRoles and mapUsers as written (role paths kept), for editing them as eksctl
 * does; with the errors that make the lists unreadable.
 */
export function readIdentities(data: Readonly<Record<string, string>> | undefined): {
  roles: MappingEntry[]
  users: MappingEntry[]
  errors: FieldError[]
} {
  const errors: FieldError[] = []
  const warnings: string[] = []
  const roles = readMappings(data?.['mapRoles'] ?? '', 'mapRoles', errors, warnings)
  const users = readMappings(data?.['mapUsers'] ?? '', 'mapUsers', errors, warnings)
  return { roles, users, errors }
}

/** Whether an ARN names an IAM role or user, as eksctl's iam.Parse tells them apart. */
export function identityType(arn: string): 'role' | 'user' | undefined {
  const parsed = parseArn(arn)
  if (parsed === undefined || parsed.service !== 'iam') return undefined
  if (ROLE_ARN.test(arn)) return 'role'
  if (USER_ARN.test(arn) && parsed.resource !== 'root') return 'user'
  return undefined
}
