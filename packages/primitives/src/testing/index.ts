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
