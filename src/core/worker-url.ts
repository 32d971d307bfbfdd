/**
 * SMG's worker URL validation (§5.12). Returns the reason a URL is rejected, or undefined.
 * collie serves HTTP engines only in this version, so grpc/ipc schemes are refused here.
 */
export function validateWorkerUrl(url: string): string | undefined {
  if (url.trim() === '') return 'URL cannot be empty';
  if (!/^https?:\/\//.test(url)) {
    if (/^(grpcs?|ipc):\/\//.test(url)) return 'gRPC/IPC workers are not supported by collie yet';
    return 'URL must start with a lowercase http:// or https:// scheme';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    return `Invalid URL format: ${(err as Error).message}`;
  }
  if (!parsed.hostname) return 'URL must have a valid host';
  if (parsed.search || parsed.hash) return 'URL must not carry a query or fragment';
  return undefined;
}
