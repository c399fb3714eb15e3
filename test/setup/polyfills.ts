// aws-local-stepfunctions 3.x calls Promise.withResolvers, which Node.js 20 lacks (added in Node.js 22).
import '../../simulation/promise-with-resolvers';

// The Lambda handlers' structured logs are not test output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// The SDK's notice that its 2027 releases need Node.js 22 is not test output (the project supports
// Node.js 20; the command line silences it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
