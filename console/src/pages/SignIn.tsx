// Sign in with an access key pair. The pair is checked with one signed ECS call (ListClusters) and, if Wharf
// accepts it, kept in sessionStorage for this tab only.
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ecs } from '../aws/apis';
import { saveSession, type Session } from '../aws/session';
import { ErrorAlert } from '../lib/ErrorAlert';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecret] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const s = { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), region: region.trim() || 'us-east-1' };
    try {
      await ecs(s, 'ListClusters', { maxResults: 1 });
      saveSession(s);
      onSignedIn(s);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ maxWidth: 520, margin: '48px auto', padding: '0 16px' }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          header={<Header variant="h1" description="Sign in with an access key pair, as the aws CLI does. It is kept for this tab only.">Wharf console</Header>}
          actions={
            <Button variant="primary" formAction="submit" loading={busy} data-testid="sign-in">
              Sign in
            </Button>
          }
        >
          <SpaceBetween size="l">
            <ErrorAlert error={error} />
            <Container>
              <SpaceBetween size="m">
                <FormField label="Access key ID">
                  <Input value={accessKeyId} onChange={(e) => setAccessKeyId(e.detail.value)} autoFocus ariaRequired name="accessKeyId" autoComplete="username" />
                </FormField>
                <FormField label="Secret access key">
                  <Input value={secretAccessKey} onChange={(e) => setSecret(e.detail.value)} type="password" ariaRequired name="secretAccessKey" autoComplete="current-password" />
                </FormField>
                <FormField label="Region">
                  <Input value={region} onChange={(e) => setRegion(e.detail.value)} name="region" />
                </FormField>
              </SpaceBetween>
            </Container>
            <Box variant="small">
              <Box variant="code">wharf up</Box> prints the key pair to use; <Box variant="code">wharf up --print-credentials</Box> shows it again.
            </Box>
          </SpaceBetween>
        </Form>
      </form>
    </main>
  );
}
