import { lambda } from '@tta/primitives';
import { expect, it, vi } from 'vitest';

vi.mock('@opentelemetry/sdk-node', () => {
  const error = new Error("Cannot find package '@opentelemetry/sdk-node'") as NodeJS.ErrnoException;
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
});

it('without the SDK installed, setupObservability warns and returns a disabled handle', async () => {
  const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  const { setupObservability } = await import('../src/setup/index.js');
  const handle = await setupObservability({ serviceName: 'no-sdk', prometheus: { port: 0 } });
  expect(handle).toMatchObject({ enabled: false, metricsUrl: undefined });
  expect(warn).toHaveBeenCalledWith(
    expect.stringContaining('@opentelemetry/sdk-node'),
    'TtaObservabilityWarning',
  );
  await expect(lambda((x: number) => x + 1).execute(1)).resolves.toBe(2);
  await handle.forceFlush();
  await handle.shutdown();
});
