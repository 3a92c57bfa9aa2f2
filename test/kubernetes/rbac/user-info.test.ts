// Users and groups Kubernetes itself names (k8s.io/apiserver pkg/authentication: user.go's
// constants, serviceaccount.MakeUsername/MakeGroupNames/SplitUsername,
// group.AuthenticatedGroupAdder) and where rolegate adds them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  anonymousUser,
  parseServiceAccountUsername,
  serviceAccountUser,
  withAuthenticatedGroup,
} from '../../../src/kubernetes/rbac/index.js'

test('a service account is system:serviceaccount:NS:NAME in system:serviceaccounts and system:serviceaccounts:NS', () => {
  // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
  assert.deepEqual(serviceAccountUser('kube-system', 'default', 'uid-1'), {
    username: 'system:serviceaccount:kube-system:default',
    uid: 'uid-1',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
  })
  assert.deepEqual(withAuthenticatedGroup(serviceAccountUser('qa', 'builder')).groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:qa',
    'system:authenticated',
  ])
})

test('parseServiceAccountUsername takes only well-formed service-account usernames', () => {
  assert.deepEqual(parseServiceAccountUsername('system:serviceaccount:dev:dev-sa'), {
    namespace: 'dev',
    name: 'dev-sa',
  })
  assert.deepEqual(parseServiceAccountUsername('system:serviceaccount:dev:my.sa'), {
    namespace: 'dev',
    name: 'my.sa',
  })
  for (const bad of [
    'system:serviceaccount:dev',
    'system:serviceaccount:dev:a:b',
    'system:serviceaccount::sa',
    'system:serviceaccount:dev:',
    'system:serviceaccount:Dev:sa',
    'system:serviceaccount:dev.x:sa',
    'system:serviceaccounts:dev:sa',
    'jane',
    `system:serviceaccount:${'a'.repeat(64)}:sa`,
  ]) {
    assert.equal(parseServiceAccountUsername(bad), undefined, bad)
  }
})

test('authentication adds system:authenticated, as AuthenticatedGroupAdder does', () => {
  assert.deepEqual(withAuthenticatedGroup({ username: 'jane', groups: ['dev'] }), {
    username: 'jane',
    groups: ['dev', 'system:authenticated'],
  })
  // Not twice, not to a user already marked unauthenticated, not to the anonymous user.
  const already = { username: 'jane', groups: ['system:authenticated', 'dev'] }
  assert.equal(withAuthenticatedGroup(already), already)
  const unauthenticated = { username: 'x', groups: ['system:unauthenticated'] }
  assert.equal(withAuthenticatedGroup(unauthenticated), unauthenticated)
  assert.deepEqual(withAuthenticatedGroup(anonymousUser()), {
    username: 'system:anonymous',
    groups: ['system:unauthenticated'],
  })
  // The user handed in is not changed.
  const original = { username: 'bob', groups: ['a'], extra: { arn: ['arn:aws:iam::1:role/r'] } }
  const added = withAuthenticatedGroup(original)
  assert.deepEqual(original.groups, ['a'])
  assert.deepEqual(added.extra, original.extra)
})
