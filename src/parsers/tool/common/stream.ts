/** Small pieces every incremental tool parser uses. */
import type {
  ToolCall,
  ToolCallDelta,
  ToolParseResult,
  ToolStreamParser,
  ToolStreamStep,
} from '../types';

/** Accumulates one step's output. */
export class StepBuilder {
  private normal = '';
  private calls: ToolCallDelta[] = [];
  /** Number of calls emitted over the whole stream (the next call's index). */
  count = 0;

  text(s: string): void {
    this.normal += s;
  }

  /** Emits a completed call as one delta carrying its name and all its arguments. */
  call(c: ToolCall): void {
    this.calls.push({ index: this.count++, name: c.name, argumentsDelta: c.arguments });
  }

  /** The step so far; resets the step (not the call count). */
  take(): ToolStreamStep {
    const step = { normalText: this.normal, calls: this.calls };
    this.normal = '';
    this.calls = [];
    return step;
  }
}

/**
 * Reassembles streamed steps into a complete result: normal text concatenated; per index, the
 * name of the first delta and the argument deltas concatenated.
 */
export function assembleSteps(steps: readonly ToolStreamStep[]): ToolParseResult {
  let normalText = '';
  const names: string[] = [];
  const args: string[] = [];
  for (const step of steps) {
    normalText += step.normalText;
    for (const d of step.calls) {
      if (d.name !== undefined && names[d.index] === undefined) names[d.index] = d.name;
      args[d.index] = (args[d.index] ?? '') + d.argumentsDelta;
    }
  }
  const calls: ToolCall[] = [];
  for (let i = 0; i < args.length; i++)
    calls.push({ name: names[i] ?? '', arguments: args[i] ?? '' });
  return { normalText, calls };
}

/** Runs a stream over the whole text at once: the complete parse of a stream-defined format. */
export function parseWithStream(stream: ToolStreamParser, text: string): ToolParseResult {
  return assembleSteps([stream.push(text), stream.finish()]);
}
