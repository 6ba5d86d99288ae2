// A page that throws while rendering (or whose code fails to load, say after Wharf was upgraded under an open tab)
// shows what went wrong instead of a blank screen.
import Alert from '@cloudscape-design/components/alert';
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Alert type="error" header="This page could not be shown" data-testid="page-error">
        {error.message}. Reload the page to try again.
      </Alert>
    );
  }
}
