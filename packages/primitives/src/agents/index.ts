export {
  type AgentCoordinationOptions,
  AgentCoordinationPrimitive,
  type AgentOutcome,
  type CoordinationResult,
  type CoordinationStrategy,
} from './agent-coordination.js';
export {
  type AgentHandoffOptions,
  AgentHandoffPrimitive,
  type HandoffRecord,
  type HandoffResult,
  type HandoffStrategy,
  type QueuedHandoff,
} from './agent-handoff.js';
export {
  type AgentMemoryOptions,
  AgentMemoryPrimitive,
  type AgentMemoryRequest,
  type AgentMemoryResult,
  type AgentMemoryResultOf,
  type MemoryEntry,
  type MemoryScope,
} from './agent-memory.js';
export { CoordinationError } from './errors/coordination-error.js';
