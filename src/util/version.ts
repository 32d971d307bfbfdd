/** collie's own version, from package.json (dist/src/util → the package root). */
export function packageVersion(): string {
  return (require('../../../package.json') as { version: string }).version; // eslint-disable-line @typescript-eslint/no-require-imports
}
