import { describe, expect, it } from 'vitest';
import { ConfigError, migrationConfig, parseConfig } from './config.ts';

const valid = {
  DATABASE_URL: 'postgres://guardian_app:app-secret@127.0.0.1:5432/guardian',
  DATABASE_ADMIN_URL: 'postgresql://guardian_owner:owner-secret@127.0.0.1:5432/guardian',
};

describe('parseConfig', () => {
  it('accepts a complete environment', () => {
    expect(parseConfig(migrationConfig, valid)).toEqual(valid);
  });

  it('names every missing variable', () => {
    const error = captureError(() => parseConfig(migrationConfig, {}));
    expect(error.fields.sort()).toEqual(['DATABASE_ADMIN_URL', 'DATABASE_URL']);
    expect(error.message).toContain('DATABASE_URL: is required');
  });

  it('refuses a URL of the wrong kind without echoing its secret', () => {
    const error = captureError(() =>
      parseConfig(migrationConfig, { ...valid, DATABASE_URL: 'mysql://root:hunter2@127.0.0.1/guardian' }),
    );
    expect(error.fields).toEqual(['DATABASE_URL']);
    expect(error.message).toContain('must be a postgres:// URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses text that is not a URL', () => {
    const error = captureError(() =>
      parseConfig(migrationConfig, { ...valid, DATABASE_ADMIN_URL: 'not a url' }),
    );
    expect(error.fields).toEqual(['DATABASE_ADMIN_URL']);
  });
});

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
