// Who a SimulatePrincipalPolicy call simulates: the user, group or role its PolicySourceArn names,
// that entity's stored policies (loaded as authorisation loads them) and the request principal.
import { parseArn } from '../core/arn.js'
import { invalidInput, noSuchEntity } from '../core/errors.js'
import type { CompiledPolicy, PolicyCache, RequestPrincipal } from '../policy/index.js'
import type { Repositories } from '../store/repositories.js'
import type { PrincipalEntity } from './authorize.js'
import { loadPrincipalPolicies } from './authorize.js'
import { compileStored } from './simulation-policies.js'

const ENTITY_TYPES = ['user', 'group', 'role'] as const

/** The user, group or role a PolicySourceArn names, in the caller's account. */
export async function findPrincipalEntity(
  repo: Repositories,
  accountId: string,
  policySourceArn: string,
): Promise<PrincipalEntity> {
  const parsed = parseArn(policySourceArn)
  const [kind, ...rest] = parsed?.resource.split('/') ?? []
  const type = ENTITY_TYPES.find((candidate) => candidate === kind)
  const name = rest[rest.length - 1]
  if (parsed === undefined || parsed.service !== 'iam' || type === undefined || !name) {
    throw invalidInput(
      `Invalid Entity Arn: ${policySourceArn} does not clearly define entity type and name.`,
    )
  }
  if (parsed.account !== accountId) {
    throw invalidInput(
      `Invalid Policy Source Arn: caller's account ${accountId} does not have access to policies in account ${parsed.account}`,
    )
  }
  const notFound = () => noSuchEntity(`The ${type} with name ${name} cannot be found.`)
  if (type === 'user') {
    const user = await repo.users.getByName(accountId, name)
    if (!user) throw notFound()
    return { type, user }
  }
  if (type === 'group') {
    const group = await repo.groups.getByName(accountId, name)
    if (!group) throw notFound()
    return { type, group }
  }
  const role = await repo.roles.getByName(accountId, name)
  if (!role) throw notFound()
  return { type, role }
}

/** The entity's own policies, compiled and named as the simulator names them. */
export interface PrincipalPolicies {
  entity: PrincipalEntity
  /** The user's, group's or role's ARN. */
  arn: string
  identity: CompiledPolicy[]
  boundary: CompiledPolicy | undefined
}

/** The entity a PolicySourceArn names with its policies, compiled in `policies`. */
export async function loadPrincipalSimulation(
  repo: Repositories,
  accountId: string,
  policySourceArn: string,
  policies: PolicyCache,
): Promise<PrincipalPolicies> {
  const entity = await findPrincipalEntity(repo, accountId, policySourceArn)
  const loaded = await loadPrincipalPolicies(repo, entity)
  return {
    entity,
    arn: loaded.principalArn,
    identity: loaded.identity.map((policy) => compileStored(policy, policies)),
    boundary: loaded.boundary === undefined ? undefined : compileStored(loaded.boundary, policies),
  }
}

/**
 * Who the simulated request comes from. A role is simulated as a session of itself; users,
 * groups and custom policies as an IAM user (CallerArn when given, which only a user may be).
 */
export function simulatedPrincipal(
  accountId: string,
  callerArn: string | undefined,
  entity?: { type: PrincipalEntity['type']; arn: string },
): RequestPrincipal {
  if (entity?.type === 'role' && callerArn === undefined) {
    return { kind: 'assumed-role', arn: entity.arn, account: accountId, roleArn: entity.arn }
  }
  const arn = callerArn ?? entity?.arn ?? `arn:aws:iam::${accountId}:root`
  return { kind: 'user', arn, account: parseArn(arn)?.account || accountId }
}
