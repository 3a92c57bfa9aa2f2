// Detects RSA moduli from the ROCA-vulnerable generator (CVE-2017-15361, Infineon RSALib). Such
// primes are k*M + (65537^a mod M), so N mod each small prime p of M lies in the subgroup that
// 65537 generates in (Z/pZ)*. A random modulus passes all these tests with negligible probability.

const SMALL_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101,
  103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
]

/** For each prime, the residues that powers of 65537 reach modulo it. */
const SUBGROUPS: ReadonlyMap<number, ReadonlySet<number>> = new Map(
  SMALL_PRIMES.map((p) => {
    const generator = 65537 % p
    const reached = new Set<number>()
    for (let x = 1; !reached.has(x); x = (x * generator) % p) reached.add(x)
    return [p, reached]
  }),
)

export function hasRocaFingerprint(modulus: bigint): boolean {
  for (const [p, subgroup] of SUBGROUPS) {
    if (!subgroup.has(Number(modulus % BigInt(p)))) return false
  }
  return true
}
