// The DER encoder, value by value against encodings worked out from X.690 (and cross-checked with
// `openssl asn1parse`): minimal lengths and integers, OID arcs in base 128, both time forms.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  time,
  utf8String,
} from '../../src/tls/der.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

const cases: [string, Buffer, string][] = [
  ['integer 0', integer(0), '020100'],
  ['integer 127', integer(127), '02017f'],
  ['integer 128 gets a leading zero', integer(128), '02020080'],
  ['integer 256', integer(256), '02020100'],
  ['integer from bytes drops leading zeros', integer(Buffer.from('00007f', 'hex')), '02017f'],
  ['integer from bytes keeps positivity', integer(Buffer.from('0080', 'hex')), '02020080'],
  ['integer from high bytes', integer(Buffer.from('ff01', 'hex')), '020300ff01'],
  ['boolean true', boolean(true), '0101ff'],
  ['null', nullValue(), '0500'],
  ['oid commonName', oid('2.5.4.3'), '0603550403'],
  ['oid rsaEncryption', oid('1.2.840.113549.1.1.1'), '06092a864886f70d010101'],
  ['oid ecdsa-with-SHA256', oid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
  ['utf8', utf8String('é'), '0c02c3a9'],
  ['octet string', octetString(Buffer.from('0102', 'hex')), '04020102'],
  ['bit string', bitString(Buffer.from('ff', 'hex')), '030200ff'],
  ['key usage digitalSignature', namedBits([0]), '03020780'],
  ['key usage keyCertSign+cRLSign', namedBits([5, 6]), '03020106'],
  ['key usage 3 bits', namedBits([0, 5, 6]), '03020186'],
  ['empty sequence', sequence(), '3000'],
  ['nested', sequence(integer(1), sequence()), '3005020101' + '3000'],
  ['explicit [0]', explicit(0, integer(2)), 'a003020102'],
  ['implicit [2] dNSName', implicitPrimitive(2, Buffer.from('a')), '820161'],
  ['UTCTime in 2049', time(new Date('2049-12-31T23:59:59Z')), '170d3439313233313233353935395a'],
  [
    'GeneralizedTime from 2050',
    time(new Date('2050-01-01T00:00:00Z')),
    '180f32303530303130313030303030305a',
  ],
]

for (const [name, encoded, expected] of cases) {
  test(name, () => assert.equal(hex(encoded), expected))
}

test('long lengths use the minimal long form', () => {
  assert.equal(hex(octetString(Buffer.alloc(127))).slice(0, 4), '047f')
  assert.equal(hex(octetString(Buffer.alloc(128))).slice(0, 6), '048180')
  assert.equal(hex(octetString(Buffer.alloc(256))).slice(0, 8), '04820100')
  assert.equal(hex(octetString(Buffer.alloc(70000))).slice(0, 10), '0483011170')
})
