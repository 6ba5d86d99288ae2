// The console's shell: sign-in gate, navigation, breadcrumbs, flash messages, and the pages: the landing page (the
// cluster list) in this bundle, so its first render needs nothing more from the network, every other page loaded on
// demand.
import '@cloudscape-design/global-styles/index.css';
import Alert from '@cloudscape-design/components/alert';
import AppLayout from '@cloudscape-design/components/app-layout';
import Link from '@cloudscape-design/components/link';
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, StrictMode, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { clearSession, loadSession, type Session } from './aws/session';
import { dropUnsupportedNavOrientation } from './lib/ariaFixes';
import { Ctx, type Flash } from './lib/context';
import { ErrorBoundary } from './lib/ErrorBoundary';
import { stylesheetApplied } from './lib/boot';
import { earlyClustersSettled } from './lib/firstLoad';
import { EnglishI18nProvider } from './lib/i18n';
import { match, queryParam, useHashPath } from './lib/router';
import Clusters from './pages/Clusters';
import { SignIn } from './pages/SignIn';
import { TopBar } from './lib/TopBar';

const Cluster = lazy(() => import('./pages/Cluster'));
const TaskDefinitions = lazy(() => import('./pages/TaskDefinitions'));
const TaskDefinitionFamily = lazy(() => import('./pages/TaskDefinitionFamily'));
const TaskDefinition = lazy(() => import('./pages/TaskDefinition'));
const TaskDefinitionCompare = lazy(() => import('./pages/TaskDefinitionCompare'));
const CreateTaskDefinition = lazy(() => import('./pages/CreateTaskDefinition'));
const CreateService = lazy(() => import('./pages/CreateService'));
const Service = lazy(() => import('./pages/Service'));
const RunTask = lazy(() => import('./pages/RunTask'));
const Task = lazy(() => import('./pages/Task'));
const Repositories = lazy(() => import('./pages/Repositories'));
const LoadBalancers = lazy(() => import('./pages/LoadBalancers'));
const Alarms = lazy(() => import('./pages/Alarms'));
const Logs = lazy(() => import('./pages/Logs'));

function route(path: string): ReactNode {
  let m: Record<string, string> | undefined;
  const p = path.split('?')[0]!;
  if (p === '/clusters') return <Clusters />;
  if ((m = match('/clusters/:cluster', p))) return <Cluster cluster={m.cluster!} path={path} />;
  if ((m = match('/clusters/:cluster/create-service', p))) return <CreateService cluster={m.cluster!} />;
  if ((m = match('/clusters/:cluster/run-task', p))) return <RunTask cluster={m.cluster!} />;
  if ((m = match('/clusters/:cluster/services/:service', p))) return <Service cluster={m.cluster!} service={m.service!} />;
  if ((m = match('/clusters/:cluster/tasks/:task', p))) return <Task cluster={m.cluster!} task={m.task!} />;
  if (p === '/task-definitions') return <TaskDefinitions />;
  if (p === '/task-definitions/create') return <CreateTaskDefinition path={path} />;
  if ((m = match('/task-definitions/:family', p))) return <TaskDefinitionFamily family={m.family!} />;
  if ((m = match('/task-definitions/:family/compare', p)))
    return <TaskDefinitionCompare family={m.family!} from={queryParam(path, 'from') ?? ''} to={queryParam(path, 'to') ?? ''} />;
  if ((m = match('/task-definitions/:family/:revision', p))) return <TaskDefinition family={m.family!} revision={m.revision!} />;
  if (p === '/repositories') return <Repositories />;
  if (p === '/load-balancers') return <LoadBalancers />;
  if (p === '/alarms') return <Alarms />;
  if (p === '/logs') return <Logs />;
  return (
    <Alert type="warning" header="Page not found">
      The console has no page at {p}. <Link href="#/clusters">Go to the clusters</Link>.
    </Alert>
  );
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const path = useHashPath();
  const [flashes, setFlashes] = useState<(Flash & { id: string; at: number })[]>([]);
  // A message outlives the page it was written on only when that page just sent the user here.
  useEffect(() => setFlashes((all) => all.filter((f) => Date.now() - f.at < 3000)), [path]);
  const [navOpen, setNavOpen] = useState(window.innerWidth > 688);
  const flash = useCallback((f: Flash) => {
    const id = `${Date.now()}-${Math.random()}`;
    setFlashes((all) => [...all.slice(-2), { ...f, id, at: Date.now() }]);
  }, []);
  const ctx = useMemo(() => ({ session, flash }), [session, flash]);
  const items: FlashbarProps.MessageDefinition[] = flashes.map((f) => ({
    id: f.id,
    type: f.type,
    header: f.header,
    content: f.content,
    dismissible: true,
    dismissLabel: 'Dismiss message',
    onDismiss: () => setFlashes((all) => all.filter((x) => x.id !== f.id)),
  }));
  const section = '/' + (path.split('/')[1] ?? 'clusters');
  return (
    <Ctx.Provider value={ctx}>
      <div id="top-nav">
        <TopBar session={session} onSignOut={onSignOut} />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        navigationOpen={navOpen}
        onNavigationChange={(e) => setNavOpen(e.detail.open)}
        navigation={
          <SideNavigation
            header={{ href: '#/clusters', text: 'Wharf (Amazon ECS)' }}
            activeHref={`#${section}`}
            items={[
              { type: 'link', text: 'Clusters', href: '#/clusters' },
              { type: 'link', text: 'Task definitions', href: '#/task-definitions' },
              { type: 'divider' },
              { type: 'link', text: 'Repositories (ECR)', href: '#/repositories' },
              { type: 'link', text: 'Load balancers', href: '#/load-balancers' },
              { type: 'link', text: 'CloudWatch alarms', href: '#/alarms' },
              { type: 'link', text: 'CloudWatch Logs', href: '#/logs' },
            ]}
          />
        }
        toolsHide
        notifications={<Flashbar items={items} />}
        ariaLabels={{ navigation: 'Navigation', navigationClose: 'Close navigation', navigationToggle: 'Open navigation', notifications: 'Notifications' }}
        content={
          <ErrorBoundary key={path.split('?')[0]}>
            <Suspense fallback={<Spinner size="large" />}>{route(path)}</Suspense>
          </ErrorBoundary>
        }
      />
    </Ctx.Provider>
  );
}

function Root() {
  const [session, setSession] = useState<Session | undefined>(loadSession());
  if (!session) return <SignIn onSignedIn={setSession} />;
  return (
    <Console
      session={session}
      onSignOut={() => {
        clearSession();
        setSession(undefined);
      }}
    />
  );
}

const root = document.getElementById('root')!;
dropUnsupportedNavOrientation(root);
// The cluster list started loading as the page arrived (src/early.ts); most often it is here by now, and when it is a
// few milliseconds away, waiting for it puts the rows in the first render instead of a spinner and a second render.
// The first render also waits for Cloudscape's stylesheet, which src/early.ts loads beside this bundle, so the page is
// never shown unstyled. That render replaces whatever src/early.ts put in #root (React empties the container).
void Promise.all([earlyClustersSettled(50), stylesheetApplied()]).then(() =>
  createRoot(root).render(
  <StrictMode>
    {/* Cloudscape's own English labels (dismiss, scroll, pagination ...), so no control is left without a name. */}
    <EnglishI18nProvider>
      <Root />
    </EnglishI18nProvider>
  </StrictMode>,
  ),
);
