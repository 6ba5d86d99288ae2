// The console's top bar. Cloudscape's TopNavigation renders a hidden copy of itself to measure how its utilities fit
// and lays both out, which on a slow machine is a noticeable part of the first render; the first render therefore has
// a plain bar of the same size, links and labels (the identity link, the user's menu with "Sign out", reachable and
// usable from the keyboard), and TopNavigation, a chunk of its own, takes its place once the browser is first idle.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { Session } from '../aws/session';
import { takeEarlyPress } from './firstLoad';
import './topBar.css';

const TopNavigation = lazy(() => import('@cloudscape-design/components/top-navigation'));

interface TopBarProps {
  session: Session;
  onSignOut: () => void;
}

/** requestIdleCallback where the browser has it (not Safari), else a short timeout; returns a cancel function. */
function whenIdle(run: () => void): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(run, { timeout: 2000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = setTimeout(run, 300);
  return () => clearTimeout(id);
}

export function TopBar(props: TopBarProps) {
  const [rich, setRich] = useState(false);
  const bar = useRef<HTMLElement>(null);
  useEffect(() => {
    if (rich) return;
    let cancel = () => {};
    const swap = () => {
      // Not while the user is in the plain bar (its menu open or a control focused): that would take their focus away.
      if (bar.current?.contains(document.activeElement)) {
        cancel = whenIdle(swap);
        return;
      }
      // The chunk loads first, so the bar is never blank: the plain one stays as the fallback until it is here.
      void import('@cloudscape-design/components/top-navigation').then(() => setRich(true), () => undefined);
    };
    cancel = whenIdle(swap);
    return () => cancel();
  }, [rich]);
  const light = <LightTopBar {...props} barRef={bar} />;
  if (!rich) return light;
  const { session, onSignOut } = props;
  return (
    <Suspense fallback={light}>
      <TopNavigation
        identity={{ href: '#/clusters', title: 'Wharf' }}
        i18nStrings={{ overflowMenuTriggerText: 'More', overflowMenuTitleText: 'All', overflowMenuDismissIconAriaLabel: 'Close menu', overflowMenuBackIconAriaLabel: 'Back' }}
        utilities={[
          {
            type: 'menu-dropdown',
            text: `${session.accessKeyId} · ${session.region}`,
            description: `Requests are signed for ${session.region}`,
            iconName: 'user-profile',
            disableTextCollapse: true,
            ariaLabel: `Signed in as ${session.accessKeyId} · ${session.region}`,
            items: [{ id: 'signout', text: 'Sign out' }],
            onItemClick: (e) => e.detail.id === 'signout' && onSignOut(),
          },
        ]}
      />
    </Suspense>
  );
}

/** The first render's bar: a banner with the identity link and the user's menu (a menu button: Enter, Space or the
 * down arrow opens it on its item, Escape closes it and returns to the button). */
function LightTopBar({ session, onSignOut, barRef }: TopBarProps & { barRef: React.RefObject<HTMLElement | null> }) {
  // Open at once when the plain list's menu button was pressed before the console arrived (src/early.ts).
  const [open, setOpen] = useState(() => takeEarlyPress('user-menu'));
  const button = useRef<HTMLButtonElement>(null);
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!open) return;
    item.current?.focus();
    const outside = (e: MouseEvent) => {
      if (!barRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open, barRef]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const label = `${session.accessKeyId} · ${session.region}`;
  return (
    <header className="wharf-top-bar" ref={barRef}>
      <a className="wharf-top-bar-identity" href="#/clusters">
        Wharf
      </a>
      <div className="wharf-top-bar-user">
        <button
          ref={button}
          type="button"
          aria-haspopup="true"
          aria-expanded={open}
          aria-label={`Signed in as ${label}`}
          onClick={() => setOpen((o) => !o)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
            }
          }}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <circle cx="8" cy="4.5" r="3.5" />
            <path d="M1 15.5c0-3.87 3.13-6 7-6s7 2.13 7 6" />
          </svg>
          <span>{label}</span>
          <svg className="wharf-top-bar-caret" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d="M4 5h8l-4 6-4-6z" />
          </svg>
        </button>
        {open && (
          <ul role="menu" aria-label={`Signed in as ${label}`}>
            <li
              ref={item}
              role="menuitem"
              tabIndex={-1}
              onClick={onSignOut}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSignOut();
                } else if (e.key === 'Escape' || e.key === 'Tab') {
                  if (e.key === 'Escape') e.preventDefault();
                  close();
                }
              }}
            >
              Sign out
            </li>
          </ul>
        )}
      </div>
    </header>
  );
}
