// `rolegate idp ...`: the built-in identity provider's directory, its AWS Account Federation app,
// role assignments, metadata and signed responses, as calls to the running server's admin API.
// Passwords and secret keys are read from standard input, never from the command line.
import type { ParseArgsConfig } from 'node:util'
import { CLIENT_OPTIONS_HELP } from './client-help.js'
import type { XmlValue } from './query-client.js'
import { UsageError } from './usage-error.js'

export const IDP_OPTIONS = {
  email: { type: 'string' },
  'session-tag': { type: 'string', multiple: true },
  'password-stdin': { type: 'boolean' },
  off: { type: 'boolean' },
  user: { type: 'string' },
  group: { type: 'string' },
  role: { type: 'string' },
  recipient: { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key-stdin': { type: 'boolean' },
  'provider-arn': { type: 'string' },
  'no-provider-arn': { type: 'boolean' },
  'session-duration': { type: 'string' },
} as const satisfies ParseArgsConfig['options']

export type IdpValues = {
  [K in keyof typeof IDP_OPTIONS]?: (typeof IDP_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : (typeof IDP_OPTIONS)[K] extends { multiple: true }
      ? string[]
      : string
}

/** One call of the admin API, shaped like the other client commands' calls. */
export interface IdpCall {
  service: 'rolegate'
  action: string
  params: Record<string, string>
  /** The parameter that takes standard input (a password, a secret key). */
  stdin?: string
  print?: (result: { [name: string]: XmlValue }) => string
  lists?: readonly string[]
}

export const IDP_HELP = `Usage: rolegate idp <user|group|assign|unassign|metadata|assertion|app> ... [options]

The built-in identity provider: a directory of users and groups, and per account an "AWS Account
Federation" app whose SAML metadata lives at PUBLIC_URL/idp/ACCOUNT/metadata and whose users sign
in at PUBLIC_URL/idp/ACCOUNT/sso. Everything belongs to the caller's account.

  user create NAME --password-stdin [--email E] [--session-tag KEY=VALUE ...]
                                      a user (the password is read from standard input); the
                                      session tags become PrincipalTag attributes
  user delete NAME                    delete a user, its memberships and assignments
  user list                           the users, their groups and directly assigned roles
  user set-password NAME --password-stdin
  user require-totp NAME [--off]      require a TOTP code at sign-in: prints the seed and the
                                      otpauth:// URI for an authenticator app, once
  group create|delete NAME
  group add-member|remove-member GROUP USER
  group list                          the groups, their members and assigned roles
  assign --user U|--group G --role ROLE_ARN
                                      offer a role the app learned through IAM
  unassign --user U|--group G --role ROLE_ARN
  metadata                            print the app's IdP metadata XML (for
                                      aws iam create-saml-provider --saml-metadata-document)
  assertion --user NAME [--role ROLE_ARN] [--recipient URL]
                                      print a signed base64 SAMLResponse for the user, as the IdP
                                      would post it (for aws sts assume-role-with-saml)
  app get                             the app: its URLs, settings and signing keys
  app set [--access-key-id ID --secret-access-key-stdin] [--provider-arn ARN | --no-provider-arn]
          [--session-duration SECONDS]
                                      the IAM user's key the app lists roles with (it needs only
                                      iam:ListRoles and iam:ListAccountAliases), the SAML provider
                                      assertions name (default: the one each role trusts), and the
                                      SessionDuration sent (900-43200, default 3600)
  app roles                           the roles the app learns through IAM now
  app rotate-key                      sign with the next key (published since the last rotation)
                                      and publish a new next key

${CLIENT_OPTIONS_HELP}`

/** Which options each subcommand takes. */
const ALLOWED: Record<string, readonly (keyof typeof IDP_OPTIONS)[]> = {
  'user create': ['email', 'session-tag', 'password-stdin'],
  'user delete': [],
  'user list': [],
  'user set-password': ['password-stdin'],
  'user require-totp': ['off'],
  'group create': [],
  'group delete': [],
  'group add-member': [],
  'group remove-member': [],
  'group list': [],
  assign: ['user', 'group', 'role'],
  unassign: ['user', 'group', 'role'],
  metadata: [],
  assertion: ['user', 'role', 'recipient'],
  'app get': [],
  'app set': [
    'access-key-id',
    'secret-access-key-stdin',
    'provider-arn',
    'no-provider-arn',
    'session-duration',
  ],
  'app roles': [],
  'app rotate-key': [],
}

/** `--session-tag KEY=VALUE` as Query tag members. */
function sessionTags(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {}
  pairs.forEach((pair, i) => {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--session-tag must be KEY=VALUE, got '${pair}'`)
    params[`SessionTags.member.${i + 1}.Key`] = pair.slice(0, at)
    params[`SessionTags.member.${i + 1}.Value`] = pair.slice(at + 1)
  })
  return params
}

/** The operands after the subcommand, exactly as many as named. */
function operands(words: readonly string[], skip: number, names: readonly string[]): string[] {
  const given = words.slice(skip)
  if (given.length < names.length) {
    throw new UsageError(`${words.slice(0, skip).join(' ')} needs ${names.join(' and ')}`)
  }
  if (given.length > names.length) {
    throw new UsageError(`unexpected argument '${given[names.length]}'`)
  }
  return given
}

function principal(values: IdpValues): Record<string, string> {
  if ((values.user === undefined) === (values.group === undefined)) {
    throw new UsageError('give one of --user and --group')
  }
  if (values.role === undefined) throw new UsageError('--role is required')
  return {
    ...(values.user === undefined ? {} : { UserName: values.user }),
    ...(values.group === undefined ? {} : { GroupName: values.group }),
    RoleArn: values.role,
  }
}

const text = (name: string) => (result: { [name: string]: XmlValue }) => {
  const value = result[name]
  return typeof value === 'string' ? (value.endsWith('\n') ? value : `${value}\n`) : ''
}

/** The subcommand named by the words: `user create`, `assign`, ... */
function subcommand(words: readonly string[]): string {
  const [first, second] = words
  if (first === undefined) throw new UsageError('which idp command?')
  if (first === 'user' || first === 'group' || first === 'app') {
    const name = `${first} ${second ?? ''}`.trim()
    if (second === undefined) throw new UsageError(`which idp ${first} command?`)
    if (!(name in ALLOWED)) throw new UsageError(`unknown idp ${first} command '${second}'`)
    return name
  }
  if (!(first in ALLOWED)) throw new UsageError(`unknown idp command '${first}'`)
  return first
}

/** The call `rolegate idp WORDS --OPTIONS` makes. */
export function idpCall(words: readonly string[], values: IdpValues): IdpCall {
  const name = subcommand(words)
  const allowed = ALLOWED[name] ?? []
  for (const [option, value] of Object.entries(values)) {
    if (value === undefined || !(option in IDP_OPTIONS)) continue
    if (!allowed.includes(option as keyof typeof IDP_OPTIONS)) {
      throw new UsageError(`--${option} does not apply to idp ${name}`)
    }
  }
  const skip = name.includes(' ') ? 2 : 1
  const call = (
    action: string,
    params: Record<string, string> = {},
    extra: Partial<IdpCall> = {},
  ): IdpCall => ({ service: 'rolegate', action, params, ...extra })
  const needsPassword = () => {
    if (values['password-stdin'] !== true) {
      throw new UsageError('--password-stdin is required: the password is read from standard input')
    }
    return { stdin: 'Password' }
  }
  switch (name) {
    case 'user create': {
      const [userName = ''] = operands(words, skip, ['a user NAME'])
      return call(
        'CreateIdpUser',
        {
          UserName: userName,
          ...(values.email === undefined ? {} : { Email: values.email }),
          ...sessionTags(values['session-tag'] ?? []),
        },
        { ...needsPassword(), lists: ['SessionTags'] },
      )
    }
    case 'user delete':
      return call('DeleteIdpUser', { UserName: operands(words, skip, ['a user NAME'])[0] ?? '' })
    case 'user list':
      operands(words, skip, [])
      return call('ListIdpUsers', {}, { lists: ['Users', 'Groups', 'Roles', 'SessionTags'] })
    case 'user set-password':
      return call(
        'SetIdpUserPassword',
        { UserName: operands(words, skip, ['a user NAME'])[0] ?? '' },
        needsPassword(),
      )
    case 'user require-totp':
      return call('RequireIdpUserTotp', {
        UserName: operands(words, skip, ['a user NAME'])[0] ?? '',
        ...(values.off === true ? { Required: 'false' } : {}),
      })
    case 'group create':
    case 'group delete':
      return call(name === 'group create' ? 'CreateIdpGroup' : 'DeleteIdpGroup', {
        GroupName: operands(words, skip, ['a group NAME'])[0] ?? '',
      })
    case 'group add-member':
    case 'group remove-member': {
      const [group = '', user = ''] = operands(words, skip, ['a GROUP', 'a USER'])
      return call(name === 'group add-member' ? 'AddIdpGroupMember' : 'RemoveIdpGroupMember', {
        GroupName: group,
        UserName: user,
      })
    }
    case 'group list':
      operands(words, skip, [])
      return call('ListIdpGroups', {}, { lists: ['Groups', 'Members', 'Roles'] })
    case 'assign':
    case 'unassign':
      operands(words, skip, [])
      return call(name === 'assign' ? 'AssignIdpRole' : 'UnassignIdpRole', principal(values))
    case 'metadata':
      operands(words, skip, [])
      return call('GetIdpMetadata', {}, { print: text('Metadata') })
    case 'assertion':
      operands(words, skip, [])
      if (values.user === undefined) throw new UsageError('--user is required')
      return call(
        'CreateIdpAssertion',
        {
          UserName: values.user,
          ...(values.role === undefined ? {} : { RoleArn: values.role }),
          ...(values.recipient === undefined ? {} : { Recipient: values.recipient }),
        },
        { print: text('SAMLResponse') },
      )
    case 'app get':
    case 'app roles':
    case 'app rotate-key':
      operands(words, skip, [])
      return call(
        {
          'app get': 'GetIdpApp',
          'app roles': 'ListIdpAppRoles',
          'app rotate-key': 'RotateIdpSigningKey',
        }[name],
        {},
        { lists: ['SigningKeys', 'Roles'] },
      )
    case 'app set': {
      operands(words, skip, [])
      const key = values['access-key-id']
      if ((key === undefined) !== (values['secret-access-key-stdin'] !== true)) {
        throw new UsageError('--access-key-id and --secret-access-key-stdin go together')
      }
      if (values['provider-arn'] !== undefined && values['no-provider-arn'] === true) {
        throw new UsageError('--provider-arn and --no-provider-arn cannot go together')
      }
      const duration = values['session-duration']
      if (duration !== undefined && !/^\d+$/.test(duration)) {
        throw new UsageError(`--session-duration must be a number of seconds, got '${duration}'`)
      }
      const params: Record<string, string> = {
        ...(key === undefined ? {} : { AccessKeyId: key }),
        ...(values['provider-arn'] === undefined ? {} : { ProviderArn: values['provider-arn'] }),
        ...(values['no-provider-arn'] === true ? { ClearProviderArn: 'true' } : {}),
        ...(duration === undefined ? {} : { SessionDuration: duration }),
      }
      if (Object.keys(params).length === 0) throw new UsageError('app set needs something to set')
      return call('UpdateIdpApp', params, {
        lists: ['SigningKeys'],
        ...(key === undefined ? {} : { stdin: 'SecretAccessKey' }),
      })
    }
  }
  throw new UsageError(`unknown idp command '${name}'`)
}
