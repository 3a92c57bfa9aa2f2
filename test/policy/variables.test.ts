// Policy variables, per reference_policies_variables: 2012-10-17 only, defaults, ${*} ${?} ${$},
// and a substituted value is literal, never a wildcard.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { RequestContext } from '../../src/policy/context.js'
import { parseTemplate, resolveToString } from '../../src/policy/variables.js'
import { compileTemplateGlob } from '../../src/policy/wildcard.js'

test('variables: parts, defaults and special characters', () => {
  const t = parseTemplate("a/${aws:username}/${aws:PrincipalTag/team, 'none'}/${*}${?}${$}", true)
  assert.deepEqual(t.variableKeys, ['aws:username', 'aws:principaltag/team'])
  const ctx = new RequestContext({ 'aws:username': 'bob' })
  assert.equal(resolveToString(t, ctx), 'a/bob/none/*?$')
  ctx.set('aws:PrincipalTag/team', 'red')
  assert.equal(resolveToString(t, ctx), 'a/bob/red/*?$')
})

test('variables: not parsed in 2008-10-17 policies', () => {
  const t = parseTemplate('a/${aws:username}', false)
  assert.deepEqual(t.variableKeys, [])
  assert.equal(
    resolveToString(t, new RequestContext({ 'aws:username': 'bob' })),
    'a/${aws:username}',
  )
})

test('variables: unresolved without a default; multi-valued keys cannot be variables', () => {
  const t = parseTemplate('${aws:username}', true)
  assert.equal(resolveToString(t, new RequestContext()), undefined)
  assert.equal(
    resolveToString(
      parseTemplate('${aws:TagKeys}', true),
      new RequestContext({ 'aws:TagKeys': ['a'] }),
    ),
    undefined,
  )
})

test('variables: typed values substitute as text', () => {
  const ctx = new RequestContext({
    'aws:SecureTransport': true,
    'aws:EpochTime': 1700000000,
    'aws:CurrentTime': new Date('2024-01-02T03:04:05.678Z'),
  })
  assert.equal(resolveToString(parseTemplate('${aws:SecureTransport}', true), ctx), 'true')
  assert.equal(resolveToString(parseTemplate('${aws:EpochTime}', true), ctx), '1700000000')
  assert.equal(
    resolveToString(parseTemplate('${aws:CurrentTime}', true), ctx),
    '2024-01-02T03:04:05Z',
  )
})

test('variables: an unterminated ${ is plain text', () => {
  assert.equal(
    resolveToString(parseTemplate('a${aws:username', true), new RequestContext()),
    'a${aws:username',
  )
})

const piece = fc
  .array(fc.constantFrom('a', 'b', '*', '?', '/', ':'), { maxLength: 6 })
  .map((a) => a.join(''))

test('property: a substituted value never matches more than its literal text', () => {
  fc.assert(
    fc.property(piece, piece, (name, value) => {
      const glob = compileTemplateGlob(parseTemplate('arn:aws:s3:::b/${aws:username}/x', true), {
        mode: 'resource',
      })
      const ctx = new RequestContext({ 'aws:username': name })
      const matched = glob.test(`arn:aws:s3:::b/${value}/x`, ctx)
      assert.equal(matched, value === name)
    }),
    { numRuns: 1000 },
  )
})

test('property: StringLike with a variable equals StringLike with the value escaped by ${*}/${?}', () => {
  fc.assert(
    fc.property(piece, piece, (name, value) => {
      const escaped = name.replaceAll('*', '${*}').replaceAll('?', '${?}')
      const viaVariable = compileTemplateGlob(parseTemplate('p-${aws:username}-*', true), {
        mode: 'plain',
      })
      const viaEscape = compileTemplateGlob(parseTemplate(`p-${escaped}-*`, true), {
        mode: 'plain',
      })
      const ctx = new RequestContext({ 'aws:username': name })
      assert.equal(viaVariable.test(`p-${value}-z`, ctx), viaEscape.test(`p-${value}-z`, ctx))
    }),
  )
})
