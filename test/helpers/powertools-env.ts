/**
 * Import this before a module that builds Powertools Logger/Metrics at load time: they read
 * these variables in their constructors. Logs are silenced; EMF goes to the global console so
 * tests can capture it with jest.spyOn(console, 'log').
 */
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

export {};
