// The STS session keyring through the admin API: the newest key not retired seals new session
// tokens, every stored key opens them. Rotate adds a key; retire stops one sealing; delete removes
// a retired key, and with it every session it sealed. Server-wide, so primary account only.
import { deleteConflict, noSuchEntity } from '../core/errors.js'
import { requiredString } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { newSessionKey } from '../sts/keyring.js'
import type { SessionKeyRecord } from '../store/ports.js'
import type { AdminContext } from './operation.js'
import { defineAdminOperation, rolegateArn } from './operation.js'

const keyId = () =>
  requiredString({ min: 1, max: 64, pattern: { regex: /^[\w-]+$/, text: '[\\w-]+' } })

const keyArn = (accountId: string, id: string) => rolegateArn(accountId, `session-key/${id}`)

/** Sealing: the one new tokens are sealed with; Active: opens only; Retired: opens until deleted. */
function renderKeys(keys: readonly SessionKeyRecord[]): ResultObject[] {
  const sealing = keys.find((key) => key.retireDate === null)
  return keys.map((key) => ({
    KeyId: key.keyId,
    Status: key === sealing ? 'Sealing' : key.retireDate === null ? 'Active' : 'Retired',
    CreateDate: key.createDate,
    RetireDate: key.retireDate ?? undefined,
  }))
}

async function findKey(context: AdminContext, id: string): Promise<SessionKeyRecord> {
  const key = (await context.repo.sessionKeys.list()).find((candidate) => candidate.keyId === id)
  if (!key) throw noSuchEntity(`The session key with id ${id} cannot be found.`)
  return key
}

const rotateSessionKey = defineAdminOperation({
  name: 'RotateSessionKey',
  input: {},
  primaryAccountOnly: true,
  resource: (_input, { accountId }) => keyArn(accountId, '*'),
  async run(_input, context) {
    const key = newSessionKey(context.now)
    await context.repo.sessionKeys.insert(key)
    const keys = await context.repo.sessionKeys.list()
    return { SessionKey: renderKeys(keys).find((rendered) => rendered['KeyId'] === key.keyId) }
  },
})

const retireSessionKey = defineAdminOperation({
  name: 'RetireSessionKey',
  input: { KeyId: keyId() },
  primaryAccountOnly: true,
  resource: (input, { accountId }) => keyArn(accountId, input.KeyId),
  async run(input, context) {
    const key = await findKey(context, input.KeyId)
    if (key.retireDate === null) {
      await context.repo.sessionKeys.update({ ...key, retireDate: context.now })
    }
    return undefined
  },
})

const deleteSessionKey = defineAdminOperation({
  name: 'DeleteSessionKey',
  input: { KeyId: keyId() },
  primaryAccountOnly: true,
  resource: (input, { accountId }) => keyArn(accountId, input.KeyId),
  async run(input, context) {
    const key = await findKey(context, input.KeyId)
    if (key.retireDate === null) {
      throw deleteConflict(`Cannot delete session key ${key.keyId}: retire it first.`)
    }
    await context.repo.sessionKeys.delete(key.keyId)
    return undefined
  },
})

const listSessionKeys = defineAdminOperation({
  name: 'ListSessionKeys',
  store: 'read',
  input: {},
  primaryAccountOnly: true,
  resource: (_input, { accountId }) => keyArn(accountId, '*'),
  async run(_input, context) {
    return { SessionKeys: renderKeys(await context.repo.sessionKeys.list()) }
  },
})

export const sessionKeyOperations = [
  rotateSessionKey,
  retireSessionKey,
  deleteSessionKey,
  listSessionKeys,
]
