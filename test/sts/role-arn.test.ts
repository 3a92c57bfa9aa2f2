// Reading AssumeRole*'s RoleArn and finding the role: each STS service keeps its own cache of
// roles, so two services over one store (two servers in one process) never answer from each
// other's memory.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Store } from '../../src/store/ports.js'
import { StoredRoles, readRoleArn } from '../../src/sts/role-arn.js'
import { ACCOUNT, withHarness } from '../support/iam.js'

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }],
})

/** The store, counting the transactions (read or write) run through it. */
function counting(store: Store): { store: Store; reads(): number } {
  let reads = 0
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'transaction' || property === 'read') {
        return (work: Parameters<Store['transaction']>[0]) => {
          reads++
          return property === 'read' ? target.read(work) : target.transaction(work)
        }
      }
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store: wrapped, reads: () => reads }
}

test('each StoredRoles keeps its own roles; a second one reads the store itself', () =>
  withHarness(async (h) => {
    await h.call('CreateRole', {
      RoleName: 'deployer',
      Path: '/ci/',
      AssumeRolePolicyDocument: TRUST,
    })
    const { store, reads } = counting(h.store)
    const target = readRoleArn(`arn:aws:iam::${ACCOUNT}:role/ci/deployer`)
    const first = new StoredRoles(store)
    const second = new StoredRoles(store)

    assert.equal((await first.find(target))?.roleName, 'deployer')
    assert.equal((await first.find(target))?.roleName, 'deployer')
    assert.equal(reads(), 1)
    assert.equal((await second.find(target))?.roleName, 'deployer')
    assert.equal(reads(), 2)
  }))

test('a role is found only under its own path; a non-role ARN reads nothing', () =>
  withHarness(async (h) => {
    await h.call('CreateRole', {
      RoleName: 'deployer',
      Path: '/ci/',
      AssumeRolePolicyDocument: TRUST,
    })
    const { store, reads } = counting(h.store)
    const roles = new StoredRoles(store)
    assert.equal(await roles.find(readRoleArn(`arn:aws:iam::${ACCOUNT}:role/deployer`)), undefined)
    assert.equal(await roles.find(readRoleArn(`arn:aws:iam::${ACCOUNT}:user/deployer`)), undefined)
    assert.equal(reads(), 1)
  }))
