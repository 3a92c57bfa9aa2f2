// The built-in IdP's AWS Account Federation app through the admin API: its settings (the IAM
// user's access key it learns roles with, the SAML provider it names, the session duration), its
// metadata, the roles it learned, which users and groups it offers which roles, signed responses
// for scripts (like an IdP's "preview assertion"), and signing-key rotation. The app comes into
// being the first time any of these is asked for. Made per server, since the IAM calls and key
// generation happen before the transaction, where only the IdP can do them.
import { AwsError, noSuchEntity, validationError } from '../core/errors.js'
import { optionalBoolean, optionalInteger, optionalString, requiredString } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { IdentityProvider, noAccessKey } from '../idp/identity-provider.js'
import type { PreparedApp } from '../idp/identity-provider.js'
import type { AccountRoles } from '../idp/iam-roles.js'
import { accountOfKey, learnAccountRoles } from '../idp/iam-roles.js'
import {
  GROUP_NAME,
  ROLE_ARN,
  SAML_PROVIDER_ARN,
  SESSION_DURATION,
  USER_NAME,
  accountIdOfArn,
} from '../idp/names.js'
import { generateSigningKey, keyStatus, planRotation } from '../idp/signing-keys.js'
import type { SigningKeyStatus } from '../idp/signing-keys.js'
import type { CallFrame } from '../operation/define-operation.js'
import type { IdpAppRecord, IdpPrincipalType, IdpSigningKeyRecord } from '../store/idp-records.js'
import { findIdpGroup, findIdpUser } from './idp-directory.js'
import type { AdminContext } from './operation.js'
import { defineAdminOperation, rolegateArn } from './operation.js'

export const idpAppArn = (accountId: string) => rolegateArn(accountId, 'idp/app')

const appResource = (_input: unknown, { accountId }: { accountId: string }) => idpAppArn(accountId)

const STATUS_ORDER: Record<SigningKeyStatus, number> = { Signing: 0, Next: 1, Retired: 2 }

/** The signing key, the next key, then retired ones, newest first. */
const renderKeys = (keys: readonly IdpSigningKeyRecord[]) =>
  [...keys].sort((a, b) => STATUS_ORDER[keyStatus(a)] - STATUS_ORDER[keyStatus(b)]).map(renderKey)

function renderKey(key: IdpSigningKeyRecord): ResultObject {
  return {
    KeyId: key.keyId,
    Status: keyStatus(key),
    CreateDate: key.createDate,
    SigningSince: key.signingSince ?? undefined,
    RetireDate: key.retireDate ?? undefined,
  }
}

/** What the app-related operations share: the app, made on first use. */
export function idpAppOperations(idp: IdentityProvider) {
  const prepareApp = (_input: unknown, frame: CallFrame) =>
    idp.prepareApp(frame.read, frame.caller.accountId)

  const ensureApp = (context: AdminContext, prepared: PreparedApp | undefined) =>
    idp.ensureApp(context.repo, context.accountId, prepared, context.now)

  function renderApp(app: IdpAppRecord, keys: readonly IdpSigningKeyRecord[]): ResultObject {
    const { accountId } = app
    return {
      EntityId: idp.entityId(accountId),
      MetadataUrl: idp.metadataUrl(accountId),
      SignInUrl: idp.signInUrl(accountId),
      AccessKeyId: app.accessKeyId ?? undefined,
      ProviderArn: app.providerArn ?? undefined,
      SessionDuration: app.sessionDuration,
      SigningKeys: renderKeys(keys),
      CreateDate: app.createDate,
    }
  }

  /** The app as it stands (no keys made), for the operations that need its access key. */
  const currentApp = (frame: CallFrame) =>
    frame.read((repo) => repo.idpApps.get(frame.caller.accountId))

  const getIdpApp = defineAdminOperation({
    name: 'GetIdpApp',
    input: {},
    resource: appResource,
    prepare: prepareApp,
    async run(_input, context, prepared) {
      const app = await ensureApp(context, prepared)
      return { App: renderApp(app, await context.repo.idpApps.listKeys(context.accountId)) }
    },
  })

  const getIdpMetadata = defineAdminOperation({
    name: 'GetIdpMetadata',
    input: {},
    resource: appResource,
    prepare: prepareApp,
    async run(_input, context, prepared) {
      await ensureApp(context, prepared)
      const keys = await context.repo.idpApps.listKeys(context.accountId)
      return {
        EntityId: idp.entityId(context.accountId),
        MetadataUrl: idp.metadataUrl(context.accountId),
        Metadata: idp.metadataOf(context.accountId, keys),
      }
    },
  })

  const updateIdpApp = defineAdminOperation({
    name: 'UpdateIdpApp',
    input: {
      AccessKeyId: optionalString({
        min: 16,
        max: 128,
        pattern: { regex: /^[\w]+$/, text: '[\\w]+' },
      }),
      SecretAccessKey: optionalString({ min: 1, max: 128 }),
      ProviderArn: optionalString({ min: 20, max: 2048, pattern: SAML_PROVIDER_ARN }),
      ClearProviderArn: optionalBoolean(),
      SessionDuration: optionalInteger(SESSION_DURATION),
    },
    resource: appResource,
    async prepare(input, frame) {
      if ((input.AccessKeyId === undefined) !== (input.SecretAccessKey === undefined)) {
        throw new AwsError(
          'InvalidParameterCombination',
          'AccessKeyId and SecretAccessKey must be given together.',
        )
      }
      if (input.ProviderArn !== undefined && input.ClearProviderArn === true) {
        throw new AwsError(
          'InvalidParameterCombination',
          'ProviderArn and ClearProviderArn cannot be given together.',
        )
      }
      const accountId = frame.caller.accountId
      if (input.ProviderArn !== undefined && accountIdOfArn(input.ProviderArn) !== accountId) {
        throw validationError(
          `The SAML provider ${input.ProviderArn} is not in the caller's account ${accountId}.`,
        )
      }
      // A key is tried before it is kept, as Okta's "Test API Credentials" does: it must belong
      // to this very account and list its roles and aliases.
      let learned: AccountRoles | undefined
      if (input.AccessKeyId !== undefined && input.SecretAccessKey !== undefined) {
        const key = { accessKeyId: input.AccessKeyId, secretAccessKey: input.SecretAccessKey }
        const owner = await accountOfKey(idp.api, key)
        if (owner !== accountId) {
          throw validationError(
            `The access key ${input.AccessKeyId} belongs to another account than ${accountId}.`,
          )
        }
        learned = await learnAccountRoles(idp.api, key)
      }
      return { app: await prepareApp(input, frame), learned }
    },
    async run(input, context, prepared) {
      const app = await ensureApp(context, prepared.app)
      const updated: IdpAppRecord = {
        ...app,
        ...(input.AccessKeyId !== undefined && input.SecretAccessKey !== undefined
          ? { accessKeyId: input.AccessKeyId, secretAccessKey: input.SecretAccessKey }
          : {}),
        ...(input.ProviderArn !== undefined ? { providerArn: input.ProviderArn } : {}),
        ...(input.ClearProviderArn === true ? { providerArn: null } : {}),
        ...(input.SessionDuration !== undefined ? { sessionDuration: input.SessionDuration } : {}),
      }
      await context.repo.idpApps.update(updated)
      return {
        App: renderApp(updated, await context.repo.idpApps.listKeys(context.accountId)),
        RolesFound: prepared.learned?.roles.length,
      }
    },
  })

  const listIdpAppRoles = defineAdminOperation({
    name: 'ListIdpAppRoles',
    store: 'read',
    input: {},
    resource: appResource,
    async prepare(_input, frame) {
      const app = await currentApp(frame)
      if (!app) throw noAccessKey()
      return { app, learned: await idp.accountRoles(app) }
    },
    async run(_input, _context, { app, learned }) {
      return {
        AccountAlias: learned.alias,
        Roles: learned.roles.map((role) => ({
          RoleArn: role.arn,
          RoleName: role.name,
          ProviderArn: IdentityProvider.providerFor(app, role),
        })),
      }
    },
  })

  /** `UserName` or `GroupName`, exactly one. */
  const principalInput = {
    UserName: optionalString(USER_NAME),
    GroupName: optionalString(GROUP_NAME),
    RoleArn: requiredString({ min: 20, max: 2048, pattern: ROLE_ARN }),
  }

  function checkOnePrincipal(input: {
    UserName?: string | undefined
    GroupName?: string | undefined
  }) {
    if ((input.UserName === undefined) === (input.GroupName === undefined)) {
      throw new AwsError(
        'InvalidParameterCombination',
        'Give exactly one of UserName and GroupName.',
      )
    }
  }

  const principalArn = (
    input: { UserName?: string | undefined; GroupName?: string | undefined },
    accountId: string,
  ) =>
    input.UserName !== undefined
      ? rolegateArn(accountId, `idp/user/${input.UserName}`)
      : rolegateArn(accountId, `idp/group/${input.GroupName ?? ''}`)

  async function findPrincipal(
    context: AdminContext,
    input: { UserName?: string | undefined; GroupName?: string | undefined },
  ): Promise<{ type: IdpPrincipalType; id: string; name: string }> {
    if (input.UserName !== undefined) {
      const user = await findIdpUser(context, input.UserName)
      return { type: 'user', id: user.userId, name: user.userName }
    }
    const group = await findIdpGroup(context, input.GroupName ?? '')
    return { type: 'group', id: group.groupId, name: group.groupName }
  }

  const assignIdpRole = defineAdminOperation({
    name: 'AssignIdpRole',
    input: principalInput,
    resource: (input, { accountId }) => principalArn(input, accountId),
    async prepare(input, frame) {
      checkOnePrincipal(input)
      const app = await currentApp(frame)
      if (!app) throw noAccessKey()
      return { app, learned: await idp.accountRoles(app) }
    },
    async run(input, context, { app, learned }) {
      const principal = await findPrincipal(context, input)
      const role = learned.roles.find((candidate) => candidate.arn === input.RoleArn)
      if (!role) {
        throw noSuchEntity(
          `The IdP app finds no role ${input.RoleArn} in the account through iam:ListRoles.`,
        )
      }
      if (IdentityProvider.providerFor(app, role) === undefined) {
        throw new AwsError(
          'InvalidInput',
          `The role ${role.name} trusts no SAML provider for sts:AssumeRoleWithSAML, and the IdP app names none (UpdateIdpApp ProviderArn).`,
        )
      }
      await context.repo.idpApps.assign({
        accountId: context.accountId,
        principalType: principal.type,
        principalId: principal.id,
        roleArn: role.arn,
        createDate: context.now,
      })
      return undefined
    },
  })

  const unassignIdpRole = defineAdminOperation({
    name: 'UnassignIdpRole',
    input: principalInput,
    resource: (input, { accountId }) => principalArn(input, accountId),
    async prepare(input) {
      checkOnePrincipal(input)
      return undefined
    },
    async run(input, context) {
      const principal = await findPrincipal(context, input)
      const assigned = (await context.repo.idpApps.listAssignments(context.accountId)).some(
        (a) => a.principalId === principal.id && a.roleArn === input.RoleArn,
      )
      if (!assigned) {
        throw noSuchEntity(
          `The IdP ${principal.type} ${principal.name} is not assigned ${input.RoleArn}.`,
        )
      }
      await context.repo.idpApps.unassign(principal.type, principal.id, input.RoleArn)
      return undefined
    },
  })

  const createIdpAssertion = defineAdminOperation({
    name: 'CreateIdpAssertion',
    store: 'read',
    input: {
      UserName: requiredString(USER_NAME),
      RoleArn: optionalString({ min: 20, max: 2048, pattern: ROLE_ARN }),
      Recipient: optionalString({ min: 1, max: 2048 }),
    },
    resource: (input, { accountId }) => rolegateArn(accountId, `idp/user/${input.UserName}`),
    async prepare(input, frame) {
      const recipients = idp.recipients()
      if (input.Recipient !== undefined && !recipients.includes(input.Recipient)) {
        throw validationError(
          `Recipient must be one of the SAML endpoints ${recipients.join(', ')}.`,
        )
      }
      const app = await currentApp(frame)
      if (!app) throw noAccessKey()
      return { app, learned: await idp.accountRoles(app) }
    },
    async run(input, context, { app, learned }) {
      const user = await findIdpUser(context, input.UserName)
      const offered = (await idp.userRoles(context.repo, app, user, learned)).roles
      const roles =
        input.RoleArn === undefined
          ? offered
          : offered.filter((role) => role.roleArn === input.RoleArn)
      if (roles.length === 0) {
        throw noSuchEntity(
          input.RoleArn === undefined
            ? `The IdP user ${user.userName} is assigned no role that the account still has.`
            : `The IdP user ${user.userName} is not assigned ${input.RoleArn}.`,
        )
      }
      const response = idp.respond({
        app,
        keys: await context.repo.idpApps.listKeys(context.accountId),
        user,
        roles,
        recipient: input.Recipient ?? idp.recipients()[0] ?? '',
        multiFactor: false,
        authnInstant: context.now,
      })
      return {
        SAMLResponse: response.base64,
        Roles: roles.map((role) => ({ RoleArn: role.roleArn, PrincipalArn: role.providerArn })),
        Expiration: response.expiresAt,
      }
    },
  })

  const rotateIdpSigningKey = defineAdminOperation({
    name: 'RotateIdpSigningKey',
    input: {},
    resource: appResource,
    async prepare(input, frame) {
      const app = await prepareApp(input, frame)
      const fresh = await generateSigningKey(frame.caller.accountId, idp.random, frame.request.now)
      return { app, fresh }
    },
    async run(_input, context, prepared) {
      const { repo, accountId, now } = context
      await ensureApp(context, prepared.app)
      const rotation = planRotation(await repo.idpApps.listKeys(accountId), now)
      for (const key of rotation.expired) await repo.idpApps.deleteKey(accountId, key.keyId)
      for (const key of rotation.retired) await repo.idpApps.updateKey(key)
      if (rotation.promoted) await repo.idpApps.updateKey(rotation.promoted)
      await repo.idpApps.insertKey({ ...prepared.fresh, createDate: now })
      return { SigningKeys: renderKeys(await repo.idpApps.listKeys(accountId)) }
    },
  })

  return [
    getIdpApp,
    getIdpMetadata,
    updateIdpApp,
    listIdpAppRoles,
    assignIdpRole,
    unassignIdpRole,
    createIdpAssertion,
    rotateIdpSigningKey,
  ]
}
