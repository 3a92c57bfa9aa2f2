// Editing aws-auth the way eksctl does (pkg/ctl/create/iamidentitymapping.go and
// pkg/ctl/delete/iamidentitymapping.go over pkg/authconfigmap): a mapping is appended, a second one
// for the same ARN shadows the first (with a warning) unless duplicates are refused; removing takes
// the first mapping of an ARN, or every one with `all`; both lists are then written back whole as
// sigs.k8s.io/yaml marshals them (keys sorted, empty fields left out, `[]` for an empty list).
import { stringify } from 'yaml'
import { AwsError } from '../core/errors.js'
import { formatFieldError } from './cluster-field-errors.js'
import { identityType, readIdentities } from './aws-auth.js'
import type { MappingEntry } from './aws-auth.js'

export interface IdentityMapping {
  arn: string
  /** '' when the mapping names groups only. */
  username: string
  groups: string[]
}

export interface AwsAuthEdit {
  /** The ConfigMap's data after the edit (mapAccounts and any other key untouched). */
  data: Record<string, string>
  /** False when nothing had to change (an identical mapping with duplicates refused). */
  changed: boolean
  /** What eksctl would have logged as a warning. */
  warnings: string[]
}

const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message)

/** sigs.k8s.io/yaml's Marshal of a list of identities: sorted keys, omitempty, `[]` when empty. */
function marshal(entries: readonly MappingEntry[], arnKey: 'rolearn' | 'userarn'): string {
  if (entries.length === 0) return '[]\n'
  const plain = entries.map((entry) => ({
    ...(entry.groups.length > 0 ? { groups: entry.groups } : {}),
    [arnKey]: entry.arn,
    ...(entry.username !== '' ? { username: entry.username } : {}),
  }))
  return stringify(plain, { indentSeq: false, sortMapEntries: true, lineWidth: 0 })
}

function identitiesOf(data: Readonly<Record<string, string>>) {
  const read = readIdentities(data)
  if (read.errors.length > 0) {
    throw invalidParameter(
      `the aws-auth ConfigMap cannot be read: ${read.errors.map(formatFieldError).join(', ')}`,
    )
  }
  return read
}

function written(
  data: Readonly<Record<string, string>>,
  roles: readonly MappingEntry[],
  users: readonly MappingEntry[],
): Record<string, string> {
  return { ...data, mapRoles: marshal(roles, 'rolearn'), mapUsers: marshal(users, 'userarn') }
}

/** eksctl iam.NewIdentity's checks, in its words. */
export function checkIdentityMapping(mapping: IdentityMapping): 'role' | 'user' {
  if (mapping.arn === '') throw invalidParameter('expected a valid arn but got empty string')
  if (mapping.username === '' && mapping.groups.length === 0) {
    throw invalidParameter('neither username nor groups is set for iam identity')
  }
  const type = identityType(mapping.arn)
  if (type === undefined) throw invalidParameter('arn is neither user nor role')
  return type
}

/** `eksctl create iamidentitymapping [--no-duplicate-arns]`. */
export function addIdentityMapping(
  data: Readonly<Record<string, string>>,
  mapping: IdentityMapping,
  options: { noDuplicateArns: boolean },
): AwsAuthEdit {
  const type = checkIdentityMapping(mapping)
  const { roles, users } = identitiesOf(data)
  const warnings: string[] = []
  for (const identity of [...roles, ...users]) {
    const sameArn = identity.arn === mapping.arn
    const same =
      sameArn &&
      identity.username === mapping.username &&
      identity.groups.length === mapping.groups.length &&
      identity.groups.every((group, i) => group === mapping.groups[i])
    if (options.noDuplicateArns && same) {
      return {
        data: { ...data },
        changed: false,
        warnings: ['found existing mapping that matches the one being created, quitting.'],
      }
    }
    if (sameArn && options.noDuplicateArns) {
      throw invalidParameter(
        `found existing mapping with the same arn "${mapping.arn}" and shadowing is disabled`,
      )
    }
    if (sameArn) {
      warnings.push(
        `found existing mappings with same arn "${mapping.arn}" (which will be shadowed by your new mapping)`,
      )
      break
    }
  }
  const entry = { arn: mapping.arn, username: mapping.username, groups: [...mapping.groups] }
  return {
    data:
      type === 'role'
        ? written(data, [...roles, entry], users)
        : written(data, roles, [...users, entry]),
    changed: true,
    warnings,
  }
}

/** `eksctl delete iamidentitymapping --arn ARN [--all]`. */
export function removeIdentityMapping(
  data: Readonly<Record<string, string>>,
  arn: string,
  options: { all: boolean },
): AwsAuthEdit {
  const { roles, users } = identitiesOf(data)
  const warnings: string[] = []
  let removed = 0
  const keep = (list: readonly MappingEntry[]) =>
    list.filter((identity) => {
      if (identity.arn !== arn || (!options.all && removed > 0)) return true
      removed += 1
      return false
    })
  const keptRoles = keep(roles)
  const keptUsers = keep(users)
  if (removed === 0 && !options.all) {
    throw new AwsError(
      'ResourceNotFoundException',
      `instance identity ARN "${arn}" not found in auth ConfigMap`,
    )
  }
  const left = [...keptRoles, ...keptUsers].filter((identity) => identity.arn === arn).length
  if (left > 0) {
    warnings.push(
      `there are ${left} mappings left with same arn "${arn}" (use --all to delete them at once)`,
    )
  }
  return { data: written(data, keptRoles, keptUsers), changed: removed > 0, warnings }
}
