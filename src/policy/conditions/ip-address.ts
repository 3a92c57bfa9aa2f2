// IpAddress / NotIpAddress: the context address (aws:SourceIp) against IPv4 or IPv6 CIDR blocks;
// a bare address is a /32 or /128. Parsed by hand: policy/ is pure and does not import node:net.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress

import type { ContextScalar } from '../context.js'
import { operatorPair } from './operator.js'

/** IPv4 addresses are plain numbers (the common case, kept cheap); IPv6 ones are bigints. */
export type IpAddress = { version: 4; value: number } | { version: 6; value: bigint }

export type CidrBlock =
  { version: 4; network: number; mask: number } | { version: 6; network: bigint; mask: bigint }

const V4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!V4_PART.test(part)) return undefined
    value = value * 256 + Number(part)
  }
  return value
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i

export function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const groups = (half: string): number[] | undefined => {
    if (half === '') return []
    const out: number[] = []
    const items = half.split(':')
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item)
        if (v4 === undefined) return undefined
        out.push(Math.floor(v4 / 65536), v4 % 65536)
      } else if (HEX_GROUP.test(item)) {
        out.push(parseInt(item, 16))
      } else {
        return undefined
      }
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (head === undefined || tail === undefined) return undefined
  let all: number[]
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length
    if (fill < 1) return undefined
    all = [...head, ...new Array<number>(fill).fill(0), ...tail]
  } else {
    all = head
  }
  if (all.length !== 8) return undefined
  let value = 0n
  for (const group of all) value = (value << 16n) | BigInt(group)
  return value
}

const MAPPED_PREFIX = 0xffffn << 32n

/** An address; IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is read as the IPv4 address. */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim()
  const v4 = parseIpv4(trimmed)
  if (v4 !== undefined) return { version: 4, value: v4 }
  const v6 = parseIpv6(trimmed)
  if (v6 === undefined) return undefined
  if (v6 >> 32n === 0xffffn && (v6 & MAPPED_PREFIX) === MAPPED_PREFIX) {
    return { version: 4, value: Number(v6 & 0xffffffffn) }
  }
  return { version: 6, value: v6 }
}

/** `203.0.113.0/24`, `2001:db8::/32` or a bare address. Host bits set in the network are ignored. */
export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/')
  const address = parseIp(slash < 0 ? text : text.slice(0, slash))
  if (address === undefined) return undefined
  const width = address.version === 4 ? 32 : 128
  let prefix = width
  if (slash >= 0) {
    const bits = text.slice(slash + 1).trim()
    if (!/^\d{1,3}$/.test(bits)) return undefined
    prefix = Number(bits)
    // A mapped IPv6 block states its prefix over 128 bits.
    if (address.version === 4 && text.includes(':')) prefix -= 96
    if (prefix < 0 || prefix > width) return undefined
  }
  if (address.version === 4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    return { version: 4, network: (address.value & mask) >>> 0, mask }
  }
  const all = (1n << 128n) - 1n
  const mask = all ^ ((1n << BigInt(128 - prefix)) - 1n)
  return { version: 6, network: address.value & mask, mask }
}

export function inCidr(address: IpAddress, block: CidrBlock): boolean {
  if (address.version === 4) {
    return block.version === 4 && (address.value & block.mask) >>> 0 === block.network
  }
  return block.version === 6 && (address.value & block.mask) === block.network
}

export const [IpAddressOperator, NotIpAddress] = operatorPair(
  'IpAddress',
  'NotIpAddress',
  false,
  (values) => {
    const blocks = values.map((v) => parseCidr(v)).filter((b) => b !== undefined)
    return (actual: ContextScalar) => {
      if (typeof actual !== 'string') return false
      const address = parseIp(actual)
      return address !== undefined && blocks.some((block) => inCidr(address, block))
    }
  },
)
