// The client commands (`issuer`, `token`, `keys`, `accounts`, `roles`, `idp`): parse the arguments, call
// the running server's admin API (or IAM) with SigV4, print the answer. Nothing here decides
// anything: the server authorises and validates every call.
import type { ParseArgsConfig } from 'node:util'
import { ROLEGATE_SIGNING_NAME, ROLEGATE_VERSION } from '../admin-api/service.js'
import {
  REVOKE_OLDER_SESSIONS_POLICY_NAME,
  revokeOlderSessionsPolicy,
} from '../sts/revoke-sessions.js'
import { CONNECTION_OPTIONS, loadClientConfig } from './aws-config.js'
import type { ClientConfig } from './aws-config.js'
import { ACCOUNTS_HELP, ISSUER_HELP, KEYS_HELP, ROLES_HELP, TOKEN_HELP } from './client-help.js'
import { IDP_HELP, IDP_OPTIONS, idpCall } from './idp-commands.js'
import type { IdpValues } from './idp-commands.js'
import { asList, callQuery, reportCallFailure } from './query-client.js'
import type { XmlValue } from './query-client.js'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const CLIENT_COMMANDS = ['issuer', 'token', 'keys', 'accounts', 'roles', 'idp'] as const
export type ClientCommand = (typeof CLIENT_COMMANDS)[number]

export const isClientCommand = (command: string): command is ClientCommand =>
  (CLIENT_COMMANDS as readonly string[]).includes(command)

const HELP: Record<ClientCommand, string> = {
  issuer: ISSUER_HELP,
  token: TOKEN_HELP,
  keys: KEYS_HELP,
  accounts: ACCOUNTS_HELP,
  roles: ROLES_HELP,
  idp: IDP_HELP,
}

const COMMAND_OPTIONS = {
  algorithm: { type: 'string' },
  force: { type: 'boolean' },
  issuer: { type: 'string' },
  sub: { type: 'string' },
  aud: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  claim: { type: 'string', multiple: true },
  pod: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

type Values = {
  endpoint?: string
  profile?: string
  region?: string
  'ca-bundle'?: string
  help?: boolean
  algorithm?: string
  force?: boolean
  issuer?: string
  sub?: string
  aud?: string[]
  ttl?: string
  claim?: string[]
  pod?: string
}

/** What one invocation asks for, once parsed. */
interface Invocation {
  command: ClientCommand
  /** Positionals after the command: the subcommand and its operand. */
  words: string[]
  values: Values
}

/** Which options each command accepts besides the connection options. */
const ALLOWED: Record<ClientCommand, readonly (keyof typeof COMMAND_OPTIONS)[]> = {
  issuer: ['algorithm', 'force'],
  token: ['issuer', 'sub', 'aud', 'ttl', 'claim', 'pod'],
  keys: [],
  accounts: [],
  roles: [],
  idp: [],
}

function parse(command: ClientCommand, args: string[]): Invocation {
  const options = {
    ...CONNECTION_OPTIONS,
    ...(command === 'idp'
      ? IDP_OPTIONS
      : Object.fromEntries(ALLOWED[command].map((name) => [name, COMMAND_OPTIONS[name]]))),
  }
  const parsed = parseCommandLine({ args, options, strict: true, allowPositionals: true })
  return { command, words: parsed.positionals, values: parsed.values as Values }
}

/** `--claim k=v` (a string) and `--claim k:=JSON` (any JSON value) as one claims object. */
export function parseClaims(pairs: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const pair of pairs) {
    const json = /^([^=:]+):=(.*)$/s.exec(pair)
    if (json) {
      try {
        claims[json[1] ?? ''] = JSON.parse(json[2] ?? '')
      } catch {
        throw new UsageError(`--claim ${json[1]}:= needs a JSON value, got '${json[2]}'`)
      }
      continue
    }
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--claim must be KEY=VALUE or KEY:=JSON, got '${pair}'`)
    claims[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return claims
}

/** The one operand a subcommand takes, e.g. the issuer name. */
function operand(words: string[], what: string): string {
  const value = words[1]
  if (value === undefined) throw new UsageError(`${words[0] ?? ''} needs ${what}`)
  if (words.length > 2) throw new UsageError(`unexpected argument '${words[2]}'`)
  return value
}

function noOperand(words: string[]): void {
  if (words.length > 1) throw new UsageError(`unexpected argument '${words[1]}'`)
}

interface Call {
  service: 'rolegate' | 'iam'
  action: string
  params: Record<string, string>
  /** Shapes the answer for printing; the default prints it as JSON. */
  print?: (result: { [name: string]: XmlValue }) => string
  /** Members that are lists even when empty. */
  lists?: readonly string[]
  /** The parameter standard input fills (a password), read only once the command line is good. */
  stdin?: string
}

const algorithmParam = (values: Values) =>
  values.algorithm === undefined ? {} : { Algorithm: values.algorithm.toUpperCase() }

function issuerCall(invocation: Invocation): Call {
  const { words, values } = invocation
  const sub = words[0]
  if (sub === 'create' || sub === 'rotate-key') {
    return {
      service: 'rolegate',
      action: sub === 'create' ? 'CreateIssuer' : 'RotateIssuerKey',
      params: { IssuerName: operand(words, 'an issuer NAME'), ...algorithmParam(values) },
      lists: ['RetiredKeys'],
    }
  }
  if (values.algorithm !== undefined) throw new UsageError(`--algorithm does not apply to ${sub}`)
  if (values.force === true && sub !== 'delete') {
    throw new UsageError(`--force does not apply to ${sub ?? 'this command'}`)
  }
  if (sub === 'delete') {
    return {
      service: 'rolegate',
      action: 'DeleteIssuer',
      params: {
        IssuerName: operand(words, 'an issuer NAME'),
        ...(values.force === true ? { Force: 'true' } : {}),
      },
    }
  }
  if (sub === 'get') {
    return {
      service: 'rolegate',
      action: 'GetIssuer',
      params: { IssuerName: operand(words, 'an issuer NAME') },
      lists: ['Keys'],
    }
  }
  if (sub === 'list') {
    noOperand(words)
    return { service: 'rolegate', action: 'ListIssuers', params: {}, lists: ['Issuers'] }
  }
  throw new UsageError(
    sub === undefined ? 'which issuer command?' : `unknown issuer command '${sub}'`,
  )
}

function tokenCall(invocation: Invocation): Call {
  const { words, values } = invocation
  if (words.length > 0) throw new UsageError(`unexpected argument '${words[0]}'`)
  if (values.issuer === undefined) throw new UsageError('--issuer is required')
  if (values.sub === undefined) throw new UsageError('--sub is required')
  const audiences = values.aud ?? []
  if (audiences.length === 0) throw new UsageError('--aud is required')
  if (values.ttl !== undefined && !/^\d+$/.test(values.ttl)) {
    throw new UsageError(`--ttl must be a number of seconds, got '${values.ttl}'`)
  }
  const claims = parseClaims(values.claim ?? [])
  const params: Record<string, string> = { IssuerName: values.issuer, Subject: values.sub }
  audiences.forEach((audience, i) => (params[`Audience.member.${i + 1}`] = audience))
  if (values.ttl !== undefined) params['TtlSeconds'] = values.ttl
  if (Object.keys(claims).length > 0) params['Claims'] = JSON.stringify(claims)
  if (values.pod !== undefined) params['Pod'] = values.pod
  return {
    service: 'rolegate',
    action: 'IssueToken',
    params,
    print: (result) => `${typeof result['Token'] === 'string' ? result['Token'] : ''}\n`,
  }
}

function keysCall(invocation: Invocation): Call {
  const { words } = invocation
  const sub = words[0]
  if (sub === 'rotate' || sub === 'list') {
    noOperand(words)
    return {
      service: 'rolegate',
      action: sub === 'rotate' ? 'RotateSessionKey' : 'ListSessionKeys',
      params: {},
      lists: ['SessionKeys'],
    }
  }
  if (sub === 'retire' || sub === 'delete') {
    return {
      service: 'rolegate',
      action: sub === 'retire' ? 'RetireSessionKey' : 'DeleteSessionKey',
      params: { KeyId: operand(words, 'a KEY_ID') },
    }
  }
  throw new UsageError(sub === undefined ? 'which keys command?' : `unknown keys command '${sub}'`)
}

function accountsCall(invocation: Invocation): Call {
  const { words } = invocation
  if (words[0] !== 'create') {
    throw new UsageError(
      words[0] === undefined ? 'which accounts command?' : `unknown accounts command '${words[0]}'`,
    )
  }
  return {
    service: 'rolegate',
    action: 'CreateAccount',
    params: { AccountId: operand(words, 'an ACCOUNT_ID') },
  }
}

function rolesCall(invocation: Invocation, now: Date): Call {
  const { words } = invocation
  if (words[0] !== 'revoke-sessions') {
    throw new UsageError(
      words[0] === undefined ? 'which roles command?' : `unknown roles command '${words[0]}'`,
    )
  }
  const roleName = operand(words, 'a ROLE name')
  const policy = revokeOlderSessionsPolicy(now)
  return {
    service: 'iam',
    action: 'PutRolePolicy',
    params: {
      RoleName: roleName,
      PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME,
      PolicyDocument: policy,
    },
    print: () =>
      `${JSON.stringify(
        {
          RoleName: roleName,
          PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME,
          RevokedBefore: now.toISOString(),
        },
        null,
        4,
      )}\n`,
  }
}

function callFor(invocation: Invocation, now: Date): Call {
  switch (invocation.command) {
    case 'issuer':
      return issuerCall(invocation)
    case 'token':
      return tokenCall(invocation)
    case 'keys':
      return keysCall(invocation)
    case 'accounts':
      return accountsCall(invocation)
    case 'roles':
      return rolesCall(invocation, now)
    case 'idp':
      return idpCall(invocation.words, invocation.values as IdpValues)
  }
}

/** Lists that arrived empty (an empty element) become [], at any depth. */
function withLists(value: XmlValue, lists: readonly string[]): XmlValue {
  if (Array.isArray(value)) return value.map((item) => withLists(item, lists))
  if (typeof value === 'string') return value
  const out: { [name: string]: XmlValue } = {}
  for (const [name, member] of Object.entries(value)) {
    out[name] = lists.includes(name)
      ? asList(member).map((item) => withLists(item, lists))
      : withLists(member, lists)
  }
  return out
}

const VERSIONS = { rolegate: ROLEGATE_VERSION, iam: '2010-05-08' } as const

/** A secret given on standard input, without the one line ending a shell or `echo` adds. */
async function secretFromStdin(io: CliIo): Promise<string> {
  if (!io.stdin) throw new UsageError('standard input cannot be read here')
  const secret = (await io.stdin()).replace(/\r?\n$/, '')
  if (secret === '') throw new UsageError('nothing was given on standard input')
  return secret
}

/** `rolegate issuer|token|keys|accounts|roles|idp ...`: resolves with the exit status. */
export async function runClientCommand(
  command: ClientCommand,
  args: string[],
  io: CliIo,
  now: Date = new Date(),
): Promise<number> {
  let invocation: Invocation
  let call: Call
  try {
    invocation = parse(command, args)
    if (invocation.values.help === true) {
      io.out(HELP[command])
      return 0
    }
    call = callFor(invocation, now)
    if (call.stdin !== undefined) call.params[call.stdin] = await secretFromStdin(io)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return reportUsageError(io, command, error, HELP[command])
  }
  try {
    const { values } = invocation
    const config: ClientConfig = await loadClientConfig(
      {
        endpoint: values.endpoint,
        profile: values.profile,
        region: values.region,
        caBundle: values['ca-bundle'],
      },
      io.env,
      call.service === 'rolegate' ? ROLEGATE_SIGNING_NAME : call.service,
    )
    const result = await callQuery(
      config,
      {
        service: call.service,
        version: VERSIONS[call.service],
        action: call.action,
        params: call.params,
      },
      now,
    )
    if (call.print) io.out(call.print(result))
    else if (Object.keys(result).length > 0) {
      io.out(`${JSON.stringify(withLists(result, call.lists ?? []), null, 4)}\n`)
    }
    return 0
  } catch (error) {
    const status = reportCallFailure(io, command, call.action, error)
    if (status === undefined) throw error
    return status
  }
}
