// Password hashes: scrypt as RFC 7914 defines it, stored as PHC strings that another scrypt
// (Python's hashlib, over OpenSSL) reproduces, fresh salts per password, a shared salt across one
// history, and refusal of anything that is not such a string.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { PASSWORD_HASH_COST, PasswordCandidate } from '../../src/core/password-hash.js'

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '')

// RFC 7914 section 12, second and third test vectors: scrypt(P, S, N, r, p, dkLen=64).
const RFC_7914 = [
  {
    password: 'password',
    salt: 'NaCl',
    cost: 'ln=10,r=8,p=16',
    key: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
  },
  {
    password: 'pleaseletmein',
    salt: 'SodiumChloride',
    cost: 'ln=14,r=8,p=1',
    key: '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
  },
]

const phc = (cost: string, salt: string, key: string) =>
  `$scrypt$${cost}$${Buffer.from(salt).toString('base64').replace(/=+$/, '')}$${b64(key)}`

const PHC_SHAPE = /^\$scrypt\$ln=15,r=8,p=3\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/

describe('password hashes', () => {
  for (const vector of RFC_7914) {
    test(`checks RFC 7914's vector for ${vector.password} / ${vector.salt}`, async () => {
      const stored = phc(vector.cost, vector.salt, vector.key)
      assert.equal(await new PasswordCandidate(vector.password).matches(stored), true)
      assert.equal(await new PasswordCandidate(`${vector.password}!`).matches(stored), false)
      // One bit off in the stored key: no match.
      const flipped = vector.key.replace(/^./, (c) => (c === 'f' ? 'e' : 'f'))
      const altered = phc(vector.cost, vector.salt, flipped)
      assert.equal(await new PasswordCandidate(vector.password).matches(altered), false)
    })
  }

  test('a stored hash is scrypt at OWASP cost under a fresh 16-byte salt, as Python computes it', async () => {
    assert.deepEqual(PASSWORD_HASH_COST, { ln: 15, r: 8, p: 3 })
    const password = 'Sécurité\t1!'
    const first = await new PasswordCandidate(password).hash()
    const second = await new PasswordCandidate(password).hash()
    const [, salt, key] = PHC_SHAPE.exec(first) ?? []
    assert.ok(salt && key, first)
    assert.notEqual(first, second, 'every hash has its own salt')
    assert.notEqual(PHC_SHAPE.exec(second)?.[1], salt)
    const script = [
      'import base64, hashlib, sys',
      'pad = lambda s: s + "=" * (-len(s) % 4)',
      'salt = base64.b64decode(pad(sys.argv[2]))',
      'key = hashlib.scrypt(sys.argv[1].encode("utf-8"), salt=salt, n=2**15, r=8, p=3, dklen=32, maxmem=2**26)',
      'print(base64.b64encode(key).decode().rstrip("="))',
    ].join('\n')
    const python = spawnSync('python3', ['-c', script, password, salt], { encoding: 'utf8' })
    assert.equal(python.status, 0, python.stderr)
    assert.equal(python.stdout.trim(), key)
    assert.equal(await new PasswordCandidate(password).matches(first), true)
    assert.equal(await new PasswordCandidate('Securite\t1!').matches(first), false)
  })

  test('a history entry shares the salt of the newest one; other costs get a fresh salt', async () => {
    const newest = await new PasswordCandidate('First-pass1').hash()
    const entry = await new PasswordCandidate('Second-pass2').hashLike(newest)
    assert.equal(PHC_SHAPE.exec(entry)?.[1], PHC_SHAPE.exec(newest)?.[1])
    assert.equal(await new PasswordCandidate('Second-pass2').matches(entry), true)
    const older = phc('ln=10,r=8,p=16', 'NaCl', RFC_7914[0]!.key)
    const fresh = await new PasswordCandidate('Second-pass2').hashLike(older)
    assert.match(fresh, PHC_SHAPE)
    assert.notEqual(PHC_SHAPE.exec(fresh)?.[1], Buffer.from('NaCl').toString('base64'))
    assert.match(await new PasswordCandidate('x').hashLike(undefined), PHC_SHAPE)
  })

  test('matchesAny finds a password anywhere in a history, of any cost', async () => {
    const newest = await new PasswordCandidate('Newest-pass1').hash()
    const history = [
      newest,
      await new PasswordCandidate('Middle-pass2').hashLike(newest),
      phc('ln=10,r=8,p=16', 'NaCl', RFC_7914[0]!.key),
    ]
    assert.equal(await new PasswordCandidate('Middle-pass2').matchesAny(history), true)
    assert.equal(await new PasswordCandidate('password').matchesAny(history), true)
    assert.equal(await new PasswordCandidate('Other-pass3').matchesAny(history), false)
    assert.equal(await new PasswordCandidate('Newest-pass1').matchesAny([]), false)
  })

  test('anything but a well-formed scrypt PHC string matches nothing', async () => {
    const good = phc('ln=10,r=8,p=16', 'NaCl', RFC_7914[0]!.key)
    const candidate = new PasswordCandidate('password')
    for (const stored of [
      '',
      'password',
      good.replace('$scrypt$', '$argon2id$'),
      good.replace('ln=10', 'ln=0'),
      good.replace('ln=10', 'ln=18'),
      good.replace('r=8', 'r=9'),
      good.replace('p=16', 'p=99'),
      good.replace('r=8', 'r=0'),
      `${good}$extra`,
      good.replace(/\$[^$]+$/, '$'),
    ]) {
      assert.equal(await candidate.matches(stored), false, stored)
    }
  })
})
