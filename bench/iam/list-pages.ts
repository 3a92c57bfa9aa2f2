// What one page of ListUsers (MaxItems 100) costs as an account grows: the first page and a page
// deep in the list, for an account of 100 users and one of 5,000 (IAM's quota), in a SQLite file
// that also holds 25,000 users of other accounts (30,000 in all, as the outside review measured).
// The page is read through the (account, name) index, so its cost should not follow the account's
// size; beside it, reading the whole account, as every page did before.
// Run: node --import tsx bench/iam/list-pages.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { iamArn } from '../../src/core/arn.js'
import type { Caller } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import { readInput } from '../../src/core/input.js'
import { iamOperations } from '../../src/iam/operations.js'
import { PolicyCache } from '../../src/policy/policy-cache.js'
import { generateMasterKey, MasterKeyring } from '../../src/store/secrets/master-keyring.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const SMALL = '111111111111'
const LARGE = '222222222222'
const OTHERS = 25
const ROUNDS = 300
const T = new Date('2025-01-01T00:00:00Z')

const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-list-'))
const store = await openSqliteStore({
  file: join(dir, 'rolegate.db'),
  secrets: new MasterKeyring([generateMasterKey()]),
})

async function fill(accountId: string, count: number): Promise<void> {
  await store.transaction(async (repo) => {
    await repo.accounts.insert({ accountId, createDate: T })
    for (let i = 0; i < count; i += 1) {
      const name = `user-${String((i * 7919) % count).padStart(5, '0')}`
      await repo.users.insert({
        accountId,
        userId: `AIDA${accountId}${i}`,
        userName: name,
        path: '/',
        arn: iamArn(accountId, 'user', '/', name),
        createDate: T,
        permissionsBoundaryArn: null,
        tags: [],
      })
    }
  })
}

await fill(SMALL, 100)
await fill(LARGE, 5000)
for (let i = 0; i < OTHERS; i += 1) await fill(String(300000000000 + i), 1000)

const listUsers = iamOperations.find((operation) => operation.name === 'ListUsers')!
const policies = new PolicyCache()
const caller = (accountId: string): Caller => ({
  type: 'root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
  principalId: '',
  name: 'root',
  accessKeyId: 'AKIABENCH',
})

/** Median milliseconds of one ListUsers call (its own read transaction) over ROUNDS calls. */
async function median(accountId: string, params: Record<string, string>): Promise<number> {
  const input = readInput(listUsers.input, { MaxItems: '100', ...params })
  const times: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now()
    await store.read((repo) =>
      listUsers.run(
        input,
        {
          accountId,
          caller: caller(accountId),
          repo,
          ids: randomIds,
          now: T,
          region: 'us-east-1',
          policies,
        },
        undefined,
      ),
    )
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

const deep = Buffer.from('rolegate:after:user-02500').toString('base64')
/** Median milliseconds of reading every user of the account, as a page used to. */
async function wholeAccount(accountId: string): Promise<number> {
  const times: number[] = []
  for (let round = 0; round < ROUNDS / 10; round += 1) {
    const started = performance.now()
    await store.transaction((repo) => repo.users.list(accountId))
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

const rows = [
  ['100 users, first page', await median(SMALL, {})],
  ['5,000 users, first page', await median(LARGE, {})],
  ['5,000 users, page after user-02500', await median(LARGE, { Marker: deep })],
  ['5,000 users, the whole account read (before)', await wholeAccount(LARGE)],
] as const
const base = rows[0][1]
console.log('| page | median ms | against 100 users |')
console.log('| --- | --- | --- |')
for (const [name, ms] of rows) {
  console.log(`| ${name} | ${ms.toFixed(3)} | ${(ms / base).toFixed(2)}x |`)
}
await store.close()
rmSync(dir, { recursive: true, force: true })
