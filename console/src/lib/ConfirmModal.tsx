// A confirmation dialog for destructive actions; the API's refusal shows inside it.
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

export function ConfirmModal(props: {
  visible: boolean;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const close = () => {
    setError(undefined);
    props.onCancel();
  };
  return (
    <Modal
      visible={props.visible}
      onDismiss={close}
      header={props.title}
      closeAriaLabel="Close dialog"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={close}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={busy}
              data-testid="confirm"
              onClick={async () => {
                setBusy(true);
                setError(undefined);
                try {
                  await props.onConfirm();
                  props.onCancel();
                } catch (err) {
                  setError(err);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {props.confirmLabel}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {props.children}
        <ErrorAlert error={error} />
      </SpaceBetween>
    </Modal>
  );
}
