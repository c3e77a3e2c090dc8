/** Kept equal to package.json's version; a test fails when they drift. */
export const SERVER_VERSION = '0.2.0';
