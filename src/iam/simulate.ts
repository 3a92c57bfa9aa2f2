// IAM's policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and the two
// GetContextKeysFor*Policy calls, answered by the same policy engine that authorises requests.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_testing-policies.html
import { parseArn } from '../core/arn.js'
import { AwsError, invalidInput, noSuchEntity } from '../core/errors.js'
import { memberName, optionalString, stringList } from '../core/input.js'
import type { Field, Params } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { RequestContext, compilePolicy, simulatePolicies } from '../policy/index.js'
import type { PolicyCache } from '../policy/index.js'
import type {
  CompiledPolicy,
  CompiledPolicyKind,
  ContextValue,
  MatchedStatement,
  PolicyType,
  RequestPrincipal,
  SimulationResult,
} from '../policy/index.js'
import { contextKeysInPolicies } from '../policy/index.js'
import { awsStatementPositions } from '../policy/parse-policy.js'
import type { IamRepository } from '../store/ports.js'
import type { PolicyText } from '../authorization/authorizer.js'
import type { PrincipalEntity } from './authorize.js'
import { loadPrincipalPolicies } from './authorize.js'
import { POLICY_DOCUMENT, arn } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'

/** IAM's ContextKeyType values (ContextKeyTypeEnum). */
export const CONTEXT_KEY_TYPES = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
] as const

export type ContextKeyType = (typeof CONTEXT_KEY_TYPES)[number]

export interface ContextEntry {
  name: string
  values: string[]
  type: ContextKeyType | undefined
}

const documentItem = { min: 1, max: 131072, pattern: POLICY_DOCUMENT }
const policyList = (required = false) => stringList({ required, item: documentItem })

/** `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`. */
function contextEntryList(): Field<ContextEntry[] | undefined> {
  return {
    read(params: Params, name, problems) {
      const prefix = `${name}.member.`
      const indexes = new Set<number>()
      for (const key of Object.keys(params)) {
        if (!key.startsWith(prefix)) continue
        const index = Number(key.slice(prefix.length).split('.')[0])
        if (Number.isInteger(index) && index > 0) indexes.add(index)
      }
      if (indexes.size === 0) return params[name] === undefined ? undefined : []
      const at = memberName(name)
      const entries: ContextEntry[] = []
      for (const index of [...indexes].sort((a, b) => a - b)) {
        const base = `${prefix}${index}`
        const keyName = params[`${base}.ContextKeyName`]
        const typeText = params[`${base}.ContextKeyType`]
        const member = `${at}.${index}.member`
        if (keyName !== undefined) {
          const length = [...keyName].length
          if (length < 5) {
            problems.add(
              `${problems.at(keyName, `${member}.contextKeyName`)} failed to satisfy constraint: Member must have length greater than or equal to 5`,
            )
          }
          if (length > 256) {
            problems.add(
              `${problems.at(keyName, `${member}.contextKeyName`)} failed to satisfy constraint: Member must have length less than or equal to 256`,
            )
          }
        }
        let type: ContextKeyType | undefined
        if (typeText !== undefined) {
          if ((CONTEXT_KEY_TYPES as readonly string[]).includes(typeText)) {
            type = typeText as ContextKeyType
          } else {
            const set = problems.style === 'echo-value' ? `: [${CONTEXT_KEY_TYPES.join(', ')}]` : ''
            problems.add(
              `${problems.at(typeText, `${member}.contextKeyType`)} failed to satisfy constraint: Member must satisfy enum value set${set}`,
            )
          }
        }
        // An entry without a key name gives the simulation nothing to set.
        if (keyName === undefined) continue
        const valuePrefix = `${base}.ContextKeyValues.member.`
        const values = Object.entries(params)
          .filter(([key]) => key.startsWith(valuePrefix))
          .map(([key, value]) => [Number(key.slice(valuePrefix.length)), value] as const)
          .filter(([i]) => Number.isInteger(i) && i > 0)
          .sort((a, b) => a[0] - b[0])
          .map(([, value]) => value)
        entries.push({ name: keyName, values, type })
      }
      return entries
    },
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * A context entry as the engine holds it. `*List` types are multi-valued keys (for ForAnyValue /
 * ForAllValues); `numeric` and `boolean` become numbers and booleans when they read as such, so
 * the typed operators see typed values. Text that is not of its declared type stays text: the
 * typed operators then find no match, as they would for a real request carrying it.
 */
export function contextValueOf(entry: ContextEntry): ContextValue | undefined {
  const { values, type } = entry
  if (values.length === 0) return undefined
  if (type !== undefined && type.endsWith('List')) return values
  if (values.length > 1) return values
  const value = values[0]!
  if (type === 'numeric' && NUMBER.test(value.trim())) return Number(value.trim())
  if (type === 'boolean') {
    const lower = value.trim().toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
  }
  return value
}

/** The request context of a simulation: only what ContextEntries say, as IAM's simulator does. */
export function simulationContext(entries: readonly ContextEntry[] | undefined): RequestContext {
  const context = new RequestContext()
  for (const entry of entries ?? []) {
    const value = contextValueOf(entry)
    if (value !== undefined) context.set(entry.name, value)
  }
  return context
}

/**
 * IAM's SourcePolicyId for a stored policy: a managed policy's name (`AdministratorAccess`), and
 * `TYPE_ENTITY_POLICY` for an inline one (recorded from AWS for roles:
 * `role_ecs-task-execution-role-ce-grp-4r_ecs_execution_secrets`; users and groups follow suit).
 */
export function sourcePolicyId(policy: PolicyText): string {
  if (policy.source.startsWith('arn:'))
    return policy.source.slice(policy.source.lastIndexOf('/') + 1)
  // Entity and policy names cannot hold `/`, so the label splits cleanly.
  return policy.source.split('/').join('_')
}

/** A stored policy, compiled once per text in the caller's cache. */
function compileStored(policy: PolicyText, policies: PolicyCache): CompiledPolicy {
  const id = sourcePolicyId(policy)
  // A boundary naming a policy that no longer exists allows nothing, as at authorisation.
  if (policy.text === undefined) return compilePolicy({ statements: [] }, id, policy.kind)
  try {
    return policies.get(policy.text, policy.kind, id)
  } catch (error) {
    const reason = error instanceof AwsError ? error.message : String(error)
    throw new Error(`stored policy ${policy.source} does not parse: ${reason}`, { cause: error })
  }
}

/** A policy passed in the request: a document that does not parse is the caller's InvalidInput. */
function compileInput(
  policies: PolicyCache,
  text: string,
  kind: CompiledPolicyKind,
  id: string,
): CompiledPolicy {
  try {
    return policies.get(text, kind, id)
  } catch (error) {
    if (error instanceof AwsError && error.code === 'MalformedPolicyDocument') {
      throw invalidInput(error.message)
    }
    throw error
  }
}

const ENTITY_TYPES = ['user', 'group', 'role'] as const

/** The user, group or role a PolicySourceArn names, in the caller's account. */
export async function findPrincipalEntity(
  repo: IamRepository,
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
    const user = await repo.getUserByName(accountId, name)
    if (!user) throw notFound()
    return { type, user }
  }
  if (type === 'group') {
    const group = await repo.getGroupByName(accountId, name)
    if (!group) throw notFound()
    return { type, group }
  }
  const role = await repo.getRoleByName(accountId, name)
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
  repo: IamRepository,
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

/** ResourceOwner is an account id, or (SimulateCustomPolicy) an account's `...:root` ARN. */
function resourceOwnerAccount(owner: string | undefined): string | undefined {
  if (owner === undefined) return undefined
  const parsed = parseArn(owner)
  return parsed === undefined ? owner : parsed.account
}

/** IAM's SourcePolicyType as the simulator reports it (recorded against AWS). */
const SOURCE_POLICY_TYPE: Record<PolicyType, string> = {
  identity: 'IAM Policy',
  boundary: 'IAM Policy',
  session: 'IAM Policy',
  resource: 'Resource Policy',
  scp: 'IAM Policy',
  rcp: 'Resource Policy',
}

const decisionRank = { allowed: 0, implicitDeny: 1, explicitDeny: 2 } as const
type EvalDecision = keyof typeof decisionRank

/**
 * The statements that decided, as AWS lists them: for an explicit deny only the Deny statements,
 * for an allow the Allow statements, and none for an implicit deny (nothing decided it).
 */
function decidingStatements(result: SimulationResult): MatchedStatement[] {
  if (result.evalDecision === 'implicitDeny') return []
  const effect = result.evalDecision === 'explicitDeny' ? 'Deny' : 'Allow'
  return result.decision.matchedStatements.filter((m) => m.effect === effect)
}

/** A Statement member: StartPosition/EndPosition one column past each brace, as AWS reports. */
function renderStatement(m: MatchedStatement): ResultObject {
  const { start, end } = awsStatementPositions(m.span)
  return {
    SourcePolicyId: m.policyId,
    SourcePolicyType: SOURCE_POLICY_TYPE[m.policyType],
    StartPosition: { Line: start.line, Column: start.column },
    EndPosition: { Line: end.line, Column: end.column },
  }
}

const renderStatements = (statements: readonly MatchedStatement[]): ResultObject[] => {
  const seen = new Set<string>()
  const out: ResultObject[] = []
  for (const m of statements) {
    const key = `${m.policyType}\u0000${m.policyId}\u0000${m.statementIndex}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(renderStatement(m))
  }
  return out
}

const boundaryDetail = (allowed: boolean): ResultObject => ({
  AllowedByPermissionsBoundary: allowed,
})

/**
 * One EvaluationResult for one action, in AWS's element order. With ResourceArns, AWS answers one
 * result per action whose top level is the most restrictive decision over the resources, with
 * each resource's own answer in ResourceSpecificResults and EvalDecisionDetails present (empty
 * within one account). Without them the resource is `*` and neither element appears.
 */
export function renderEvaluationResult(
  action: string,
  results: readonly SimulationResult[],
  resourcesGiven: boolean,
): ResultObject {
  let worst: EvalDecision = 'allowed'
  for (const r of results)
    if (decisionRank[r.evalDecision] > decisionRank[worst]) worst = r.evalDecision
  const deciding = results.filter((r) => r.evalDecision === worst).flatMap(decidingStatements)
  const names = [...new Set(results.map((r) => r.evalResourceName))]
  const missing = [...new Set(results.flatMap((r) => r.missingContextValues))]
  const boundaries = results.flatMap((r) =>
    r.permissionsBoundaryDecisionDetail === undefined ? [] : [r.permissionsBoundaryDecisionDetail],
  )
  const onlyStar = names.every((name) => name === '*')
  const result: ResultObject = {
    EvalActionName: action,
    // AWS names the resource type's ARN pattern when several resources were simulated; rolegate
    // has no catalogue of resource types, so it says `*` then.
    EvalResourceName: names.length === 1 ? names[0] : '*',
    EvalDecision: worst,
    MatchedStatements: renderStatements(deciding),
    // With concrete resources, missing keys are reported per resource only.
    MissingContextValues: !resourcesGiven || onlyStar ? missing : [],
  }
  if (boundaries.length > 0) {
    result['PermissionsBoundaryDecisionDetail'] = boundaryDetail(
      boundaries.every((b) => b.allowedByPermissionsBoundary),
    )
  }
  if (resourcesGiven) {
    result['EvalDecisionDetails'] = {}
    result['ResourceSpecificResults'] = results.map((r) => {
      const specific: ResultObject = {
        EvalResourceName: r.evalResourceName,
        EvalResourceDecision: r.evalDecision,
        MatchedStatements: renderStatements(decidingStatements(r)),
        MissingContextValues: r.missingContextValues,
      }
      if (r.permissionsBoundaryDecisionDetail !== undefined) {
        specific['PermissionsBoundaryDecisionDetail'] = boundaryDetail(
          r.permissionsBoundaryDecisionDetail.allowedByPermissionsBoundary,
        )
      }
      return specific
    })
  }
  return result
}

/** Everything one simulation call evaluates. */
export interface SimulationSetup {
  principal: RequestPrincipal
  identity: readonly CompiledPolicy[]
  boundary: CompiledPolicy | undefined
  resourcePolicy: CompiledPolicy | undefined
  resourceOwner: string | undefined
  context: RequestContext
}

/** Runs one action over the resources (`*` when none) and renders AWS's EvaluationResult. */
function simulateAction(
  setup: SimulationSetup,
  action: string,
  resources: readonly string[] | undefined,
): ResultObject {
  const results = simulatePolicies({
    principal: setup.principal,
    actions: [action],
    ...(resources === undefined ? {} : { resources }),
    ...(setup.resourceOwner === undefined ? {} : { resourceOwner: setup.resourceOwner }),
    context: setup.context,
    identityPolicies: setup.identity,
    ...(setup.boundary === undefined ? {} : { permissionsBoundary: setup.boundary }),
    ...(setup.resourcePolicy === undefined ? {} : { resourcePolicy: setup.resourcePolicy }),
  })
  const given = resources !== undefined && resources.length > 0
  return renderEvaluationResult(action, results, given)
}

const sharedInput = {
  PermissionsBoundaryPolicyInputList: policyList(),
  ActionNames: stringList({ required: true, item: { min: 3, max: 128 } }),
  ResourceArns: stringList({ item: { min: 1, max: 2048 } }),
  ResourcePolicy: optionalString(documentItem),
  ResourceOwner: optionalString({ min: 1, max: 2048 }),
  CallerArn: optionalString({ min: 1, max: 2048 }),
  ContextEntries: contextEntryList(),
  ResourceHandlingOption: optionalString({ min: 1, max: 64 }),
  ...pagingInput,
}

interface SharedInput {
  PolicyInputList?: string[] | undefined
  PermissionsBoundaryPolicyInputList?: string[] | undefined
  ResourcePolicy?: string | undefined
  ResourceOwner?: string | undefined
  CallerArn?: string | undefined
  ContextEntries?: ContextEntry[] | undefined
}

/** The policies and context a request passes in, compiled (InvalidInput when one does not parse). */
function inputPolicies(input: SharedInput, policies: PolicyCache) {
  const identity = (input.PolicyInputList ?? []).map((text, i) =>
    compileInput(policies, text, 'identity', `PolicyInputList.${i + 1}`),
  )
  const boundaries = input.PermissionsBoundaryPolicyInputList ?? []
  if (boundaries.length > 1) {
    throw invalidInput('The list of Permissions Boundary policies cannot exceed 1 items.')
  }
  const boundary =
    boundaries[0] === undefined
      ? undefined
      : compileInput(policies, boundaries[0], 'boundary', 'PermissionsBoundaryPolicyInputList.1')
  const resourcePolicy =
    input.ResourcePolicy === undefined
      ? undefined
      : compileInput(policies, input.ResourcePolicy, 'resource', 'ResourcePolicy')
  return { identity, boundary, resourcePolicy }
}

/** Only an IAM user can be the simulated caller; its Principal is what a ResourcePolicy checks. */
function checkCallerArn(callerArn: string | undefined): void {
  if (callerArn === undefined) return
  const parsed = parseArn(callerArn)
  if (parsed === undefined || parsed.service !== 'iam' || !parsed.resource.startsWith('user/')) {
    throw invalidInput(`Invalid CallerArn: ${callerArn} is not the ARN of an IAM user.`)
  }
}

const simulatePrincipalPolicy = defineOperation({
  name: 'SimulatePrincipalPolicy',
  input: { PolicySourceArn: arn(), PolicyInputList: policyList(), ...sharedInput },
  // Authorised against the user, group or role whose policies are disclosed.
  resource: (input) => input.PolicySourceArn,
  readOnly: true,
  async run(input, context) {
    const own = await loadPrincipalSimulation(
      context.repo,
      context.accountId,
      input.PolicySourceArn,
      context.policies,
    )
    checkCallerArn(input.CallerArn)
    const extra = inputPolicies(input, context.policies)
    if (extra.resourcePolicy !== undefined && own.entity.type !== 'user' && !input.CallerArn) {
      throw invalidInput(
        'CallerArn is required when a ResourcePolicy is simulated for a PolicySourceArn that is not a user.',
      )
    }
    const setup: SimulationSetup = {
      principal: simulatedPrincipal(context.accountId, input.CallerArn, {
        type: own.entity.type,
        arn: own.arn,
      }),
      identity: [...own.identity, ...extra.identity],
      // A boundary passed in replaces the entity's own for the simulation.
      boundary: extra.boundary ?? own.boundary,
      resourcePolicy: extra.resourcePolicy,
      resourceOwner: resourceOwnerAccount(input.ResourceOwner),
      context: simulationContext(input.ContextEntries),
    }
    return paginate(input.ActionNames ?? [], input, 'EvaluationResults', (action) =>
      simulateAction(setup, action, input.ResourceArns),
    )
  },
})

const simulateCustomPolicy = defineOperation({
  name: 'SimulateCustomPolicy',
  input: { PolicyInputList: policyList(true), ...sharedInput },
  resource: () => '*',
  readOnly: true,
  async run(input, context) {
    checkCallerArn(input.CallerArn)
    const policies = inputPolicies(input, context.policies)
    if (policies.resourcePolicy !== undefined && input.CallerArn === undefined) {
      throw invalidInput('CallerArn is required when a ResourcePolicy is simulated.')
    }
    const setup: SimulationSetup = {
      principal: simulatedPrincipal(context.accountId, input.CallerArn),
      ...policies,
      resourceOwner: resourceOwnerAccount(input.ResourceOwner),
      context: simulationContext(input.ContextEntries),
    }
    return paginate(input.ActionNames ?? [], input, 'EvaluationResults', (action) =>
      simulateAction(setup, action, input.ResourceArns),
    )
  },
})

const contextKeysResult = (policies: readonly CompiledPolicy[]): ResultObject => ({
  ContextKeyNames: contextKeysInPolicies(policies.map((policy) => policy.document)),
})

const getContextKeysForPrincipalPolicy = defineOperation({
  name: 'GetContextKeysForPrincipalPolicy',
  input: { PolicySourceArn: arn(), PolicyInputList: policyList() },
  resource: (input) => input.PolicySourceArn,
  readOnly: true,
  async run(input, context) {
    const own = await loadPrincipalSimulation(
      context.repo,
      context.accountId,
      input.PolicySourceArn,
      context.policies,
    )
    const extra = (input.PolicyInputList ?? []).map((text, i) =>
      compileInput(context.policies, text, 'identity', `PolicyInputList.${i + 1}`),
    )
    return contextKeysResult([...own.identity, ...extra])
  },
})

const getContextKeysForCustomPolicy = defineOperation({
  name: 'GetContextKeysForCustomPolicy',
  input: { PolicyInputList: policyList(true) },
  resource: () => '*',
  readOnly: true,
  async run(input, context) {
    return contextKeysResult(
      (input.PolicyInputList ?? []).map((text, i) =>
        compileInput(context.policies, text, 'identity', `PolicyInputList.${i + 1}`),
      ),
    )
  },
})

export const simulateOperations: IamOperation[] = [
  simulatePrincipalPolicy,
  simulateCustomPolicy,
  getContextKeysForPrincipalPolicy,
  getContextKeysForCustomPolicy,
]
