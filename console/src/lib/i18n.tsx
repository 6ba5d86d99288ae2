// Cloudscape's English labels (dismiss, scroll, pagination ...), so no control is left without a name, given to its
// components through the same React context its own I18nProvider fills, but formatted by lib/i18nFormat.ts rather
// than IntlMessageFormat, whose Intl locale resolution cost about 85 ms of the console's first render.
import awsuiPlugins from '@cloudscape-design/components/internal/plugins';
import enMessages from '@cloudscape-design/components/i18n/messages/all.en';
import React, { type ReactNode } from 'react';
import { formatMessage, type FormatValues, type MessageElement } from './i18nFormat';

type Format = (namespace: string, component: string, key: string, provided: unknown, customHandler?: (format: (args: FormatValues) => unknown) => unknown) => unknown;
interface I18nContextValue {
  locale: string | null;
  format: Format;
}

// Cloudscape's components read their formatter from a context kept in its plugin registry on the window (shared
// between copies of the library), created there on first use under this name; importing the plugins module above
// installs that registry.
void awsuiPlugins;
const registry = (window as unknown as Record<symbol, { awsuiPluginsInternal: { sharedReactContexts: { createContext: (r: typeof React, name: string) => React.Context<I18nContextValue | undefined> } } }>)[
  Symbol.for('awsui-plugin-api')
];
if (!registry) throw new Error("Cloudscape's plugin registry is missing: the console's i18n provider cannot reach its components");
const InternalI18nContext = registry.awsuiPluginsInternal.sharedReactContexts.createContext(React, 'InternalI18nContext');

type Messages = Record<string, Record<string, Record<string, Record<string, MessageElement[]>>>>;
const messages = enMessages as unknown as Messages;

/** Cloudscape's own lookup: a value the page gave wins; otherwise the English message, if there is one. */
const format: Format = (namespace, component, key, provided, customHandler) => {
  if (provided !== undefined) return provided;
  const message = messages[namespace]?.en?.[component]?.[key];
  if (message === undefined) return provided;
  if (customHandler) return customHandler((args) => formatMessage(message, args));
  return formatMessage(message);
};

const value: I18nContextValue = { locale: 'en', format };

export function EnglishI18nProvider({ children }: { children: ReactNode }) {
  return <InternalI18nContext.Provider value={value}>{children}</InternalI18nContext.Provider>;
}
