// Streaming chat with mid-stream failover: `pnpm streaming-chat` serves a page on a free port (open
// the printed URL), and first asks one question itself, printing the events as they arrive.
// `--once` exits after that question.
import { startStreamingChat } from './streaming-chat/server.js';

const chat = await startStreamingChat();
const question = 'Why is the sky blue?';
const response = await fetch(`${chat.url}chat?q=${encodeURIComponent(question)}`);
const decoder = new TextDecoder();
let buffer = '';
for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
  buffer += decoder.decode(bytes, { stream: true });
  for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
    const message = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const type = /^event: (.*)$/m.exec(message)?.[1];
    const data = JSON.parse(/^data: (.*)$/m.exec(message)?.[1] ?? 'null') as Record<
      string,
      unknown
    >;
    if (type === 'chunk') process.stdout.write(String(data.chunk));
    if (type === 'reset')
      process.stdout.write(
        `\n[reset: ${String(data.discarded)} chunks taken back; the fallback answers]\n`,
      );
    if (type === 'result') process.stdout.write('\n[done]\n');
  }
}
if (process.argv.includes('--once')) {
  await chat.close();
} else {
  console.log(`\nOpen ${chat.url} to watch it in a browser (Ctrl-C to stop).`);
}
