// The SQLite adapter's prepared-statement cache: one statement per SQL text, bounded, and never a
// statement that is still being iterated.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { cachingStatements } from '../../src/store/sqlite/statement-cache.js'

const open = (maxEntries?: number) => {
  const raw = new Database(':memory:')
  raw.exec('create table t (n integer)')
  raw.exec('insert into t values (1), (2), (3)')
  return { raw, db: cachingStatements(raw, maxEntries) }
}

test('the same SQL text gets the same prepared statement, and it still runs', () => {
  const { db } = open()
  try {
    const first = db.prepare('select n from t where n > ?')
    const second = db.prepare('select n from t where n > ?')
    assert.equal(first, second)
    assert.deepEqual(second.all([1]), [{ n: 2 }, { n: 3 }])
    assert.notEqual(db.prepare('select n from t where n < ?'), first)
  } finally {
    db.close()
  }
})

test('the least recently used statement is dropped past the bound', () => {
  const { db } = open(2)
  try {
    const a = db.prepare('select 1')
    const b = db.prepare('select 2')
    assert.equal(db.prepare('select 1'), a) // now b is the oldest
    db.prepare('select 3')
    assert.equal(db.prepare('select 1'), a)
    assert.notEqual(db.prepare('select 2'), b)
  } finally {
    db.close()
  }
})

test('a statement in the middle of an iteration is not handed out again', () => {
  const { db } = open()
  try {
    const sql = 'select n from t order by n'
    const streaming = db.prepare(sql)
    const rows = streaming.iterate([])
    assert.deepEqual(rows.next().value, { n: 1 })
    const other = db.prepare(sql)
    assert.notEqual(other, streaming)
    assert.deepEqual(other.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }])
    assert.deepEqual([...rows], [{ n: 2 }, { n: 3 }])
    assert.equal(db.prepare(sql), streaming)
  } finally {
    db.close()
  }
})

test('close closes the database', () => {
  const { raw, db } = open()
  db.close()
  assert.equal(raw.open, false)
})
