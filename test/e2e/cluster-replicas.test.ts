// Two rolegate replicas over one throwaway PostgreSQL: a cluster change made through one counts on
// the next request to the other once its notification arrives (the cluster snapshot cache is keyed
// by the store's generation, which LISTEN/NOTIFY moves), and at once on the replica that made it.
// The other replica has the cluster cached before each change, so a cache that missed the change
// would answer the old state. Clients are rolegate's own CLI against each server's socket.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import type { PostgresCluster } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import { rolegateOk } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

/** How long a NOTIFY may take to reach the other replica on a loaded machine. */
const NOTICE_WITHIN_MS = 3000

describe('clusters across two replicas', { skip: requireOrSkip(postgresUnavailable()) }, () => {
  let cluster: PostgresCluster
  let a: TestServer
  let b: TestServer

  const cli = (server: TestServer, args: string[], stdin?: string): Promise<string> =>
    rolegateOk(
      args,
      {
        HOME: server.dataDir,
        AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
        AWS_ENDPOINT_URL: server.url,
      },
      stdin,
    )
  /** The service accounts' names one replica answers for namespace team. */
  const accounts = async (server: TestServer): Promise<string[]> => {
    const list = JSON.parse(
      await cli(server, ['cluster', 'get', 'prod', 'sa', '-n', 'team', '-o', 'json']),
    ) as
      | { kind: 'List'; items: { metadata: { name: string } }[] }
      | { kind: 'ServiceAccount'; metadata: { name: string } }
    return list.kind === 'List'
      ? list.items.map((item) => item.metadata.name)
      : [list.metadata.name]
  }
  const seenWithin = async (server: TestServer, expected: string[]): Promise<number> => {
    const started = Date.now()
    for (;;) {
      const seen = await accounts(server)
      if (JSON.stringify(seen) === JSON.stringify(expected)) return Date.now() - started
      if (Date.now() - started > NOTICE_WITHIN_MS) {
        assert.deepEqual(seen, expected, `not seen within ${NOTICE_WITHIN_MS} ms`)
      }
      await sleep(20)
    }
  }
  const serviceAccount = (name: string) =>
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: team}\n`

  before(async () => {
    cluster = await startPostgres()
    a = await startTestServer({ databaseUrl: cluster.connectionString })
    b = await startTestServer({ databaseUrl: cluster.connectionString })
  })
  after(async () => {
    await a?.cleanup()
    await b?.cleanup()
    await cluster?.stop()
  })

  test('a cluster made through A is there on B', async () => {
    await cli(a, ['cluster', 'create', 'prod'])
    await cli(
      a,
      ['cluster', 'apply', 'prod', '-f', '-'],
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n${serviceAccount('first')}`,
    )
    await seenWithin(b, ['first'])
  })

  test('an apply through A counts on B, whose cache held the cluster before it', async () => {
    assert.deepEqual(await accounts(b), ['first'], 'B holds the cluster as it was')
    await cli(a, ['cluster', 'apply', 'prod', '-f', '-'], serviceAccount('second'))
    // On A itself the write counts on the very next request.
    assert.deepEqual(await accounts(a), ['first', 'second'])
    await seenWithin(b, ['first', 'second'])
  })

  test('a delete through B counts on A', async () => {
    assert.deepEqual(await accounts(a), ['first', 'second'])
    assert.equal(
      await cli(b, ['cluster', 'delete-resource', 'prod', 'sa', 'first', '-n', 'team']),
      'serviceaccount "first" deleted\n',
    )
    await seenWithin(a, ['second'])
  })

  test('a mapping made on B is the aws-auth A answers', async () => {
    const arn = 'arn:aws:iam::123456789012:role/Admin'
    await cli(b, ['cluster', 'map-role', 'prod', '--arn', arn, '--group', 'system:masters'])
    const started = Date.now()
    for (;;) {
      const configMap = JSON.parse(
        await cli(a, ['cluster', 'get', 'prod', 'cm', '-n', 'kube-system', '-o', 'json']),
      ) as { kind: string; data?: Record<string, string> }
      if (configMap.kind === 'ConfigMap') {
        assert.equal(
          configMap.data?.['mapRoles'],
          `- groups:\n  - system:masters\n  rolearn: ${arn}\n`,
        )
        break
      }
      assert.ok(Date.now() - started < NOTICE_WITHIN_MS, 'aws-auth not seen on A')
      await sleep(20)
    }
  })
})
