// TOTP codes from a second implementation: RFC 6238 written out with Python's hmac, hashlib and
// struct (HMAC-SHA-1 over the big-endian step, dynamic truncation), not the otpauth package the
// server uses, so tests check the server against the RFC rather than against itself.
import { spawnSync } from 'node:child_process'

const SCRIPT = `
import base64, hashlib, hmac, json, struct, sys, time
request = json.loads(sys.argv[1])
if "hex" in request:
    print(json.dumps(base64.b32encode(bytes.fromhex(request["hex"])).decode().rstrip("=")))
    sys.exit(0)
key = base64.b32decode(request["seed"] + "=" * (-len(request["seed"]) % 8))
digits = request.get("digits", 6)
def code(step):
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)
now = int(time.time()) // 30
steps = request.get("steps") or [now + d for d in request.get("offsets", [0])]
print(json.dumps({"now": now, "codes": {str(step): code(step) for step in steps}}))
`

export interface ReferenceCodes {
  /** The time step Python's clock was in. */
  now: number
  /** Codes by step. */
  codes: Record<string, string>
}

function python<T>(request: object): T {
  const result = spawnSync('python3', ['-c', SCRIPT, JSON.stringify(request)], {
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

const run = (request: object) => python<ReferenceCodes>(request)

/** RFC 4648 base32 of `bytes` without padding, by Python's base64 module. */
export const base32 = (bytes: Uint8Array): string =>
  python<string>({ hex: Buffer.from(bytes).toString('hex') })

/** The codes of `seed` (base32) for these time steps. */
export function codesAt(seed: string, steps: number[], digits = 6): string[] {
  const { codes } = run({ seed, steps, digits })
  return steps.map((step) => codes[String(step)]!)
}

/**
 * The codes of `seed` for steps `offsets` away from now by Python's clock; waits for a fresh step
 * first when fewer than `margin` seconds of the current one remain, so the codes stay current
 * while a client carries them to the server.
 */
export async function currentCodes(
  seed: string,
  offsets: number[],
  margin = 4,
): Promise<{ step: number; codes: string[] }> {
  const left = 30 - ((Date.now() / 1000) % 30)
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100))
  const { now, codes } = run({ seed, offsets })
  return { step: now, codes: offsets.map((d) => codes[String(now + d)]!) }
}

/** Waits until the clock is in a time step after `step`. */
export async function nextStep(step: number): Promise<void> {
  const wait = (step + 1) * 30_000 - Date.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 100))
}
