import { expect, it, vi } from 'vitest';

it('the README example prints the routed answer and the word count', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../src/readme-example.js');
  expect(log).toHaveBeenCalledWith('cheap answer to "What is TTA.dev?"', 3);
});
