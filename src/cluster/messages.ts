import type { GatewayConfig } from '../config/config';

/** Supervision messages between the primary and its ingress processes (not state). */
export type SupervisorMessage =
  /** The config travels over IPC, not the environment, so keys stay out of /proc/<pid>/environ. */
  | { readonly tag: 'collie:config'; readonly config: GatewayConfig }
  | { readonly tag: 'collie:listening'; readonly port: number }
  | { readonly tag: 'collie:shutdown'; readonly graceMs: number }
  | { readonly tag: 'collie:fatal'; readonly message: string };

type Tag = SupervisorMessage['tag'];

/**
 * The field check of each message (a missing tag is a compile error). The config is the
 * primary's own, validated before it was sent; only its presence is checked here.
 */
const FIELDS: { readonly [K in Tag]: (m: Readonly<Record<string, unknown>>) => boolean } = {
  'collie:config': (m) => typeof m['config'] === 'object' && m['config'] !== null,
  'collie:listening': (m) => Number.isInteger(m['port']),
  'collie:shutdown': (m) => typeof m['graceMs'] === 'number' && m['graceMs'] >= 0,
  'collie:fatal': (m) => typeof m['message'] === 'string',
};

function isTag(v: unknown): v is Tag {
  return typeof v === 'string' && Object.hasOwn(FIELDS, v);
}

/** A supervision message with the fields its tag requires (other IPC traffic is not). */
export function isSupervisorMessage(v: unknown): v is SupervisorMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Readonly<Record<string, unknown>>;
  return isTag(m['tag']) && FIELDS[m['tag']](m);
}

export const INGRESS_ID_ENV = 'COLLIE_INGRESS_ID';
