/**
 * The Lambda handlers log JSON with the Powertools Logger, which reads its level when the handler module
 * loads. In a local simulation those logs are not the output, so they are silenced unless the caller set
 * a level. Import this before any handler module.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

export {};
