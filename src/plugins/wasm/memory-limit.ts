/**
 * Caps the linear memories a core WebAssembly module defines, by rewriting the maximum of
 * each entry of its memory section (id 5) before it is compiled: `memory.grow` past the cap
 * then returns -1 inside the guest (Rust's allocator aborts, a trap), so no call can take
 * more than `maxPages` × 64 KiB however it allocates. Imported memories are bounded by their
 * exporter's (rewritten) definition. Everything else in the binary is copied unchanged.
 */

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const MEMORY_SECTION = 5;

export class MemoryLimitError extends Error {
  override readonly name = 'MemoryLimitError';
}

function readU32(b: Uint8Array, at: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (let i = at; i < b.length && i < at + 5; i++) {
    const byte = b[i] as number;
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [result, i + 1];
  }
  throw new MemoryLimitError('malformed LEB128 in core module');
}

function writeU32(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function capMemorySection(body: Uint8Array, maxPages: number): number[] {
  let [count, at] = readU32(body, 0);
  const out = writeU32(count);
  while (count-- > 0) {
    const flags = body[at++];
    if (flags === undefined) throw new MemoryLimitError('truncated memory section');
    if ((flags & 0x04) !== 0) throw new MemoryLimitError('64-bit memories are not supported');
    const [min, afterMin] = readU32(body, at);
    at = afterMin;
    let max = maxPages;
    if ((flags & 0x01) !== 0) {
      const [declared, afterMax] = readU32(body, at);
      at = afterMax;
      max = Math.min(declared, maxPages);
    }
    if (min > maxPages) {
      throw new MemoryLimitError(
        `memory minimum of ${min} pages is above the limit of ${maxPages} pages`,
      );
    }
    out.push(flags | 0x01, ...writeU32(min), ...writeU32(max));
  }
  return out;
}

/** A copy of `module` whose memories are at most `maxPages` pages. */
export function capMemories(module: Uint8Array, maxPages: number): Uint8Array {
  if (module.length < 8 || MAGIC.some((m, i) => module[i] !== m)) {
    throw new MemoryLimitError('not a core WebAssembly module');
  }
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let at = 8;
  while (at < module.length) {
    const id = module[at] as number;
    const [size, bodyAt] = readU32(module, at + 1);
    const end = bodyAt + size;
    if (end > module.length) throw new MemoryLimitError('truncated section in core module');
    if (id === MEMORY_SECTION) {
      const body = capMemorySection(module.subarray(bodyAt, end), maxPages);
      parts.push(Uint8Array.from([id, ...writeU32(body.length), ...body]));
    } else {
      parts.push(module.subarray(at, end));
    }
    at = end;
  }
  return Buffer.concat(parts);
}
