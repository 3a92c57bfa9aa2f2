// The real Authorizer: gathers the caller's identity-based policies (inline and attached, the
// user's and its groups', or the role's) and permissions boundary, compiles each once, and asks
// the policy engine. What it gathers is cached per principal until the store's generation moves.
import type { Caller, CallerSession, RequestInfo } from '../core/caller.js'
import { AwsError, accessDenied } from '../core/errors.js'
import {
  ActionNames,
  PolicyCache,
  accessDeniedMessage,
  buildRequestContext,
  compilePolicy,
  evaluate,
} from '../policy/index.js'
import type {
  CompiledPolicy,
  EvaluationRequest,
  PrincipalTypeValue,
  RequestPrincipal,
} from '../policy/index.js'
import type { EntityType, GroupRecord, RoleRecord, Store, Tag, UserRecord } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import type {
  AuthorizationContext,
  AuthorizeOptions,
  Authorizer,
  PolicyText,
} from '../authorization/authorizer.js'
import { awsManagedPolicy } from './aws-managed-policies.js'

/** Everything about a principal that authorisation reads, compiled. */
interface PrincipalPolicies {
  identity: CompiledPolicy[]
  boundary: CompiledPolicy | undefined
  /** aws:PrincipalArn: the user's ARN, or the role's for a role session. */
  principalArn: string
  tags: Tag[]
}

export class IamAuthorizer implements Authorizer {
  private readonly compiled = new PolicyCache({ limit: 5000 })
  private readonly actionNames = new ActionNames()
  private principals = new Map<string, PrincipalPolicies>()
  private cachedGeneration = -1
  /** Managed session policies' documents by ARN, for the current store generation. */
  private managedDocuments = new Map<string, string | undefined>()

  constructor(private readonly store: Store) {}

  async authorize(
    caller: Caller,
    action: string,
    resource: string,
    context: AuthorizationContext,
    request: RequestInfo,
    options: AuthorizeOptions = {},
  ): Promise<void> {
    const policies = caller.type === 'root' ? undefined : await this.policiesFor(caller)
    const session = caller.session
    const requestContext = buildRequestContext({
      currentTime: request.now,
      secureTransport: request.secureTransport,
      sourceIp: request.sourceIp,
      userAgent: request.userAgent,
      // A federated user is its own principal: aws:PrincipalArn names the session, not the user.
      principalArn:
        caller.type === 'federated-user' ? caller.arn : (policies?.principalArn ?? caller.arn),
      principalAccount: caller.accountId,
      principalType: principalType(caller),
      userId: caller.userId,
      ...(caller.type === 'user' ? { username: caller.name } : {}),
      principalTags: principalTags(policies?.tags ?? [], session?.tags ?? []),
      requestedRegion: request.region,
      ...(session ? sessionContext(session) : {}),
      ...mfaContext(session, options.mfaAuthenticatedAt, request.now),
    })
    for (const [key, value] of Object.entries(context)) requestContext.set(key, value)
    const sessionPolicies = session ? await this.sessionPolicies(session) : []
    const evaluation: EvaluationRequest = {
      principal: requestPrincipal(caller, policies),
      action,
      resource,
      context: requestContext,
      identityPolicies: policies?.identity ?? [],
      ...(policies?.boundary ? { permissionsBoundary: policies.boundary } : {}),
      ...(sessionPolicies.length > 0 ? { sessionPolicies } : {}),
      ...(options.resourcePolicy ? { resourcePolicy: this.compile(options.resourcePolicy) } : {}),
      ...(options.resourceAccount === undefined
        ? {}
        : { resourceAccount: options.resourceAccount }),
    }
    const decision = evaluate(evaluation, { actionNames: this.actionNames })
    if (decision.decision !== 'Allowed') {
      const kind = decision.protectedResource
      if (kind === 'service-linked-role' || kind === 'reserved-role') {
        throw protectedRole(resource)
      }
      // Denials are rare: only then is the decision taken again with its full trace, for the
      // encoded authorization message.
      throw accessDenied(accessDeniedMessage(caller.arn, action, resource, decision), {
        principal: { id: caller.userId, name: caller.name, arn: caller.arn },
        action,
        resource,
        decision: evaluate(evaluation, { trace: true, actionNames: this.actionNames }),
        context: requestContext.entries(),
      })
    }
  }

  /** A session's inline and managed session policies, compiled; they bound what it may do. */
  private async sessionPolicies(session: CallerSession): Promise<CompiledPolicy[]> {
    const texts: PolicyText[] = []
    if (session.policy !== undefined) {
      texts.push({ text: session.policy, kind: 'session', source: 'session-policy' })
    }
    if (session.policyArns !== undefined && session.policyArns.length > 0) {
      this.followGeneration()
      const missing = session.policyArns.filter((arn) => !this.managedDocuments.has(arn))
      if (missing.length > 0) {
        const generation = this.store.generation
        const loaded = await this.store.read(async (repo) =>
          Promise.all(missing.map(async (arn) => [arn, await managedDocument(repo, arn)] as const)),
        )
        if (this.store.generation === generation) {
          for (const [arn, text] of loaded) this.managedDocuments.set(arn, text)
        }
        for (const [arn, text] of loaded) texts.push({ text, kind: 'session', source: arn })
      }
      for (const arn of session.policyArns) {
        if (missing.includes(arn)) continue
        texts.push({ text: this.managedDocuments.get(arn), kind: 'session', source: arn })
      }
    }
    // "If you do not pass a policy ... the resulting federated user session has no permissions"
    // (API Reference, GetFederationToken): an empty session policy allows nothing.
    if (texts.length === 0 && session.obtainedBy === 'GetFederationToken') {
      texts.push({ text: undefined, kind: 'session', source: 'no-session-policy' })
    }
    return texts.map((text) => this.compile(text))
  }

  private followGeneration(): void {
    if (this.store.generation !== this.cachedGeneration) {
      this.principals = new Map()
      this.managedDocuments = new Map()
      this.cachedGeneration = this.store.generation
    }
  }

  private async policiesFor(caller: Caller): Promise<PrincipalPolicies> {
    this.followGeneration()
    const cacheKey = `${caller.type}:${caller.principalId}`
    const cached = this.principals.get(cacheKey)
    if (cached) return cached
    const generation = this.store.generation
    const loaded = await this.store.read((repo) => loadPolicies(repo, caller))
    const policies: PrincipalPolicies = {
      identity: loaded.identity.map((policy) => this.compile(policy)),
      boundary: loaded.boundary ? this.compile(loaded.boundary) : undefined,
      principalArn: loaded.principalArn,
      tags: loaded.tags,
    }
    // A write that landed while loading may have changed the answer: keep it out of the cache.
    if (this.store.generation === generation) this.principals.set(cacheKey, policies)
    return policies
  }

  private compile(policy: PolicyText): CompiledPolicy {
    if (policy.text === undefined)
      return compilePolicy({ statements: [] }, policy.source, policy.kind)
    try {
      return this.compiled.get(policy.text, policy.kind, policy.source)
    } catch (error) {
      // A stored document that no longer parses must not turn into a client error, nor be skipped
      // (it may hold a Deny): fail the request as ours.
      const reason = error instanceof AwsError ? error.message : String(error)
      throw new Error(`stored policy ${policy.source} does not parse: ${reason}`, { cause: error })
    }
  }
}

/**
 * IAM's refusal of a write the policies allow to a role AWS keeps for itself, as AWS words it
 * (recorded by aws-nuke against AWS: "UnmodifiableEntity: Cannot perform the operation on the
 * protected role 'AWSServiceRoleForAmazonGuardDuty' - this role is only modifiable by AWS").
 */
function protectedRole(roleArn: string): AwsError {
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1)
  return new AwsError(
    'UnmodifiableEntity',
    `Cannot perform the operation on the protected role '${name}' - this role is only modifiable by AWS`,
  )
}

/** aws:PrincipalTag/*: the entity's tags, with session tags overriding a key of any case. */
function principalTags(
  entityTags: readonly Tag[],
  sessionTags: readonly Tag[],
): Record<string, string> {
  const overridden = new Set(sessionTags.map((tag) => tag.key.toLowerCase()))
  const tags: Record<string, string> = {}
  for (const tag of entityTags)
    if (!overridden.has(tag.key.toLowerCase())) tags[tag.key] = tag.value
  for (const tag of sessionTags) tags[tag.key] = tag.value
  return tags
}

/** The global keys a temporary-credential session adds to every request it signs. */
function sessionContext(session: CallerSession) {
  return {
    tokenIssueTime: session.issuedAt,
    ...(session.sourceIdentity === undefined ? {} : { sourceIdentity: session.sourceIdentity }),
    ...(session.federatedProvider === undefined
      ? {}
      : { federatedProvider: session.federatedProvider }),
    ...(session.samlKeys === undefined ? {} : { extra: session.samlKeys }),
  }
}

/**
 * aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge: present for every temporary-credential
 * session (false without MFA) and for a request that proves MFA itself; absent for long-term
 * credentials. The age is in whole seconds since the MFA code was accepted.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
function mfaContext(
  session: CallerSession | undefined,
  provedNow: Date | undefined,
  now: Date,
): { multiFactorAuthPresent?: boolean; multiFactorAuthAge?: number } {
  const at = provedNow ?? session?.mfaAuthenticatedAt
  if (at === undefined) return session ? { multiFactorAuthPresent: false } : {}
  const age = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000))
  return { multiFactorAuthPresent: true, multiFactorAuthAge: age }
}

function principalType(caller: Caller): PrincipalTypeValue {
  if (caller.type === 'root') return 'Account'
  if (caller.type === 'assumed-role') return 'AssumedRole'
  if (caller.type === 'federated-user') return 'FederatedUser'
  return 'User'
}

function requestPrincipal(
  caller: Caller,
  policies: PrincipalPolicies | undefined,
): RequestPrincipal {
  if (caller.type === 'assumed-role') {
    return {
      kind: 'assumed-role',
      arn: caller.arn,
      account: caller.accountId,
      ...(policies ? { roleArn: policies.principalArn } : {}),
    }
  }
  if (caller.type === 'federated-user') {
    return {
      kind: 'federated-user',
      arn: caller.arn,
      account: caller.accountId,
      ...(caller.session?.sourceArn === undefined
        ? {}
        : { sourceUserArn: caller.session.sourceArn }),
    }
  }
  return { kind: caller.type, arn: caller.arn, account: caller.accountId }
}

/** A principal's policies as stored: what authorisation, the simulator and explain all read. */
export interface LoadedPolicies {
  identity: PolicyText[]
  boundary: PolicyText | undefined
  principalArn: string
  tags: Tag[]
}

/** The default version's document of a managed policy: AWS's catalogue or the account's own. */
async function managedDocument(repo: Repositories, arn: string): Promise<string | undefined> {
  const aws = awsManagedPolicy(arn)
  if (aws) return aws.document
  const policy = await repo.policies.get(arn)
  if (!policy) return undefined
  return (await repo.policies.getVersion(arn, policy.defaultVersionId))?.document
}

async function entityPolicies(
  repo: Repositories,
  entityType: EntityType,
  entityId: string,
  label: string,
): Promise<PolicyText[]> {
  const texts: PolicyText[] = []
  for (const inline of await repo.inlinePolicies.list(entityType, entityId)) {
    texts.push({ text: inline.document, kind: 'identity', source: `${label}/${inline.policyName}` })
  }
  for (const arn of await repo.attachments.listForEntity(entityType, entityId)) {
    const text = await managedDocument(repo, arn)
    if (text !== undefined) texts.push({ text, kind: 'managed', source: arn })
  }
  return texts
}

async function boundaryPolicy(
  repo: Repositories,
  arn: string | null,
): Promise<PolicyText | undefined> {
  if (arn === null) return undefined
  return { text: await managedDocument(repo, arn), kind: 'boundary', source: arn }
}

/** A user, group or role whose policies are loaded (SimulatePrincipalPolicy accepts all three). */
export type PrincipalEntity =
  | { type: 'user'; user: UserRecord }
  | { type: 'group'; group: GroupRecord }
  | { type: 'role'; role: RoleRecord }

/**
 * The entity's identity-based policies (a user's include its groups') and permissions boundary, in
 * the order authorisation evaluates them. Groups have no boundary; their ARN stands as principal.
 */
export async function loadPrincipalPolicies(
  repo: Repositories,
  entity: PrincipalEntity,
): Promise<LoadedPolicies> {
  if (entity.type === 'role') {
    const { role } = entity
    return {
      identity: await entityPolicies(repo, 'role', role.roleId, `role/${role.roleName}`),
      boundary: await boundaryPolicy(repo, role.permissionsBoundaryArn),
      principalArn: role.arn,
      tags: role.tags,
    }
  }
  if (entity.type === 'group') {
    const { group } = entity
    return {
      identity: await entityPolicies(repo, 'group', group.groupId, `group/${group.groupName}`),
      boundary: undefined,
      principalArn: group.arn,
      tags: [],
    }
  }
  const { user } = entity
  const identity = await entityPolicies(repo, 'user', user.userId, `user/${user.userName}`)
  for (const group of await repo.groups.listForUser(user.userId)) {
    identity.push(
      ...(await entityPolicies(repo, 'group', group.groupId, `group/${group.groupName}`)),
    )
  }
  return {
    identity,
    boundary: await boundaryPolicy(repo, user.permissionsBoundaryArn),
    principalArn: user.arn,
    tags: user.tags,
  }
}

/**
 * What the root user may do, as an identity policy: a federated user the root user obtained is
 * bounded by it and its session policies, as one an IAM user obtained is by the user's policies.
 */
const ROOT_PERMISSIONS: PolicyText = {
  text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  kind: 'identity',
  source: 'root',
}

async function loadPolicies(repo: Repositories, caller: Caller): Promise<LoadedPolicies> {
  if (caller.type === 'federated-user' && caller.principalId === '') {
    return { identity: [ROOT_PERMISSIONS], boundary: undefined, principalArn: caller.arn, tags: [] }
  }
  if (caller.type === 'assumed-role') {
    const role = await repo.roles.getById(caller.principalId)
    if (!role) return { identity: [], boundary: undefined, principalArn: caller.arn, tags: [] }
    return loadPrincipalPolicies(repo, { type: 'role', role })
  }
  const user = await repo.users.getById(caller.principalId)
  if (!user) return { identity: [], boundary: undefined, principalArn: caller.arn, tags: [] }
  return loadPrincipalPolicies(repo, { type: 'user', user })
}
