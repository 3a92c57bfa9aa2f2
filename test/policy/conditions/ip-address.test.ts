// IpAddress / NotIpAddress with IPv4 and IPv6 CIDR blocks
// (reference_policies_elements_condition_operators, IP address condition operators).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseCidr, parseIp } from '../../../src/policy/conditions/ip-address.js'
import { holds, label } from './support.js'
import type { Row } from './support.js'

const rows: Row[] = [
  ['IpAddress', ['203.0.113.0/24'], '203.0.113.7', true],
  ['IpAddress', ['203.0.113.0/24'], '203.0.114.7', false],
  ['IpAddress', ['203.0.113.7'], '203.0.113.7', true], // a bare address is a /32
  ['IpAddress', ['203.0.113.7'], '203.0.113.8', false],
  ['IpAddress', ['0.0.0.0/0'], '198.51.100.1', true],
  ['IpAddress', ['10.0.0.0/8', '192.168.0.0/16'], '192.168.3.4', true],
  ['IpAddress', ['203.0.113.0/24'], '203.0.113.256', false],
  ['IpAddress', ['2001:DB8:1234:5678::/64'], '2001:db8:1234:5678:abcd::1', true],
  ['IpAddress', ['2001:DB8:1234:5678::/64'], '2001:db8:1234:5679::1', false],
  ['IpAddress', ['2001:db8::/32'], '203.0.113.7', false], // families never mix
  ['IpAddress', ['203.0.113.0/24'], '::ffff:203.0.113.9', true], // IPv4-mapped
  ['IpAddress', ['::1'], '0:0:0:0:0:0:0:1', true],
  ['IpAddress', ['203.0.113.0/24'], 'not-an-ip', false],
  ['IpAddress', ['203.0.113.0/24'], undefined, false],
  ['IpAddressIfExists', ['203.0.113.0/24'], undefined, true],
  ['NotIpAddress', ['203.0.113.0/24'], '198.51.100.1', true],
  ['NotIpAddress', ['203.0.113.0/24'], '203.0.113.1', false],
  ['NotIpAddress', ['203.0.113.0/24'], undefined, true],
]

for (const row of rows) {
  test(`ip-address: ${label(row)}`, () => {
    assert.equal(holds(row[0], row[1], row[2]), row[3])
  })
}

test('ip-address: parsers reject malformed text', () => {
  for (const bad of [
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
  ]) {
    assert.equal(parseIp(bad), undefined, bad)
  }
  assert.equal(parseCidr('10.0.0.0/33'), undefined)
  assert.equal(parseCidr('10.0.0.0/x'), undefined)
  assert.equal(parseCidr('2001:db8::/129'), undefined)
  assert.deepEqual(parseCidr('10.1.2.3/8'), { version: 4, network: 10 * 2 ** 24, mask: 0xff000000 })
  assert.deepEqual(parseCidr('0.0.0.0/0'), { version: 4, network: 0, mask: 0 })
  assert.deepEqual(parseCidr('2001:db8::1/32'), {
    version: 6,
    network: 0x20010db8n << 96n,
    mask: ((1n << 32n) - 1n) << 96n,
  })
})
