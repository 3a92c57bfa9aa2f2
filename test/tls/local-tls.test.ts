// The local CA and server certificate: accepted by node's X509Certificate and tls, and by
// `openssl verify -x509_strict`; made once and reused; private keys readable by the owner only;
// reissued when the server's names change; IP SANs in RFC 5280's lengths, IPv4-mapped ones too.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo, Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { after, before, describe, test } from 'node:test'
import { certificateNames, ensureLocalTls } from '../../src/tls/local-tls.js'
import type { LocalTls } from '../../src/tls/local-tls.js'

const NOW = new Date()

const openssl = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' })

/** A TLS handshake against `server` as `host`: undefined when it succeeds, else the error code. */
function handshake(
  server: Server,
  options: { host?: string; ca?: string; servername?: string },
): Promise<string | undefined> {
  const port = (server.address() as AddressInfo).port
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
      socket.end()
      resolve(undefined)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code))
  })
}

describe('local CA and server certificate', () => {
  let dir: string
  let tls: LocalTls
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-tls-'))
    tls = await ensureLocalTls(
      dir,
      certificateNames('127.0.0.1', 'https://rolegate.test:8443'),
      NOW,
    )
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('names: loopback always, plus the host and public host when specific', () => {
    assert.deepEqual(certificateNames('0.0.0.0'), ['localhost', '127.0.0.1', '::1'])
    assert.deepEqual(certificateNames('10.0.0.5', 'https://[::1]:1/x'), [
      'localhost',
      '127.0.0.1',
      '::1',
      '10.0.0.5',
    ])
  })

  test('node reads the CA and the server certificate as X.509 v3 with the right extensions', () => {
    assert.deepEqual(tls.created, { ca: true, certificate: true })
    const ca = new X509Certificate(readFileSync(tls.caFile))
    const server = new X509Certificate(tls.cert)
    assert.equal(ca.ca, true)
    assert.equal(server.ca, false)
    assert.match(ca.subject, /^O=rolegate\nCN=rolegate local CA [0-9a-f]{8}$/)
    assert.equal(ca.subject, ca.issuer)
    assert.equal(server.issuer, ca.subject)
    assert.equal(server.subject, 'O=rolegate\nCN=localhost')
    assert.equal(
      server.subjectAltName,
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:rolegate.test',
    )
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1'])
    assert.ok(server.checkIssued(ca))
    assert.ok(server.verify(ca.publicKey))
    assert.ok(ca.verify(ca.publicKey))
    assert.equal(server.checkHost('rolegate.test'), 'rolegate.test')
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1')
    assert.equal(server.checkHost('evil.test'), undefined)
    assert.ok(new Date(server.validFrom).getTime() <= NOW.getTime())
    assert.ok(new Date(server.validTo).getTime() > NOW.getTime() + 300 * 86_400_000)
  })

  test('openssl verifies the chain in strict mode, and rejects it against another CA', async () => {
    const strict = openssl(['verify', '-x509_strict', '-CAfile', tls.caFile, tls.certFile])
    assert.equal(strict.status, 0, strict.stderr)
    assert.equal(strict.stdout.trim(), `${tls.certFile}: OK`)
    const self = openssl(['verify', '-x509_strict', '-CAfile', tls.caFile, tls.caFile])
    assert.equal(self.status, 0, self.stderr)
    const otherDir = mkdtempSync(join(tmpdir(), 'rolegate-tls-other-'))
    try {
      const other = await ensureLocalTls(otherDir, ['localhost'], NOW)
      const wrong = openssl(['verify', '-CAfile', other.caFile, tls.certFile])
      assert.notEqual(wrong.status, 0)
      assert.match(wrong.stderr + wrong.stdout, /unable to get local issuer certificate/)
    } finally {
      rmSync(otherDir, { recursive: true, force: true })
    }
  })

  test('node tls accepts the server with the CA and refuses it without', async () => {
    const server = createServer({ cert: tls.cert, key: tls.key }, (_request, response) =>
      response.end('ok'),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const ca = readFileSync(tls.caFile, 'utf8')
      assert.equal(await handshake(server, { ca, servername: 'localhost' }), undefined)
      assert.equal(await handshake(server, { ca, servername: 'rolegate.test' }), undefined)
      assert.equal(await handshake(server, { ca }), undefined)
      assert.equal(
        await handshake(server, { servername: 'localhost' }),
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      )
      assert.equal(
        await handshake(server, { ca, servername: 'evil.test' }),
        'ERR_TLS_CERT_ALTNAME_INVALID',
      )
    } finally {
      server.close()
    }
  })

  test("private keys are the owner's only", () => {
    for (const file of ['ca-key.pem', 'server-key.pem']) {
      assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file)
    }
  })

  test('a second start reuses everything; new names reissue only the server certificate', async () => {
    const again = await ensureLocalTls(
      dir,
      certificateNames('127.0.0.1', 'https://rolegate.test:8443'),
      NOW,
    )
    assert.deepEqual(again.created, { ca: false, certificate: false })
    assert.equal(again.cert, tls.cert)
    const renamed = await ensureLocalTls(
      dir,
      certificateNames('127.0.0.1', 'https://other.test'),
      NOW,
    )
    assert.deepEqual(renamed.created, { ca: false, certificate: true })
    assert.equal(readFileSync(renamed.caFile, 'utf8'), readFileSync(tls.caFile, 'utf8'))
    const server = new X509Certificate(renamed.cert)
    assert.equal(server.checkHost('other.test'), 'other.test')
    assert.ok(server.checkIssued(new X509Certificate(readFileSync(tls.caFile))))
    // Close to expiry it is reissued too.
    const later = new Date(NOW.getTime() + 340 * 86_400_000)
    const renewed = await ensureLocalTls(
      dir,
      certificateNames('127.0.0.1', 'https://other.test'),
      later,
    )
    assert.deepEqual(renewed.created, { ca: false, certificate: true })
  })
})

// RFC 5280 4.2.1.6: an iPAddress SAN holds "exactly four octets" for IPv4 and "exactly sixteen
// octets" for IPv6. `::ffff:127.0.0.1` is written as, and is, an IPv6 address (the IPv4-mapped
// form of RFC 4291 2.5.5.2), so it is sixteen octets: 0:0:0:0:0:FFFF:7F00:1 in openssl's text.
// A client connecting to that address compares it with sixteen-byte SANs only (OpenSSL's
// X509_check_ip compares lengths first), so a four-byte 127.0.0.1 would not stand in for it.
// The DER writer this replaced wrote fifteen octets here, which openssl shows as
// `IP Address:<invalid length=15>`; @peculiar/x509 alone reads the dotted quad as the hex group
// 0127 and writes ::ffff:0127, which the last assertions would catch as a mismatch.
describe('an IPv4-mapped IPv6 address as a SAN', () => {
  let dir: string
  let tls: LocalTls
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-tls-mapped-'))
    tls = await ensureLocalTls(dir, certificateNames('::ffff:127.0.0.1'), NOW)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('openssl reads it as the sixteen-byte IPv6 address', () => {
    const text = openssl(['x509', '-in', tls.certFile, '-noout', '-ext', 'subjectAltName'])
    assert.equal(text.status, 0, text.stderr)
    assert.equal(
      text.stdout.split('\n')[1]?.trim(),
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, ' +
        'IP Address:0:0:0:0:0:FFFF:7F00:1',
    )
  })

  test('openssl and node match it against that address and no other', () => {
    const verifyIp = (ip: string) =>
      openssl(['verify', '-x509_strict', '-CAfile', tls.caFile, '-verify_ip', ip, tls.certFile])
    assert.equal(verifyIp('::ffff:127.0.0.1').status, 0, verifyIp('::ffff:127.0.0.1').stderr)
    assert.equal(verifyIp('::ffff:7f00:1').status, 0)
    const other = verifyIp('::ffff:127.0.0.2')
    assert.notEqual(other.status, 0)
    assert.match(other.stdout + other.stderr, /IP address mismatch/)
    const certificate = new X509Certificate(tls.cert)
    assert.equal(certificate.checkIP('::ffff:127.0.0.1'), '::ffff:127.0.0.1')
    assert.equal(certificate.checkIP('::ffff:127.0.0.2'), undefined)
  })

  test('node tls connects to the server at that address', async () => {
    const server = createServer({ cert: tls.cert, key: tls.key }, (_request, response) =>
      response.end('ok'),
    )
    await new Promise<void>((resolve) => server.listen(0, '::ffff:127.0.0.1', resolve))
    try {
      const ca = readFileSync(tls.caFile, 'utf8')
      assert.equal(await handshake(server, { host: '::ffff:127.0.0.1', ca }), undefined)
    } finally {
      server.close()
    }
  })

  test('a restart finds the address covered and keeps the certificate', async () => {
    const again = await ensureLocalTls(dir, certificateNames('::ffff:127.0.0.1'), NOW)
    assert.deepEqual(again.created, { ca: false, certificate: false })
  })
})
