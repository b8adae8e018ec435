import { integrationTestConfig } from '../../vitest.shared.js';

export default integrationTestConfig();
