export {
  createFakeLLMServer,
  type FakeChatRequest,
  type FakeLLMServer,
  type FakeLLMServerOptions,
} from './fake-llm-server.js';
export {
  type MockCall,
  MockFailureError,
  MockPrimitive,
  type MockPrimitiveOptions,
} from './mock-primitive.js';
export {
  createRecordingHooks,
  type ExecutionRecord,
  type RecordingHooks,
} from './recording-hooks.js';
