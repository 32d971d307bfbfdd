import type { GatewayConfig } from '../config/config';

/** Supervision messages between the primary and its ingress processes (not state). */
export type SupervisorMessage =
  /** The config travels over IPC, not the environment, so keys stay out of /proc/<pid>/environ. */
  | { readonly tag: 'collie:config'; readonly config: GatewayConfig }
  | { readonly tag: 'collie:listening'; readonly port: number }
  | { readonly tag: 'collie:shutdown'; readonly graceMs: number }
  | { readonly tag: 'collie:fatal'; readonly message: string };

export function isSupervisorMessage(v: unknown): v is SupervisorMessage {
  if (typeof v !== 'object' || v === null) return false;
  const tag = (v as { tag?: unknown }).tag;
  return (
    tag === 'collie:listening' ||
    tag === 'collie:shutdown' ||
    tag === 'collie:fatal' ||
    tag === 'collie:config'
  );
}

export const INGRESS_ID_ENV = 'COLLIE_INGRESS_ID';
