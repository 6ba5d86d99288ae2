// What a person sees from `wharf up`: its own lines, no warnings from the libraries inside it.
import { describe, expect, it } from 'vitest';
import { embeddedInstance, startWharf } from './harness.js';

describe('wharf up output', () => {
  it('carries no Node.js warning from the AWS SDK once the embedded agent has joined', async () => {
    const w = await startWharf({ mode: 'up' });
    try {
      // The agent's SDK clients exist once its instance is registered: that is when the SDK would warn.
      await embeddedInstance(w.ecs());
      expect(w.stderr()).not.toMatch(/NodeVersionSupportWarning|\(node:\d+\) Warning/);
      expect(w.output.join('\n')).not.toMatch(/NodeVersionSupportWarning/);
    } finally {
      await w.stop();
    }
  });
});
