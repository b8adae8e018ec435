export { MockFailureError } from './errors/mock-failure-error.js';
export {
  createFakeLLMServer,
  type FakeChatRequest,
  type FakeLLMServer,
  type FakeLLMServerOptions,
} from './fake-llm-server.js';
export {
  type MockCall,
  MockPrimitive,
  type MockPrimitiveOptions,
} from './mock-primitive.js';
export {
  createRecordingHooks,
  type ExecutionRecord,
  type RecordingHooks,
} from './recording-hooks.js';
