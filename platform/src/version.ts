/** Guardian's version, as the API describes itself (info.version of /openapi.json). */
export const PLATFORM_VERSION = '0.1.0';
