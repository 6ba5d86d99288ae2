// A page that is one form, as the ECS console lays out its create pages: breadcrumbs, the form's title, Cancel and
// submit buttons, the error of the last attempt, then the page's own fields.
import BreadcrumbGroup, { type BreadcrumbGroupProps } from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import { navigate } from './router';

export interface FormPageProps {
  breadcrumbs: BreadcrumbGroupProps.Item[];
  title: ReactNode;
  /** Where Cancel goes (a route, as for navigate). */
  cancelTo: string;
  submitLabel: string;
  /** The submit button's data-testid. */
  submitTestId: string;
  busy: boolean;
  error: unknown;
  onDismissError: () => void;
  onSubmit: () => void;
  children: ReactNode;
}

export function FormPage(props: FormPageProps) {
  const { breadcrumbs, title, cancelTo, submitLabel, submitTestId, busy, error, onDismissError, onSubmit, children } = props;
  return (
    <SpaceBetween size="m">
      <BreadcrumbGroup ariaLabel="Breadcrumbs" items={breadcrumbs} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <Form
          header={<Header variant="h1">{title}</Header>}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button formAction="none" variant="link" onClick={() => navigate(cancelTo)}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={busy} data-testid={submitTestId}>
                {submitLabel}
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="m">
            <ErrorAlert error={error} onDismiss={onDismissError} />
            {children}
          </SpaceBetween>
        </Form>
      </form>
    </SpaceBetween>
  );
}
