// Reads a QR code back out of a PNG with libraries of its own (pngjs decodes the image, jsQR the
// code), so a test checks the image an authenticator app would scan, not how it was made.
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'

/** The text of the QR code in `png`, or throws when the image holds none. */
export function decodeQrPng(png: Buffer): string {
  const image = PNG.sync.read(png)
  // jsQR is CommonJS: its function is both the module and its `default`.
  const found = jsQRModule.default(new Uint8ClampedArray(image.data), image.width, image.height)
  if (!found) throw new Error('no QR code in the image')
  return found.data
}
