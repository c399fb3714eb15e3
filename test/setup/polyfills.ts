// aws-local-stepfunctions 3.x calls Promise.withResolvers, which Node.js 20 lacks (added in Node.js 22).
import '../../cli/simulation/promise-with-resolvers';

// The Lambda handlers' structured logs are not test output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
