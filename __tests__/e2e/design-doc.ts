/**
 * The design doc's drift: what the sample project with its
 * `add_auth_and_user_features` migration removed must report (35 errors).
 */
import type { DriftKind } from '../../src/model/drift.js'

/** The migration whose absence is the design doc's case. */
export const AUTH_MIGRATION = '20250612143000_add_auth_and_user_features'

/** What the design doc's drift must name: kind, object, model, and the line inside the model (none: the model's). */
export const DESIGN_DOC_DRIFT: [DriftKind, string, string, RegExp?][] = [
  ['column', 'users.email_verified', 'User', /@map\("email_verified"\)/],
  ['column', 'users.last_login_at', 'User', /@map\("last_login_at"\)/],
  ['column', 'users.profile_picture', 'User', /@map\("profile_picture"\)/],
  ['column', 'users.two_factor_enabled', 'User', /@map\("two_factor_enabled"\)/],
  ['column', 'users.two_factor_secret', 'User', /@map\("two_factor_secret"\)/],
  ['table', 'user_preferences', 'UserPreferences'],
  ['table', 'audit_logs', 'AuditLog'],
  ['table', 'sessions', 'Session'],
  ['table', 'backup_codes', 'BackupCode'],
  ['table', 'password_reset_tokens', 'PasswordResetToken'],
  ['table', 'notifications', 'Notification'],
  ['table', 'email_logs', 'EmailLog'],
  ['foreignKey', 'user_preferences_user_id_fkey', 'UserPreferences', /@relation\(/],
  ['foreignKey', 'audit_logs_user_id_fkey', 'AuditLog', /@relation\(/],
  ['foreignKey', 'sessions_user_id_fkey', 'Session', /@relation\(/],
  ['foreignKey', 'backup_codes_user_id_fkey', 'BackupCode', /@relation\(/],
  ['foreignKey', 'password_reset_tokens_user_id_fkey', 'PasswordResetToken', /@relation\(/],
  ['foreignKey', 'notifications_user_id_fkey', 'Notification', /@relation\(/],
  ['foreignKey', 'email_logs_user_id_fkey', 'EmailLog', /@relation\(/],
  ['unique', 'user_preferences_user_id_key', 'UserPreferences', /^\s+userId\s.*@unique/],
  ['unique', 'sessions_token_key', 'Session', /^\s+token\s.*@unique/],
  ['unique', 'password_reset_tokens_token_hash_key', 'PasswordResetToken', /^\s+tokenHash\s.*@unique/],
  ['index', 'audit_logs_user_id_idx', 'AuditLog', /@@index\(\[userId\]\)/],
  ['index', 'audit_logs_entity_type_entity_id_idx', 'AuditLog', /@@index\(\[entityType, entityId\]\)/],
  ['index', 'audit_logs_created_at_idx', 'AuditLog', /@@index\(\[createdAt\]\)/],
  ['index', 'sessions_user_id_idx', 'Session', /@@index\(\[userId\]\)/],
  ['index', 'sessions_expires_at_idx', 'Session', /@@index\(\[expiresAt\]\)/],
  ['index', 'backup_codes_user_id_idx', 'BackupCode', /@@index\(\[userId\]\)/],
  ['index', 'password_reset_tokens_user_id_idx', 'PasswordResetToken', /@@index\(\[userId\]\)/],
  ['index', 'notifications_user_id_read_at_idx', 'Notification', /@@index\(\[userId, readAt\]\)/],
  ['index', 'email_logs_user_id_idx', 'EmailLog', /@@index\(\[userId\]\)/],
  ['index', 'email_logs_status_idx', 'EmailLog', /@@index\(\[status\]\)/]
]
export const ENUMS = ['Theme', 'NotificationType', 'EmailStatus']
