/**
 * Guardian's version: the image's tag, the chart's appVersion and the API's (info.version of
 * /openapi.json); package.json's, which a test keeps equal.
 */
export const GUARDIAN_VERSION = '0.1.0';
