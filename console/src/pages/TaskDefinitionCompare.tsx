// Two revisions of a family side by side as one JSON diff: lines only in the older one marked -, only in the newer +.
import type { DescribeTaskDefinitionResponse } from '@aws-sdk/client-ecs';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { ecs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { enc } from '../lib/format';
import { jsonDiff } from '../lib/jsonDiff';
import { usePoll } from '../lib/usePoll';

const COLOURS = { '-': { background: '#ffe9e9', color: '#8b0000' }, '+': { background: '#e9ffe9', color: '#0b4a0b' }, ' ': {} } as const;

export default function TaskDefinitionCompare({ family, from, to }: { family: string; from: string; to: string }) {
  const { session } = useConsole();
  const poll = usePoll(async () => {
    const get = async (rev: string) =>
      (await ecs<DescribeTaskDefinitionResponse>(session, 'DescribeTaskDefinition', { taskDefinition: `${family}:${rev}` })).taskDefinition;
    const [a, b] = await Promise.all([get(from), get(to)]);
    return jsonDiff(a, b);
  }, [family, from, to], 60_000);
  const changed = poll.data?.filter((l) => l.kind !== ' ').length ?? 0;
  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup
        ariaLabel="Breadcrumbs"
        items={[
          { text: 'Task definitions', href: '#/task-definitions' },
          { text: family, href: `#/task-definitions/${enc(family)}` },
          { text: `Compare ${from} and ${to}`, href: `#/task-definitions/${enc(family)}/compare?from=${from}&to=${to}` },
        ]}
      />
      <Header variant="h1" description={poll.data ? `${changed} changed lines; - only in ${family}:${from}, + only in ${family}:${to}` : undefined}>
        {`Compare ${family}:${from} with ${family}:${to}`}
      </Header>
      <ErrorAlert error={poll.error} />
      <Container header={<Header variant="h2">JSON diff</Header>}>
        {poll.loading && !poll.data ? (
          <Box>Loading</Box>
        ) : (
          <pre data-testid="json-diff" style={{ overflow: 'auto', maxHeight: 640, margin: 0 }} tabIndex={0} aria-label="JSON diff">
            {(poll.data ?? []).map((l, i) => (
              <div key={i} className={`diff-${l.kind === '-' ? 'removed' : l.kind === '+' ? 'added' : 'same'}`} style={COLOURS[l.kind]}>
                {l.kind} {l.text}
              </div>
            ))}
          </pre>
        )}
      </Container>
    </SpaceBetween>
  );
}
