import { packageBuild } from '../../tsup.shared.js';

// `import.meta.url` for the CommonJS build (used to load the optional prom-client).
export default packageBuild(import.meta.url, { shims: true });
