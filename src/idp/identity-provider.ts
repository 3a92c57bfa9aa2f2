// The built-in identity provider as the rest of the server reaches it: each account's AWS Account
// Federation app (made on first use, with a signing key and the next one), its metadata, the roles
// it learns through IAM with its access key (cached until the store moves), the roles a user is
// offered, and the signed responses it makes. The browser sign-in lives in web/.
import type { Clock } from '../core/clock.js'
import type { IdSource } from '../core/ids.js'
import { AwsError } from '../core/errors.js'
import type { IdpAppRecord, IdpSigningKeyRecord, IdpUserRecord } from '../store/idp-records.js'
import type { Store } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import { learnAccountRoles } from './iam-roles.js'
import type { AccountRoles, ApiQuery } from './iam-roles.js'
import { metadataDocument } from './metadata.js'
import { DEFAULT_SESSION_DURATION, roleNameOfArn } from './names.js'
import { AWS_SAML_ENDPOINT, signedResponse } from './saml-response.js'
import type { SignedResponse } from './saml-response.js'
import { generateSigningKey, nextKeyOf, publishedKeys, signingKeyOf } from './signing-keys.js'

export interface IdentityProviderOptions {
  store: Store
  clock: Clock
  ids: Pick<IdSource, 'randomBytes'>
  /** The server's public URL; a function because it may be known only once the socket listens. */
  publicUrl: () => string
  /** rolegate's own IAM and STS APIs, signed with the app's key. */
  api: ApiQuery
}

/** What making an app (or its missing keys) needs, prepared before the write transaction. */
export interface PreparedApp {
  cookieKey: string
  /** Fresh keys: the first signs at once, the second is the next key. */
  keys: IdpSigningKeyRecord[]
}

/** A role the app offers a user: the pair the Role attribute carries, and its name to show. */
export interface OfferedRole {
  roleArn: string
  roleName: string
  providerArn: string
}

export interface UserRoles {
  roles: OfferedRole[]
  /** The account's alias, if any, for the chooser. */
  alias: string | undefined
}

export const noApp = (accountId: string) =>
  new AwsError('NoSuchEntity', `The account ${accountId} has no IdP app yet.`)

export const noAccessKey = () =>
  new AwsError(
    'InvalidInput',
    "The IdP app has no access key to learn the account's roles with: give it an IAM user's key with iam:ListRoles and iam:ListAccountAliases (rolegate idp app set --access-key-id ...).",
  )

interface CachedRoles {
  generation: number
  accessKeyId: string
  roles: AccountRoles
}

export class IdentityProvider {
  private readonly learned = new Map<string, CachedRoles>()

  constructor(private readonly options: IdentityProviderOptions) {}

  get clock(): Clock {
    return this.options.clock
  }

  get api(): ApiQuery {
    return this.options.api
  }

  get store(): Store {
    return this.options.store
  }

  random = (size: number): Uint8Array => this.options.ids.randomBytes(size)

  publicUrl(): string {
    return this.options.publicUrl().replace(/\/+$/, '')
  }

  /** The app's entity ID: the Issuer of its responses, stable for the account. */
  entityId(accountId: string): string {
    return `${this.publicUrl()}/idp/${accountId}`
  }

  metadataUrl(accountId: string): string {
    return `${this.entityId(accountId)}/metadata`
  }

  /** Where a person signs in (the IdP-initiated flow, and the metadata's sign-on service). */
  signInUrl(accountId: string): string {
    return `${this.entityId(accountId)}/sso`
  }

  /** This server's own SAML endpoint, where the browser posts the response. */
  samlEndpoint(): string {
    return `${this.publicUrl()}/saml`
  }

  /** The Recipients a response may name: AWS's sign-in endpoint, or this server's. */
  recipients(): string[] {
    return [AWS_SAML_ENDPOINT, this.samlEndpoint()]
  }

  /**
   * What the account's app still needs made (RSA keys take a while), read from a snapshot before
   * the transaction; undefined when it has a signing key and a next key.
   */
  async prepareApp(
    read: <T>(work: (repo: Repositories) => Promise<T>) => Promise<T>,
    accountId: string,
  ): Promise<PreparedApp | undefined> {
    const keys = await read((repo) => repo.idpApps.listKeys(accountId))
    const missing = (signingKeyOf(keys) ? 0 : 1) + (nextKeyOf(keys) ? 0 : 1)
    if (missing === 0) return undefined
    const now = this.options.clock.now()
    const made: IdpSigningKeyRecord[] = []
    for (let i = 0; i < missing; i += 1) {
      made.push(await generateSigningKey(accountId, this.random, now))
    }
    return { cookieKey: Buffer.from(this.random(32)).toString('base64'), keys: made }
  }

  /** The account's app, made (or completed) inside the transaction with what was prepared. */
  async ensureApp(
    repo: Repositories,
    accountId: string,
    prepared: PreparedApp | undefined,
    now: Date,
  ): Promise<IdpAppRecord> {
    let app = await repo.idpApps.get(accountId)
    if (!app) {
      if (!prepared) throw new AwsError('ServiceFailure', 'The IdP app was not prepared.')
      app = {
        accountId,
        createDate: now,
        accessKeyId: null,
        secretAccessKey: null,
        providerArn: null,
        sessionDuration: DEFAULT_SESSION_DURATION,
        cookieKey: prepared.cookieKey,
      }
      await repo.idpApps.insert(app)
    }
    const keys = await repo.idpApps.listKeys(accountId)
    const spare = [...(prepared?.keys ?? [])]
    if (!signingKeyOf(keys)) {
      const key = spare.shift()
      if (!key) throw new AwsError('ServiceFailure', 'The IdP app has no signing key.')
      await repo.idpApps.insertKey({ ...key, createDate: now, signingSince: now })
    }
    if (!nextKeyOf(keys)) {
      const key = spare.shift()
      if (!key) throw new AwsError('ServiceFailure', 'The IdP app has no next key.')
      await repo.idpApps.insertKey({ ...key, createDate: now })
    }
    return app
  }

  /** The metadata of the account's app as published now; undefined when it has no app. */
  async metadata(accountId: string): Promise<string | undefined> {
    const keys = await this.options.store.read(async (repo) =>
      (await repo.idpApps.get(accountId)) ? repo.idpApps.listKeys(accountId) : undefined,
    )
    if (keys === undefined) return undefined
    return this.metadataOf(accountId, keys)
  }

  metadataOf(accountId: string, keys: readonly IdpSigningKeyRecord[]): string {
    return metadataDocument({
      entityId: this.entityId(accountId),
      signInUrl: this.signInUrl(accountId),
      keys: publishedKeys(keys, this.options.clock.now()),
    })
  }

  /**
   * The account's roles and alias as IAM tells the app's access key; asked again whenever the
   * store has moved (a role made, deleted or re-trusted) or the key changed.
   */
  async accountRoles(app: IdpAppRecord): Promise<AccountRoles> {
    if (app.accessKeyId === null || app.secretAccessKey === null) throw noAccessKey()
    const generation = this.options.store.generation
    const cached = this.learned.get(app.accountId)
    if (cached?.generation === generation && cached.accessKeyId === app.accessKeyId) {
      return cached.roles
    }
    const roles = await learnAccountRoles(this.options.api, {
      accessKeyId: app.accessKeyId,
      secretAccessKey: app.secretAccessKey,
    })
    // Learning wrote nothing that counts (a key's last use moves no generation).
    if (this.options.store.generation === generation) {
      if (this.learned.size > 1000) this.learned.clear()
      this.learned.set(app.accountId, { generation, accessKeyId: app.accessKeyId, roles })
    }
    return roles
  }

  /** The provider a role is offered with: the app's, or the first its trust policy names. */
  static providerFor(app: IdpAppRecord, role: AccountRoles['roles'][number]): string | undefined {
    return app.providerArn ?? role.samlProviders[0]
  }

  /**
   * The roles assigned to the user, directly or through a group, that IAM still lists, in the
   * order IAM lists them, each with its provider.
   */
  async userRoles(
    repo: Repositories,
    app: IdpAppRecord,
    user: IdpUserRecord,
    learned: AccountRoles,
  ) {
    const groups = await repo.idpDirectory.listGroupsOf(user.userId)
    const principals = new Set([user.userId, ...groups.map((group) => group.groupId)])
    const assigned = new Set(
      (await repo.idpApps.listAssignments(app.accountId))
        .filter((assignment) => principals.has(assignment.principalId))
        .map((assignment) => assignment.roleArn),
    )
    const roles: OfferedRole[] = []
    for (const role of learned.roles) {
      const providerArn = IdentityProvider.providerFor(app, role)
      if (!assigned.has(role.arn) || providerArn === undefined) continue
      roles.push({ roleArn: role.arn, roleName: roleNameOfArn(role.arn), providerArn })
    }
    return { roles, alias: learned.alias } satisfies UserRoles
  }

  /** A signed response for `user` carrying `roles`, to `recipient`. */
  respond(options: {
    app: IdpAppRecord
    keys: readonly IdpSigningKeyRecord[]
    user: IdpUserRecord
    roles: readonly OfferedRole[]
    recipient: string
    multiFactor: boolean
    authnInstant: Date
  }): SignedResponse {
    const key = signingKeyOf(options.keys)
    if (!key) throw new AwsError('ServiceFailure', 'The IdP app has no signing key.')
    const now = this.options.clock.now()
    return signedResponse(
      {
        issuer: this.entityId(options.app.accountId),
        recipient: options.recipient,
        nameId: options.user.userName,
        roleSessionName: options.user.userName,
        roles: options.roles,
        sessionDuration: options.app.sessionDuration,
        sessionTags: options.user.sessionTags,
        multiFactor: options.multiFactor,
        authnInstant: options.authnInstant,
        now,
        random: this.random,
      },
      key,
    )
  }
}
