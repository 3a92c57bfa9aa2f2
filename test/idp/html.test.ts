// The sign-in pages' markup: values are escaped in text and attributes alike (table-driven), Html
// values pass through once escaped, and what a visitor typed comes back escaped in the form.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Html, escape, markup } from '../../src/idp/web/html.js'
import { loginPage } from '../../src/idp/web/pages.js'

const CASES: [string, string][] = [
  ['plain', 'plain'],
  ['<script>alert(1)</script>', '&#60;script&#62;alert(1)&#60;/script&#62;'],
  ['a & b', 'a &#38; b'],
  ['"><img src=x onerror=alert(1)>', '&#34;&#62;&#60;img src=x onerror=alert(1)&#62;'],
  ["' onfocus='x", '&#39; onfocus=&#39;x'],
  ['Zürich — 東京', 'Zürich — 東京'],
]

describe('escape', () => {
  for (const [input, output] of CASES) {
    test(JSON.stringify(input), () => assert.equal(escape(input), output))
  }
})

describe('markup', () => {
  test('interpolated strings are escaped, Html is not, absent values vanish', () => {
    const inner = markup`<b>${'<i>'}</b>`
    assert.ok(inner instanceof Html)
    assert.equal(
      markup`<p title="${'"x"'}">${inner}${undefined}${false}${[inner, inner]}${3}</p>`.markup,
      '<p title="&#34;x&#34;"><b>&#60;i&#62;</b><b>&#60;i&#62;</b><b>&#60;i&#62;</b>3</p>',
    )
  })

  test('a user name typed into the login form comes back escaped', () => {
    const page = loginPage(
      { accountId: '123456789012', nonce: 'n0nce', csrf: 'tok"en', base: '/idp/123456789012' },
      { error: 'Your user name or password is incorrect.', userName: '"><script>x()</script>' },
    )
    assert.ok(!page.includes('<script>x()'))
    assert.ok(page.includes('value="&#34;&#62;&#60;script&#62;x()&#60;/script&#62;"'))
    assert.ok(page.includes('name="csrf" value="tok&#34;en"'))
    assert.ok(page.includes('<style nonce="n0nce">'))
  })
})
