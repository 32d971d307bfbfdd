import type { Logger } from '../util/logger';
import type { AuditContext, Role } from './types';

export interface AuditEntry {
  outcome: 'success' | 'denied' | 'failure';
  /** `jwt` or `api_key`; absent when no credential was identified. */
  authMethod?: 'jwt' | 'api_key';
  /** JWT subject or control-plane key id (never the key). */
  principal?: string;
  role?: Role;
  reason?: string;
}

export interface AuditLog {
  record(entry: AuditEntry, ctx: AuditContext | undefined): void;
}

/**
 * Control-plane audit trail at info level (SMG logs success, denied and failure unless
 * `--disable-audit-logging`). Entries carry ids, roles and reasons, never tokens or keys.
 */
export function createAuditLog(logger: Logger, enabled: boolean): AuditLog {
  if (!enabled) return { record: () => undefined };
  return {
    record(entry, ctx) {
      logger.info(
        {
          audit: 'control_plane',
          outcome: entry.outcome,
          auth_method: entry.authMethod,
          principal: entry.principal,
          role: entry.role,
          reason: entry.reason,
          method: ctx?.method,
          path: ctx?.path,
          request_id: ctx?.requestId,
        },
        `control plane auth ${entry.outcome}`,
      );
    },
  };
}
