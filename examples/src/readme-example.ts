// The example shown in the README; kept here so a test proves it runs.
import { lambda, parallel, RouterPrimitive, WorkflowContext } from '@tta/primitives';

const cheapModel = lambda(async (q: string) => `cheap answer to "${q}"`, { name: 'cheap-model' });
const strongModel = lambda(async (q: string) => `careful answer to "${q}"`, {
  name: 'strong-model',
});
const answer = new RouterPrimitive({
  routes: { cheap: cheapModel, strong: strongModel },
  select: (q) => (q.length > 40 ? 'strong' : 'cheap'),
});
const clean = lambda((q: string) => q.trim(), { name: 'clean' });
const words = lambda((q: string) => q.split(/\s+/).length, { name: 'count-words' });

const workflow = clean.pipe(parallel(answer, words)); // SequentialPrimitive<string, [string, number]>

const [reply, wordCount] = await workflow.execute(
  '  What is TTA.dev?  ',
  WorkflowContext.create({ userId: 'ana' }),
);
console.log(reply, wordCount); // cheap answer to "What is TTA.dev?" 3
