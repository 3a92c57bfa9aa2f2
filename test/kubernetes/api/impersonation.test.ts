// Impersonation headers read as the Kubernetes documentation describes them (Access Control,
// Authenticating, "User impersonation": the example headers, and the RBAC rules an impersonator
// needs: `impersonate` on users, groups and serviceaccounts, on userextras/KEY and on uids in
// authentication.k8s.io).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ImpersonationError, readImpersonation } from '../../../src/kubernetes/api/impersonation.js'
import type { UserInfo } from '../../../src/kubernetes/objects.js'

const admin: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] }

const impersonate = (apiGroup: string, resource: string, name: string, extra: object = {}) => ({
  user: admin,
  resourceRequest: true,
  verb: 'impersonate',
  apiGroup,
  apiVersion: '',
  resource,
  subresource: '',
  namespace: '',
  name,
  ...extra,
})

describe('impersonation headers', () => {
  test("none: the request is the caller's", () => {
    assert.equal(readImpersonation([['Authorization', 'Bearer x']], admin), undefined)
  })

  test("the documentation's example: user, groups, extra, uid, each authorised", () => {
    const read = readImpersonation(
      [
        ['Impersonate-User', 'jane.doe@example.com'],
        ['Impersonate-Group', 'developers'],
        ['Impersonate-Group', 'admins'],
        ['Impersonate-Extra-dn', 'cn=jane,ou=engineers,dc=example,dc=com'],
        ['Impersonate-Extra-acme.com%2Fproject', 'some-project'],
        ['Impersonate-Extra-scopes', 'view'],
        ['Impersonate-Extra-scopes', 'development'],
        ['Impersonate-Uid', '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b'],
      ],
      admin,
    )
    assert.deepEqual(read?.user, {
      username: 'jane.doe@example.com',
      groups: ['developers', 'admins', 'system:authenticated'],
      uid: '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b',
      extra: {
        dn: ['cn=jane,ou=engineers,dc=example,dc=com'],
        'acme.com/project': ['some-project'],
        scopes: ['view', 'development'],
      },
    })
    assert.deepEqual(read?.checks, [
      impersonate('', 'users', 'jane.doe@example.com'),
      impersonate('', 'groups', 'developers'),
      impersonate('', 'groups', 'admins'),
      impersonate('authentication.k8s.io', 'userextras', 'cn=jane,ou=engineers,dc=example,dc=com', {
        subresource: 'dn',
      }),
      impersonate('authentication.k8s.io', 'userextras', 'some-project', {
        subresource: 'acme.com/project',
      }),
      impersonate('authentication.k8s.io', 'userextras', 'view', { subresource: 'scopes' }),
      impersonate('authentication.k8s.io', 'userextras', 'development', { subresource: 'scopes' }),
      impersonate('authentication.k8s.io', 'uids', '06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b'),
    ])
  })

  test('a service account: impersonate on serviceaccounts in its namespace, its groups', () => {
    const read = readImpersonation(
      [['impersonate-user', 'system:serviceaccount:ci:deployer']],
      admin,
    )
    assert.deepEqual(read?.checks, [
      impersonate('', 'serviceaccounts', 'deployer', { namespace: 'ci' }),
    ])
    assert.deepEqual(read?.user.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:ci',
      'system:authenticated',
    ])
  })

  test('system:anonymous is not made authenticated; a group without a user is refused', () => {
    const anonymous = readImpersonation([['Impersonate-User', 'system:anonymous']], admin)
    assert.deepEqual(anonymous?.user.groups, [])
    assert.throws(
      () => readImpersonation([['Impersonate-Group', 'developers']], admin),
      ImpersonationError,
    )
  })
})
