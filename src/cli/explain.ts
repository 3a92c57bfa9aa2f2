// `rolegate explain`: whether a principal may perform an action on a resource, and why: the
// decision, every policy and statement considered, and each condition's expected and actual values.
//
// Design: explain reads the server's state and runs the policy engine here, rather than calling
// SimulatePrincipalPolicy over SigV4. That API answers in AWS's shape only (the deciding
// statements' positions; no conditions, no values, nothing on the statements that failed to
// match), and a rolegate element added to it would no longer be AWS's shape. Here the policies
// come from the authoriser's own loader and go through the same engine, so the decision is the
// server's and the trace is whole. The composition root opens the store, read-only: SQLite in WAL
// mode or PostgreSQL's READ ONLY transactions let it read beside a running server.
import { parseArn } from '../core/arn.js'
import { AwsError } from '../core/errors.js'
import { loadPrincipalSimulation, simulatedPrincipal } from '../iam/simulation-principal.js'
import type { PrincipalPolicies } from '../iam/simulation-principal.js'
import {
  PolicyCache,
  buildRequestContext,
  formatDecision,
  simulatePolicies,
} from '../policy/index.js'
import type { ContextValue, Decision, RequestPrincipal } from '../policy/index.js'
import type { Store } from '../store/ports.js'
import { MASTER_KEY_ENV } from '../main.js'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const EXPLAIN_HELP = `Usage: rolegate explain --principal ARN --action ACTION [options]

Explains whether the principal may perform the action on the resource, with every policy,
statement and condition that was considered. Reads the server's state (its data directory, or
its PostgreSQL database); it may run while the server does, and never writes.

Options:
  --principal ARN        a user, group or role ARN, or a role session
                         (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)
  --action ACTION        e.g. iam:CreateRole
  --resource ARN         the resource (default *)
  --context KEY=VALUE    a request context value, e.g. aws:SourceIp=10.0.0.1; repeat a key
                         for a multi-valued key
  --data DIR             the server's state directory (default ./.rolegate)
  --database-url URL     the server's PostgreSQL database (postgres://...) instead of DIR
  -h, --help             show this help

Exit status: 0 allowed, 3 denied, 2 usage error, 1 other failure.
`

export interface ExplainOptions {
  principal: string
  action: string
  resource: string
  context: Record<string, ContextValue>
  dataDir: string
  /** `postgres://...`: read the state from PostgreSQL instead of DIR/rolegate.db. */
  databaseUrl: string | undefined
}

/** Where the state is, as the command line says: opened (read-only) by the composition root. */
export type OpenStoreToRead = (location: {
  dataDir: string
  databaseUrl: string | undefined
  /** ROLEGATE_MASTER_KEY, when the state's master key comes from the environment. */
  masterKey: string | undefined
}) => Promise<Store>

export function parseExplainOptions(args: string[]): ExplainOptions | 'help' {
  const parsed = parseCommandLine({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      principal: { type: 'string' },
      action: { type: 'string' },
      resource: { type: 'string', default: '*' },
      context: { type: 'string', multiple: true, default: [] },
      data: { type: 'string', default: './.rolegate' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const values = parsed.values
  if (values.help) return 'help'
  if (values.principal === undefined) throw new UsageError('--principal is required')
  if (values.action === undefined) throw new UsageError('--action is required')
  if (!/^[\w-]+:[\w*?-]+$/.test(values.action)) {
    throw new UsageError(`--action must look like service:Action, got '${values.action}'`)
  }
  const databaseUrl = values['database-url']
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('--database-url must start with postgres:// or postgresql://')
  }
  const context: Record<string, string[]> = {}
  for (const pair of values.context) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--context must be KEY=VALUE, got '${pair}'`)
    const key = pair.slice(0, at)
    // Keys compare without regard to case; the first spelling names the key.
    const known = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key
    ;(context[known] ??= []).push(pair.slice(at + 1))
  }
  return {
    principal: values.principal,
    action: values.action,
    resource: values.resource,
    context: Object.fromEntries(
      Object.entries(context).map(([key, list]) => [key, list.length === 1 ? list[0]! : list]),
    ),
    dataDir: values.data,
    databaseUrl,
  }
}

/** A role session ARN names its role; everything else is looked up as given. */
function policySource(principal: string): { source: string; session: string | undefined } {
  const arn = parseArn(principal)
  if (arn?.service === 'sts' && arn.resource.startsWith('assumed-role/')) {
    const [, role] = arn.resource.split('/')
    return { source: `arn:${arn.partition}:iam::${arn.account}:role/${role}`, session: principal }
  }
  return { source: principal, session: undefined }
}

function requestPrincipal(
  account: string,
  policies: PrincipalPolicies,
  session: string | undefined,
): RequestPrincipal {
  if (policies.entity.type === 'role' && session !== undefined) {
    return { kind: 'assumed-role', arn: session, account, roleArn: policies.arn }
  }
  return simulatedPrincipal(account, undefined, { type: policies.entity.type, arn: policies.arn })
}

/**
 * The decision with its trace. The context holds what the server itself would know of the
 * principal (aws:PrincipalArn, aws:username, principal tags, the time, ...) under the values given.
 */
export async function explain(store: Store, options: ExplainOptions, now: Date): Promise<Decision> {
  const { source, session } = policySource(options.principal)
  const account = parseArn(source)?.account ?? ''
  const compiled = new PolicyCache()
  const policies = await store.read((repo) =>
    loadPrincipalSimulation(repo, account, source, compiled),
  )
  const entity = policies.entity
  const tags =
    entity.type === 'user' ? entity.user.tags : entity.type === 'role' ? entity.role.tags : []
  const context = buildRequestContext({
    currentTime: now,
    principalArn: policies.arn,
    principalAccount: account,
    principalType: entity.type === 'role' ? 'AssumedRole' : 'User',
    ...(entity.type === 'user'
      ? { userId: entity.user.userId, username: entity.user.userName }
      : {}),
    principalTags: Object.fromEntries(tags.map((tag) => [tag.key, tag.value])),
  })
  for (const [key, value] of Object.entries(options.context)) context.set(key, value)
  const [result] = simulatePolicies({
    principal: requestPrincipal(account, policies, session),
    actions: [options.action],
    resources: [options.resource],
    context,
    identityPolicies: policies.identity,
    ...(policies.boundary === undefined ? {} : { permissionsBoundary: policies.boundary }),
    trace: true,
  })
  if (result === undefined) throw new Error('explain: the simulation gave no result')
  return result.decision
}

/** `rolegate explain ...`: resolves with the exit status. */
export async function runExplain(
  args: string[],
  io: CliIo,
  openStore: OpenStoreToRead,
  now = new Date(),
): Promise<number> {
  let options: ExplainOptions | 'help'
  try {
    options = parseExplainOptions(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return reportUsageError(io, 'explain', error, EXPLAIN_HELP)
  }
  if (options === 'help') {
    io.out(EXPLAIN_HELP)
    return 0
  }
  let store: Store | undefined
  try {
    store = await openStore({
      dataDir: options.dataDir,
      databaseUrl: options.databaseUrl,
      masterKey: io.env[MASTER_KEY_ENV],
    })
    const decision = await explain(store, options, now)
    io.out(`${formatDecision(decision)}\n`)
    return decision.decision === 'Allowed' ? 0 : 3
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    io.err(
      `rolegate explain: ${error instanceof AwsError ? `${error.code}: ${message}` : message}\n`,
    )
    return 1
  } finally {
    await store?.close()
  }
}
