/** Guardian's version: the image's tag and the chart's appVersion (package.json; a test keeps them equal). */
export const GUARDIAN_VERSION = '0.1.0';
