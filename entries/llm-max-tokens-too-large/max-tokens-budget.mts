// Send each request a max_tokens the model can honour: min(output cap, window - prompt - margin,
// the configured value), instead of one hard-coded number (32000, 64000) for every model.
export interface ModelLimits {
  window: number; // context window: prompt + output
  maxOutput: number; // the model's own output cap (4,096 for gpt-4-turbo, 16,384 for gpt-4o...)
}

export class PromptTooLong extends RangeError {}

export interface BudgetOptions {
  countTokens: (text: string) => number;
  wanted?: number; // the user's setting (e.g. from LLM_MAX_OUTPUT_TOKENS); undefined = as much as fits
  margin?: number;
  minOutput?: number;
}

export function maxTokensFor(limits: ModelLimits, prompt: string, options: BudgetOptions): number {
  const { countTokens, wanted, margin = 64, minOutput = 256 } = options;
  const room = limits.window - countTokens(prompt) - margin;
  if (room < minOutput) {
    throw new PromptTooLong(`the prompt leaves ${Math.max(room, 0)} of ${limits.window} tokens for the answer`);
  }
  return Math.min(limits.maxOutput, room, wanted ?? Number.POSITIVE_INFINITY);
}

export function configuredMaxOutput(value: string | undefined): number | undefined {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}
