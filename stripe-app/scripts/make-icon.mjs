// Writes stripe-app/icon.png: the 300×300 PNG the manifest's `icon` points at (Marketplace review
// wants a real icon). No image library: raw RGBA rows, zlib-deflated, in a minimal PNG container.
// Run: node stripe-app/scripts/make-icon.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const size = 300
const teal = [14, 94, 111, 255]
const white = [255, 255, 255, 255]
const clear = [0, 0, 0, 0]

// A holdfast (the root a kelp anchors with): a ring on a stem with two roots, on a rounded square.
function pixel(x, y) {
  const r = 56
  const cx = Math.min(Math.max(x, r), size - 1 - r)
  const cy = Math.min(Math.max(y, r), size - 1 - r)
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return clear
  const ring = Math.hypot(x - 150, y - 105)
  if (ring >= 34 && ring <= 54) return white
  if (x >= 140 && x <= 160 && y >= 150 && y <= 225) return white
  const root = Math.hypot(x - 150, y - 170)
  if (y >= 215 && y <= 250 && root >= 60 && root <= 80) return white
  return teal
}

const raw = Buffer.alloc((size * 4 + 1) * size)
for (let y = 0; y < size; y++) {
  const row = y * (size * 4 + 1)
  raw[row] = 0 // filter: none
  for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(raw, row + 1 + x * 4)
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

const header = Buffer.alloc(13)
header.writeUInt32BE(size, 0)
header.writeUInt32BE(size, 4)
header[8] = 8 // bit depth
header[9] = 6 // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
const out = new URL('../icon.png', import.meta.url)
writeFileSync(out, png)
console.log(`wrote ${out.pathname} (${png.length} bytes)`)
