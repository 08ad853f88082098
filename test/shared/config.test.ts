/** What each kind of function reads of the environment: a public API function reads its stage, log level and CORS origins alone. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadHttpConfig } from '../../shared/config';

describe('loadHttpConfig', () => {
  it('needs nothing of an empty environment, where loadConfig names the first variable it misses', () => {
    expect(loadHttpConfig({})).toEqual({ stage: 'dev', cors: { allowedOrigins: [] }, logLevel: 'info' });
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/AWS_REGION/);
  });

  it('reads STAGE, LOG_LEVEL and CORS_ALLOWED_ORIGINS as loadConfig does, and refuses a malformed LOG_LEVEL the same way', () => {
    const env = { STAGE: 'prod', LOG_LEVEL: 'warn', CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example' };
    expect(loadHttpConfig(env)).toEqual({
      stage: 'prod',
      cors: { allowedOrigins: ['https://a.example', 'https://b.example'] },
      logLevel: 'warn',
    });
    expect(() => loadHttpConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of debug, info, warn, error/);
  });
});
