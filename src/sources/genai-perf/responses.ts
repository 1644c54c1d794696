/**
 * @module One perf_analyzer response as GenAI-Perf reads it. For the OpenAI service kind a
 * response is SSE text (`data: {...}\n\n`, sometimes several events received at once); its
 * content is `choices[0].delta.content` (or `.text`, `.message.content`), and responses without
 * content (the role chunk, the finish chunk, the usage chunk, `[DONE]`) are not tokens. Triton
 * responses are tensors (`text_output`, `output_ids`) and all count.
 */

export interface ParsedResponse {
  /** Content text; '' when the response carries none. */
  text: string;
  /** Whether GenAI-Perf counts the response as a streamed chunk. */
  content: boolean;
  /** Tokens in the response, when it says so itself (TensorRT-LLM `output_ids`). */
  tokens?: number;
  /** OpenAI `usage` (the final chunk, or every chunk with continuous usage stats). */
  promptTokens?: number;
  completionTokens?: number;
  finishReason?: string;
  model?: string;
  error?: { type?: string; message?: string };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Thrown for a response that is neither SSE JSON, JSON, nor `[DONE]`. */
export class ResponseSyntaxError extends Error {}

/** The JSON payloads of an SSE text (one per `data:` event); plain JSON is one payload. */
function ssePayloads(raw: string): string[] {
  const text = raw.trim();
  if (text === '') return [];
  if (!/^(data|event|id|retry)\s*:|^:/m.test(text)) return [text];
  const out: string[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => /^data\s*:/.test(l))
      .map((l) => l.replace(/^data\s*:\s?/, ''));
    if (data.length) out.push(data.join('\n').trim());
  }
  return out;
}

/** Parses one OpenAI-service response string. */
export function parseOpenAiResponse(raw: string): ParsedResponse {
  const r: ParsedResponse = { text: '', content: false };
  for (const payload of ssePayloads(raw)) {
    if (payload === '[DONE]' || payload === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(payload);
    } catch {
      throw new ResponseSyntaxError(`not JSON: ${payload.slice(0, 80)}`);
    }
    if (!isObj(data)) continue;
    if (data.object === 'error' || isObj(data.error)) {
      const e = isObj(data.error) ? data.error : data;
      r.error = {
        type: str(e.type) ?? (e.code === undefined ? undefined : String(e.code)),
        message: str(e.message),
      };
      continue;
    }
    r.model = str(data.model) ?? r.model;
    const choice = Array.isArray(data.choices) && isObj(data.choices[0]) ? data.choices[0] : {};
    const delta = isObj(choice.delta) ? choice.delta : undefined;
    const message = isObj(choice.message) ? choice.message : undefined;
    r.text += str(delta?.content) ?? str(choice.text) ?? str(message?.content) ?? '';
    r.finishReason = str(choice.finish_reason) ?? r.finishReason;
    if (isObj(data.usage)) {
      r.promptTokens = num(data.usage.prompt_tokens) ?? r.promptTokens;
      r.completionTokens = num(data.usage.completion_tokens) ?? r.completionTokens;
    }
  }
  r.content = r.text !== '';
  return r;
}

/** Parses one Triton / TensorRT-LLM response (output tensors by name). */
export function parseTensorResponse(output: Obj): ParsedResponse {
  const text = str(output.text_output) ?? '';
  const ids = output.output_ids;
  return {
    text,
    content: true,
    tokens: Array.isArray(ids) ? ids.length : typeof ids === 'number' ? 1 : undefined,
  };
}
