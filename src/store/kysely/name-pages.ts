// Lists of users, groups, roles, policies and instance profiles read a page at a time through their (account,
// name key) index: a keyset query, so a page costs the same however many the account holds.

import { sql } from 'kysely'
import type { Kysely, Selectable } from 'kysely'
import type { NamePage } from '../ports.js'
import { nameKey } from './records.js'
import type { Database } from './schema.js'

/** `path` starts with `prefix`, compared exactly (LIKE would need escaping and ignores case). */
export const pathStartsWith = (prefix: string) =>
  sql<boolean>`substr(path, 1, length(cast(${prefix} as text))) = ${prefix}`

type NamedTable = 'users' | 'groups' | 'roles' | 'policies' | 'instance_profiles'

/** The query for one page of the account's rows of `table`, in name-key order. */
export function namePageQuery<T extends NamedTable>(
  db: Kysely<Database>,
  table: T,
  accountId: string,
  page: NamePage = {},
) {
  // One table stands for them all: they share the columns used here.
  let query = db
    .selectFrom(table as 'users')
    .selectAll()
    .where('account_id', '=', accountId)
  if (page.after !== undefined) query = query.where('name_key', '>', nameKey(page.after))
  if (page.from !== undefined) query = query.where('name_key', '>=', nameKey(page.from))
  if (page.pathPrefix !== undefined) query = query.where(pathStartsWith(page.pathPrefix))
  query = query.orderBy('name_key')
  return page.limit === undefined ? query : query.limit(page.limit)
}

/** One page of the account's rows of `table`, in name-key order. */
export function selectNamePage<T extends NamedTable>(
  db: Kysely<Database>,
  table: T,
  accountId: string,
  page: NamePage = {},
): Promise<Selectable<Database[T]>[]> {
  return namePageQuery(db, table, accountId, page).execute() as Promise<Selectable<Database[T]>[]>
}

/** How many rows of `table` the account holds. */
export async function countInAccount(
  db: Kysely<Database>,
  table: NamedTable,
  accountId: string,
): Promise<number> {
  const row = await db
    .selectFrom(table as 'users')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
