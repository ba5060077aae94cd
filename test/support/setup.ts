import 'aws-sdk-client-mock-vitest/extend';
import fc from 'fast-check';

// CI explores one fixed seed, so whether a commit lands does not depend on the draw; a local run
// draws new seeds (a failure prints its seed and path for fc.assert to replay).
if (process.env.CI) fc.configureGlobal({ seed: 20_261_123 });
