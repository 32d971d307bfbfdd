import path from 'node:path';

/**
 * The repository root. This file compiles to dist/bench/lib/paths.js, three levels below it.
 * Must hold: bench/ stays under the root tsconfig's rootDir ('.') with outDir 'dist'.
 */
export const repoRoot: string = path.resolve(__dirname, '..', '..', '..');

/** bin/collie.js, the CLI entry point (runs dist/src/cli/main.js). */
export const collieBin: string = path.join(repoRoot, 'bin', 'collie.js');
