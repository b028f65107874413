// Calls the OpenAI-compatible surface with the official openai SDK and prints what the SDK saw as one JSON
// object on stdout; OpenAiSdkTest (Java) starts the all-in-one, runs this and checks the observations.
// Usage: GOLDILOCKS_OPENAI_URL=http://127.0.0.1:8000/v1 node sdk-check.mjs
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.GOLDILOCKS_OPENAI_URL,
  apiKey: process.env.GOLDILOCKS_API_KEY ?? 'no-key-needed-on-loopback',
  maxRetries: 0,
  timeout: 60_000,
});
const question = { model: 'math-specialist', messages: [{ role: 'user', content: 'What is 47 + 38?' }], max_tokens: 8, temperature: 0 };

async function failure(call) {
  try {
    await call();
    return { thrown: false };
  } catch (e) {
    return {
      thrown: true,
      name: e.constructor.name,
      notFound: e instanceof OpenAI.NotFoundError,
      badRequest: e instanceof OpenAI.BadRequestError,
      status: e.status,
      code: e.code,
      param: e.param,
      type: e.type,
    };
  }
}

const out = {};

const { data: chat, response } = await client.chat.completions.create(question).withResponse();
out.chat = {
  object: chat.object,
  model: chat.model,
  content: chat.choices[0].message.content,
  role: chat.choices[0].message.role,
  finishReason: chat.choices[0].finish_reason,
  usage: chat.usage,
  requestId: chat._request_id,
  routeHeader: response.headers.get('x-goldilocks-route-model'),
  extension: chat.goldilocks,
};

const stream = await client.chat.completions.create({ ...question, stream: true, stream_options: { include_usage: true } });
const chunks = [];
for await (const chunk of stream) {
  chunks.push(chunk);
}
out.stream = {
  chunks: chunks.length,
  objects: [...new Set(chunks.map((c) => c.object))],
  firstRole: chunks[0].choices[0]?.delta?.role ?? null,
  text: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
  finishReason: chunks.map((c) => c.choices[0]?.finish_reason).find((r) => r) ?? null,
  lastChoices: chunks[chunks.length - 1].choices.length,
  usage: chunks[chunks.length - 1].usage,
};

// the SDK's own helper: runs the stream and assembles the final completion from its chunks
const runner = client.chat.completions.stream({ ...question, stream: true });
const assembled = await runner.finalChatCompletion();
out.assembled = { content: assembled.choices[0].message.content, finishReason: assembled.choices[0].finish_reason };

const completion = await client.completions.create({ model: 'generic', prompt: 'In the beginning', max_tokens: 6, temperature: 0 });
out.completion = { object: completion.object, text: completion.choices[0].text, usage: completion.usage };
const completionStream = await client.completions.create({ model: 'generic', prompt: 'In the beginning', max_tokens: 6, temperature: 0, stream: true });
let streamedText = '';
for await (const chunk of completionStream) {
  streamedText += chunk.choices[0]?.text ?? '';
}
out.completionStream = { text: streamedText };

out.models = [];
for await (const model of client.models.list()) {
  out.models.push(model.id);
}

out.unknownModel = await failure(() => client.chat.completions.create({ ...question, model: 'no-such-model' }));
out.twoChoices = await failure(() => client.chat.completions.create({ ...question, n: 2 }));
out.unknownModelStreamed = await failure(async () => {
  for await (const chunk of await client.chat.completions.create({ ...question, model: 'no-such-model', stream: true })) {
    void chunk;
  }
});

console.log(JSON.stringify(out));
