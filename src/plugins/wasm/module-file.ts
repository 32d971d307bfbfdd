import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reading a module file the way SMG's registration workflow checks it (workflow
 * `wasm_module_registration`, steps validate_descriptor and calculate_hash), with SMG's
 * messages. Failures carry the step, so the caller can word them as SMG's job errors.
 */

/** SMG's BLOCKED_PATH_PREFIXES. */
const BLOCKED = ['/etc/', '/proc/', '/sys/', '/dev/', '/boot/', '/root/', '/var/log/', '/var/run/'];

export type RegistrationStep =
  | 'validate_descriptor'
  | 'calculate_hash'
  | 'check_duplicate'
  | 'validate_wasm_component'
  | 'register_module';

export class StepError extends Error {
  constructor(
    readonly step: RegistrationStep,
    message: string,
  ) {
    super(message);
  }

  /** SMG's job error text: the workflow engine wraps the step's own message twice. */
  get smgMessage(): string {
    return `Workflow failed at step ${this.step}: Step failed: ${this.step} - ${this.message}`;
  }
}

/** Rust's io::Error display for the errno codes a path can produce. */
const OS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  ENOTDIR: 'Not a directory (os error 20)',
  EISDIR: 'Is a directory (os error 21)',
  ELOOP: 'Too many levels of symbolic links (os error 40)',
  ENAMETOOLONG: 'File name too long (os error 36)',
};

function osError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined ? OS_ERRORS[code] : undefined) ?? String(err);
}

const blockedPrefix = (p: string): string | undefined => BLOCKED.find((b) => p.startsWith(b));
const hasWasmExtension = (p: string): boolean => path.extname(p).toLowerCase() === '.wasm';
const fail = (step: RegistrationStep, message: string): never => {
  throw new StepError(step, message);
};

/** validate_descriptor: the name and path rules, then the file itself (through symlinks). */
async function validate(name: string, filePath: string): Promise<string> {
  const step = 'validate_descriptor';
  if (name === '') fail(step, 'Module name cannot be empty');
  if (filePath === '') fail(step, 'Module file path cannot be empty');
  if (!path.isAbsolute(filePath)) {
    fail(step, `Module file path must be absolute, got: ${filePath}`);
  }
  if (filePath.split('/').includes('..')) {
    fail(step, 'Path traversal (..) not allowed in module file path');
  }
  if (!hasWasmExtension(filePath)) fail(step, 'Module file must have .wasm extension');
  const prefix = blockedPrefix(filePath);
  if (prefix !== undefined) fail(step, `Access to ${prefix} directory is not allowed`);
  const stat = await fs
    .stat(filePath)
    .catch((err: unknown) => fail(step, `Failed to access file ${filePath}: ${osError(err)}`));
  if (stat.size === 0 && !stat.isDirectory()) fail(step, 'Module file size cannot be 0');
  const real = await fs
    .realpath(filePath)
    .catch((err: unknown) =>
      fail(step, `Failed to canonicalize path ${filePath}: ${osError(err)}`),
    );
  const realPrefix = blockedPrefix(real);
  if (realPrefix !== undefined) {
    fail(step, `Path resolves to blocked directory ${realPrefix} (via symlink)`);
  }
  if (!hasWasmExtension(real)) fail(step, 'Symlink target must be a .wasm file');
  // SMG opens a directory and fails reading it; a FIFO or device would block a reader forever
  if (stat.isDirectory()) {
    fail('calculate_hash', `Failed to read file ${filePath}: ${OS_ERRORS['EISDIR'] ?? ''}`);
  }
  if (!stat.isFile()) fail(step, 'Module file must be a regular file');
  return real;
}

/**
 * Checks a descriptor's path and reads the file once (the bytes hashed are the bytes
 * compiled, even if the file changes meanwhile). `maxBytes` bounds what is read.
 */
export async function readModuleFile(
  name: string,
  filePath: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const real = await validate(name, filePath);
  const fh = await fs
    .open(real, 'r')
    .catch((err: unknown) =>
      fail('calculate_hash', `Failed to open file ${filePath}: ${osError(err)}`),
    );
  try {
    const { size } = await fh.stat();
    if (size === 0) fail('validate_descriptor', 'Module file size cannot be 0');
    if (size > maxBytes) {
      fail('calculate_hash', `Module file is larger than ${maxBytes} bytes`);
    }
    return await fh.readFile();
  } catch (err) {
    if (err instanceof StepError) throw err;
    return fail('calculate_hash', `Failed to read file ${filePath}: ${osError(err)}`);
  } finally {
    await fh.close();
  }
}
