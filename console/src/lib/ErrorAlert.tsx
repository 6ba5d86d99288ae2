// An API's refusal shown as AWS wrote it: the error code as the header and the message as the text.
import Alert from '@cloudscape-design/components/alert';
import { ApiError } from '../aws/signer';

export function ErrorAlert({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : ((error as Error).name ?? 'Error');
  const message = (error as Error).message ?? String(error);
  return (
    <Alert type="error" header={code} dismissible={Boolean(onDismiss)} onDismiss={onDismiss} i18nStrings={{ dismissAriaLabel: "Dismiss error" }} data-testid="api-error">
      {message}
    </Alert>
  );
}
